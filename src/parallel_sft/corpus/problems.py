"""The problems a build works on: loaded from the source, decontaminated against an
evaluation set, and (optionally) only those whose own reference passes its own tests.

Each filter counts what it drops; the counts go into the data card's accounting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import PsftError
from ..records import Problem, Status
from ..verify.cache import VerdictCache, verify_cached
from ..verify.executors import ExecutorSpec
from ..verify.job import reference_candidates
from .config import BuildConfig


def load_problems(config: BuildConfig) -> tuple[list[Problem], dict[str, int]]:
    """The source's problems (up to `limit`) and the counts of skipped rows by reason."""
    from ..sources import load_source

    problems, skipped = load_source(
        config.source,
        split=config.split,
        source_lang=config.source_lang,
        columns=dict(config.columns) or None,
        limit=config.limit,
    )
    counts = {"loaded": len(problems), **{f"skipped_{k}": v for k, v in sorted(skipped.items())}}
    if not problems:
        raise PsftError(f"source {config.source!r} gave no usable problems ({_reasons(skipped)})")
    return problems, counts


def decontaminate(
    problems: list[Problem], against: str, n: int
) -> tuple[list[Problem], dict[str, str]]:
    """Problems that share no word n-gram with the evaluation set, and the dropped ones."""
    from .decontaminate import contaminated, load_statements

    dropped = contaminated(problems, load_statements(against), n=n)
    return [p for p in problems if p.id not in dropped], dropped


def check_references(
    problems: list[Problem],
    config: BuildConfig,
    cache: VerdictCache,
    *,
    executor: ExecutorSpec | None = None,
    progress: bool = True,
) -> tuple[list[Problem], dict[str, str]]:
    """Problems whose reference solution passes all of its tests, and the failing ones
    with their verdicts (a failing reference means wrong tests or a wrong reference)."""
    by_id = {p.id: p for p in problems}
    items = [(cand, by_id[cand.problem_id]) for _, cand in reference_candidates(by_id)]
    verdicts, _ = verify_cached(items, config.verify, cache, executor=executor, progress=progress)
    infra = [v for v in verdicts if v.status is Status.INFRA_ERROR]
    if infra:
        raise PsftError(f"could not check references: {infra[0].detail}")
    failed = {
        c.problem_id: f"{v.status}: {v.detail}"
        for (c, _), v in zip(items, verdicts, strict=True)
        if not v.ok
    }
    return [p for p in problems if p.id not in failed], failed


def prepare_problems(
    config: BuildConfig,
    cache: VerdictCache,
    *,
    executor: ExecutorSpec | None = None,
    progress: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> tuple[list[Problem], dict[str, int]]:
    problems, counts = load_problems(config)
    log(f"loaded {len(problems)} problems from {config.source}")
    if config.decontaminate_against:
        problems, dropped = decontaminate(problems, config.decontaminate_against, config.ngram)
        counts["decontaminated"] = len(dropped)
        log(f"decontamination dropped {len(dropped)} problems")
    if config.check_reference:
        problems, failed = check_references(
            problems, config, cache, executor=executor, progress=progress
        )
        counts["reference_failed"] = len(failed)
        log(f"reference check dropped {len(failed)} problems")
    counts["built"] = len(problems)
    if not problems:
        raise PsftError("no problems left to build after the filters")
    return problems, counts


def _reasons(skipped: dict[str, int]) -> str:
    if not skipped:
        return "the source is empty"
    return "skipped: " + ", ".join(f"{v} {k}" for k, v in sorted(skipped.items()))


def dry_run(config: BuildConfig) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """What a build of `config` would work on, without a model or the sandbox: the
    loader's accounting (loaded, skipped_<reason>, asserts dropped) and, per target PL,
    how many problems it would be asked for and which it cannot express, by reason."""
    from collections import Counter

    from ..languages import get_language
    from ..verify.functions import cannot_run

    problems, counts = load_problems(config)
    per_lang: dict[str, dict[str, Any]] = {}
    for name in config.langs:
        lang = get_language(name)
        reasons: Counter[str] = Counter()
        asked = 0
        for problem in problems:
            if problem.reference is not None and problem.reference.language == lang.name:
                continue
            reason = cannot_run(problem, lang)
            if reason is None:
                asked += 1
            else:
                reasons[reason] += 1
        per_lang[lang.name] = {"asked": asked, "skipped": sum(reasons.values()),
                               "reasons": dict(reasons.most_common())}  # fmt: skip
    return counts, per_lang
