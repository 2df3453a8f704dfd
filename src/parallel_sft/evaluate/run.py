"""`run_eval`: n samples per (problem, PL) from any backend, judged in the sandbox.

The stages are the corpus build's: `translate` (any prompt; here `render_solve`, the one
RL trains on) with its completion cache, `response_candidate` inside it, `verify_cached`
with its verdict cache. A run directory holds:

    samples.parquet   every sample: its response, extracted program and verdict
    summary.json      pass@k per PL with bootstrap intervals (`score.py`)
    results.md        the same as a markdown table
    .eval/            run.json (what the run is), the completion and verdict caches

Rerunning the same command resumes: cached completions and verdicts are reused, so an
interrupted run asks the model and the sandbox only for what is missing. A directory of
another run (another model, problem set or sampling) is refused unless --overwrite, which
keeps the content-keyed caches.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..backends.base import SamplingParams
from ..backends.lazy import LazyBackend
from ..corpus.read import load_problem_set
from ..errors import PsftError
from ..languages import parse_languages
from ..prompts import render_complete, render_solve
from ..prompts.templates import COMPLETE_FUNCTION_VERSION, SOLVE_VERSION
from ..records import Status
from ..translate.cache import CompletionCache
from ..translate.stage import Request, translate
from ..verify.cache import VerdictCache, verify_cached
from ..verify.executors import ExecutorSpec
from ..verify.functions import cannot_run
from ..verify.runner import VerifyConfig
from .score import check_ks, score_samples, write_results

STATE = ".eval"


@dataclass(frozen=True)
class EvalConfig:
    problems: str = "sample"
    split: str | None = None  # None: a corpus's test split, a source's train split
    limit: int | None = None
    langs: tuple[str, ...] = ("python",)
    backend: str = "hf"
    model: str | None = None
    n: int = 10
    ks: tuple[int, ...] = (1, 5, 10)
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int = 0
    sanitize: bool = True  # VerifyConfig.sanitize: C/C++ passes checked under sanitizers
    prompt_style: str = "chat"  # or "completion": the header alone, for base models
    protocol: str | None = None  # the preset its settings came from (`--protocol`), if any

    def identity(self) -> dict[str, Any]:
        """What makes two runs the same run: langs, n and k may grow within one."""
        keep = ("problems", "split", "limit", "backend", "model", "temperature", "top_p",
                "max_tokens", "seed", "sanitize")  # fmt: skip
        return {**{k: getattr(self, k) for k in keep}, "prompt": self.prompt_version}

    @property
    def prompt_version(self) -> str:
        return COMPLETE_FUNCTION_VERSION if self.prompt_style == "completion" else SOLVE_VERSION


def claim_run_dir(out: Path, config: EvalConfig, *, overwrite: bool) -> None:
    """Take `out` for this run: resume the same run, refuse another one (or clear its
    outputs with `overwrite`), never touch a directory that is not an eval run."""
    manifest = out / STATE / "run.json"
    if out.exists() and any(out.iterdir()) and not manifest.exists():
        raise PsftError(f"{out} exists and is not an eval run directory; choose another --out")
    wanted = config.identity()
    if manifest.exists():
        found = json.loads(manifest.read_text())
        if found != wanted:
            if not overwrite:
                changed = sorted(
                    k for k in wanted.keys() | found.keys() if wanted.get(k) != found.get(k)
                )
                raise PsftError(
                    f"{out} holds another run (differs in: {', '.join(changed)}); rerun with "
                    "--overwrite to replace it, or use another --out"
                )
            for path in out.iterdir():
                if path.name != STATE:
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
    (out / STATE).mkdir(parents=True, exist_ok=True)
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text(json.dumps(wanted, indent=2, sort_keys=True) + "\n")
    tmp.replace(manifest)


def run_eval(
    config: EvalConfig,
    out: str | Path,
    *,
    backend_options: dict[str, Any] | None = None,
    executor: ExecutorSpec | None = None,
    overwrite: bool = False,
    progress: bool = True,
) -> dict[str, Any]:
    """Generate, judge and score; returns the summary (also in summary.json)."""
    check_ks(config.ks, config.n)
    targets = parse_languages(",".join(config.langs))
    problems = load_problem_set(
        config.problems, split=config.split, limit=config.limit, corpus_split="test"
    )
    completion = config.prompt_style == "completion"
    if completion and any(p.kind != "function" for p in problems):
        stdio = sum(p.kind != "function" for p in problems)
        raise PsftError(
            f"completion-style prompts are for function problems; {stdio} of the "
            f"{len(problems)} problems are stdio problems (use --prompt-style chat)"
        )
    render = render_complete if completion else render_solve
    out = Path(out)
    claim_run_dir(out, config, overwrite=overwrite)
    state = out / STATE

    # A function problem a PL cannot express is not asked for there (pass@k per PL is over
    # the problems it can take); the counts go into the summary.
    unsupported: Counter[str] = Counter()
    requests = []
    for p in problems:
        for lang in targets:
            if cannot_run(p, lang) is None:
                requests.append(Request(p, lang, render(p, lang)))
            else:
                unsupported[lang.name] += 1
    if not requests:
        raise PsftError("no problem can be written in any of the target PLs")
    params = SamplingParams(
        n=config.n, temperature=config.temperature, top_p=config.top_p,
        max_tokens=config.max_tokens, seed=config.seed,
    )  # fmt: skip
    llm = LazyBackend(config.backend, config.model, backend_options or {})
    cache = CompletionCache(state / "completions.jsonl")
    try:
        candidates, stats = [], None
        # Completion-style samples stop at their language's stop sequences: one call per PL.
        groups = _by_language(requests, params) if completion else [(params, requests)]
        for group_params, group in groups:
            got, group_stats = translate(group, llm, group_params, cache, progress=progress,
                                         label="generating")  # fmt: skip
            candidates += got
            stats = group_stats if stats is None else _added(stats, group_stats)
    finally:
        llm.close()
    by_id = {p.id: p for p in problems}
    items = [(c, by_id[c.problem_id]) for c in candidates]
    verdicts, reused = verify_cached(
        items,
        VerifyConfig(sanitize=config.sanitize),
        VerdictCache(state / "verdicts.jsonl"),
        executor=executor,
        progress=progress,
    )
    infra = sum(v.status is Status.INFRA_ERROR for v in verdicts)
    if infra:
        raise PsftError(
            f"{infra} samples could not be judged (INFRA_ERROR: {_first_infra(verdicts)}); "
            "every other verdict is saved: rerun the same command to judge them again"
        )
    rows = [
        {
            "problem_id": c.problem_id, "language": c.language, "sample": c.sample,
            "status": v.status.value, "tests_passed": v.tests_passed,
            "tests_total": v.tests_total, "detail": v.detail, "code": c.code,
            "response": c.response, "finish_reason": c.extra.get("finish_reason", ""),
            "completion_tokens": int(c.extra.get("completion_tokens") or 0),
        }
        for c, v in zip(candidates, verdicts, strict=True)
    ]  # fmt: skip
    _write_samples(out / "samples.parquet", rows)
    run = {
        "model": llm.model, "backend": config.backend, "problems_source": config.problems,
        "split": config.split, "problem_ids": sorted(by_id), "source_lang": _source_lang(problems),
        "prompt": config.prompt_version, "protocol": config.protocol,
        "sampling": asdict(params),
        "completions_generated": stats.completions_generated,
        "completions_cached": stats.completions_cached, "verdicts_reused": reused,
        "not_expressible": dict(sorted(unsupported.items())),
    }  # fmt: skip
    langs = [lang.name for lang in targets]
    summary = score_samples(rows, config.ks, langs=langs, run=run, seed=config.seed)
    write_results(out, summary)
    return summary


def _by_language(
    requests: list[Request], params: SamplingParams
) -> list[tuple[SamplingParams, list[Request]]]:
    """Completion-style requests grouped by their stop sequences (a PL's own, or a
    benchmark's stop tokens), each group sent with them."""
    from ..benchmarks import completion_stops

    groups: dict[tuple[str, ...], list[Request]] = {}
    for req in requests:
        header = req.prompt.chat
        assert isinstance(header, str)
        harness = req.problem.harnesses.get(req.lang.name)
        if harness is not None:
            stops = completion_stops(harness, req.lang)
        else:
            assert req.lang.functions is not None
            stops = req.lang.functions.completion_stops(header)
        groups.setdefault(tuple(stops), []).append(req)
    return [(replace(params, stop=stops), group) for stops, group in groups.items()]


def _added(a, b):
    """Two TranslateStats as one."""
    for name in ("requests", "completions_cached", "completions_generated", "model_calls",
                 "generated_tokens", "generate_seconds"):  # fmt: skip
        setattr(a, name, getattr(a, name) + getattr(b, name))
    a.per_language.update(b.per_language)
    return a


def _write_samples(path: Path, rows: list[dict[str, Any]]) -> None:
    import polars as pl

    tmp = path.with_suffix(".tmp")
    pl.DataFrame(rows).write_parquet(tmp)
    tmp.replace(path)


def _first_infra(verdicts) -> str:
    return next(v.detail for v in verdicts if v.status is Status.INFRA_ERROR)


def _source_lang(problems) -> str | None:
    """The problems' reference PL (the one RL trained in, in the paper's setting)."""
    langs = Counter(p.reference.language for p in problems if p.reference)
    return langs.most_common(1)[0][0] if langs else None
