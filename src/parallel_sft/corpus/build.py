"""`build_corpus`: the thin orchestration of the stages, resumable at every point.

    problems (load, decontaminate, check references)
      -> for each round (0 = translate, 1.. = repair the failures of the round before):
           for each shard of requests: translate -> extract/syntax -> execute
      -> select -> export the dataset -> data card

State lives in `<out>/.build/`: the completion cache and the verdict cache (append-only,
flushed per entry), the prepared problems, and one file per finished shard (written to a
temporary name and renamed). After a crash or Ctrl-C, the same command skips finished
shards and, inside the shard that was cut, asks the model and the sandbox only for what
they had not answered yet; the dataset it writes is the one an uninterrupted run writes.
A shard with an INFRA_ERROR verdict is not finished: the build stops with an error after
the round, and a rerun judges those programs again.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..backends.base import SamplingParams
from ..backends.lazy import LazyBackend
from ..errors import PsftError
from ..languages import Language, get_language
from ..prompts import RenderedPrompt
from ..records import Candidate, Problem, Status, Verdict
from ..tables import read_rows, write_rows
from ..translate.cache import CompletionCache
from ..translate.repair import repair_request
from ..translate.stage import Request, build_requests, registry_examples, translate
from ..verify.cache import VerdictCache, verify_cached
from ..verify.executors import ExecutorSpec
from .config import BuildConfig, BuildDir
from .problems import prepare_problems

Row = dict[str, Any]


@dataclass
class BuildReport:
    out: Path
    resumed: bool
    problems: dict[str, int]  # accounting: loaded, skipped_*, decontaminated, ...
    funnel: list[dict[str, Any]]
    configs: dict[str, dict[str, int]]  # config -> split -> rows
    selection: dict[str, int]  # dropped_duplicate, ...
    shards_reused: int = 0
    completions: dict[str, int] = field(default_factory=dict)  # cached / generated
    verdicts_reused: int = 0
    model: str = ""


def attempt_row(cand: Candidate, verdict: Verdict, prompt: RenderedPrompt) -> Row:
    """One attempt as the build stores it: the candidate, its verdict, and the chat that
    produced it (repair rounds extend that chat)."""
    return {
        "problem_id": cand.problem_id,
        "language": cand.language,
        "round": cand.round,
        "sample": cand.sample,
        "model": cand.model,
        "prompt_hash": cand.prompt_hash,
        "prompt_version": cand.extra.get("prompt_version", ""),
        "code": cand.code,
        "response": cand.response,
        "finish_reason": cand.extra.get("finish_reason", ""),
        "extract_reason": cand.extra.get("extract_reason", ""),
        "syntax_ok": bool(cand.extra.get("syntax_ok")),
        **verdict.to_dict(),
        "chat": json.dumps(prompt.chat, ensure_ascii=False),
    }


def repair_round(
    previous: Sequence[Row], done: set[tuple[str, str]], problems: dict[str, Problem]
) -> list[tuple[Request, int]]:
    """(request, sample) for every failed attempt of the previous round whose (problem, PL)
    has no verified program yet."""
    out = []
    for row in previous:
        status = Status(row["status"])
        if status is Status.OK or (row["problem_id"], row["language"]) in done:
            continue
        chat = RenderedPrompt(json.loads(row["chat"]), row["prompt_version"])
        request = repair_request(
            problems[row["problem_id"]],
            get_language(row["language"]),
            chat,
            row["response"],
            status,
            row["detail"],
        )
        out.append((request, row["sample"]))
    return out


def _shards(items: Sequence[Any], size: int) -> Iterator[tuple[int, Sequence[Any]]]:
    for index, start in enumerate(range(0, len(items), size)):
        yield index, items[start : start + size]


def build_corpus(
    config: BuildConfig,
    out: str | Path,
    *,
    backend_options: dict[str, Any] | None = None,
    executor: ExecutorSpec | None = None,
    overwrite: bool = False,
    progress: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> BuildReport:
    """Run (or resume) the build of `config` into `out`; see the module docstring."""
    from ..data_cards import CardInfo, license_for_source, write_card
    from .export import write_dataset
    from .selection import select
    from .stats import funnel

    langs = [get_language(name) for name in config.langs]
    build_dir = BuildDir(out)
    fresh = not build_dir.out.exists() or not any(build_dir.out.iterdir())
    resumed = build_dir.claim(config, overwrite=overwrite)
    state = build_dir.state
    llm = LazyBackend(config.backend, config.model, backend_options or {})
    report_counts = {"shards_reused": 0, "verdicts_reused": 0, "cached": 0, "generated": 0}
    unsupported: dict[str, Counter[str]] = {}  # PL -> reason -> function problems skipped
    try:
        with (
            CompletionCache(state / "completions.jsonl") as completions,
            VerdictCache(state / "verdicts.jsonl") as verdicts,
        ):
            try:
                problems, accounting = _problems(config, state, verdicts, executor, progress, log)
            except PsftError:
                if fresh:  # bad input before any work: leave no half-made directory behind
                    shutil.rmtree(build_dir.out, ignore_errors=True)
                raise
            attempts = _rounds(
                config,
                langs,
                problems,
                state,
                llm,
                completions,
                verdicts,
                executor=executor,
                progress=progress,
                log=log,
                counts=report_counts,
                unsupported=unsupported,
            )
    finally:
        llm.close()

    for lang_name, reasons in sorted(unsupported.items()):
        accounting[f"unsupported_in_{lang_name}"] = sum(reasons.values())
    chosen, selection = select(attempts, config.keep)
    names = [lang.name for lang in langs]
    table = funnel(chosen, names)
    accounting["with_verified"] = len({a["problem_id"] for a in chosen if a["status"] == "OK"})
    configs = write_dataset(build_dir.out, problems, chosen, names, config.test_fraction)
    # The translating model (round -1 rows are the source's own solutions).
    model = next((a["model"] for a in chosen if a["model"] and a["round"] >= 0), config.model or "")
    # A local file of problems from one known dataset keeps that dataset's license.
    origins = {p.source for p in problems}
    data_license = license_for_source(origins.pop()) if len(origins) == 1 else None
    write_card(
        build_dir.out,
        CardInfo(
            pretty_name=f"Parallel programs ({', '.join(names)}) from {_source_name(config)}",
            source=config.source,
            languages=names,
            configs=configs,
            funnel=table,
            problems=accounting,
            build=_provenance(config, langs, model, selection),
            license=data_license if data_license != "other" else None,
        ),
    )
    return BuildReport(
        out=build_dir.out,
        resumed=resumed,
        problems=accounting,
        funnel=table,
        configs=configs,
        selection=selection,
        shards_reused=report_counts["shards_reused"],
        completions={"cached": report_counts["cached"], "generated": report_counts["generated"]},
        verdicts_reused=report_counts["verdicts_reused"],
        model=model,
    )


def _problems(config, state, verdicts, executor, progress, log):
    """The prepared problems, from .build/ when an earlier run got that far."""
    path, counts_path = state / "problems.jsonl", state / "problems.json"
    if path.exists() and counts_path.exists():
        problems = [Problem.from_dict(row) for _, row in read_rows(path)]
        return problems, json.loads(counts_path.read_text())
    problems, accounting = prepare_problems(
        config, verdicts, executor=executor, progress=progress, log=log
    )
    write_rows(path, [p.to_dict() for p in problems])
    tmp = counts_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(accounting, indent=2) + "\n")
    tmp.replace(counts_path)
    return problems, accounting


def _sharded(
    name: str,
    items: Sequence[Any],
    run: Callable[[Sequence[Any]], list[Row]],
    state: Path,
    config: BuildConfig,
    log: Callable[[str], None],
    counts: dict[str, int],
) -> list[Row]:
    """Run `run` over `items` shard by shard, reusing every shard an earlier run finished.
    A shard with an INFRA_ERROR is not saved; the stage then fails, to be rerun."""
    rows_out: list[Row] = []
    infra: list[Row] = []
    shards = list(_shards(items, config.shard_size))
    for index, shard in shards:
        path = state / name / f"shard-{index:05d}.jsonl"
        if path.exists():
            rows = [row for _, row in read_rows(path)]
            counts["shards_reused"] += 1
        else:
            rows = run(shard)
            bad = [r for r in rows if r["status"] == Status.INFRA_ERROR.value]
            if bad:
                infra += bad
            else:
                write_rows(path, rows)
        ok = sum(r["status"] == "OK" for r in rows)
        log(f"{name}, shard {index + 1}/{len(shards)}: {len(rows)} attempts, {ok} verified")
        rows_out += rows
    if infra:
        raise PsftError(
            f"{len(infra)} programs could not be judged (sandbox or toolchain failure; "
            f"first: {infra[0]['language']}: {infra[0]['detail']}); fix it and rerun the "
            "same command to resume"
        )
    return rows_out


def _rounds(
    config: BuildConfig,
    langs: list[Language],
    problems: list[Problem],
    state: Path,
    llm: LazyBackend,
    completions: CompletionCache,
    verdicts: VerdictCache,
    *,
    executor: ExecutorSpec | None,
    progress: bool,
    log: Callable[[str], None],
    counts: dict[str, int],
    unsupported: dict[str, Counter[str]],
) -> list[Row]:
    by_id = {p.id: p for p in problems}
    examples = registry_examples() if config.few_shot else None
    first = build_requests(problems, langs, examples=examples, unsupported=unsupported)
    for lang_name, reasons in sorted(unsupported.items()):
        top = ", ".join(f"{n} {why}" for why, n in reasons.most_common(3))
        log(f"{lang_name}: {sum(reasons.values())} function problems it cannot express ({top})")
    if not first and config.n:
        if unsupported:
            raise PsftError("nothing to translate: no target PL can express these problems")
        raise PsftError("nothing to translate: every problem's reference is already in a target PL")
    attempts: list[Row] = []
    if config.source_solutions:
        items = source_candidates(config, problems, langs)
        log(f"the source's own solutions: {len(items)} programs to verify")

        def judge(shard: Sequence[tuple[Candidate, Problem]]) -> list[Row]:
            return _judge(list(shard), [RenderedPrompt([], "")] * len(shard), config, verdicts,
                          executor, progress, counts)  # fmt: skip

        attempts += _sharded("source", items, judge, state, config, log, counts)
    done = {(r["problem_id"], r["language"]) for r in attempts if r["status"] == "OK"}
    todo: list[tuple[Request, int | None]] = [(r, None) for r in first]
    for round_ in range(config.repair_rounds + 1 if config.n else 0):  # --n 0: no model
        if round_ > 0:
            todo = repair_round(previous, done, by_id)  # noqa: F821 (set in the loop)
            if not todo:
                break
        n = 1 if round_ else config.n
        params = SamplingParams(n, config.temperature, config.top_p, config.max_tokens, config.seed)

        def run(shard, round_=round_, params=params) -> list[Row]:
            return _run_shard(shard, round_, params, llm, completions, verdicts, config,
                              executor, progress, counts)  # fmt: skip

        previous = _sharded(f"round-{round_}", todo, run, state, config, log, counts)
        attempts += previous
        done |= {(r["problem_id"], r["language"]) for r in previous if r["status"] == "OK"}
    return attempts


def source_candidates(
    config: BuildConfig, problems: Sequence[Problem], langs: Sequence[Language]
) -> list[tuple[Candidate, Problem]]:
    """The solutions the source already has in the target PLs (up to
    `config.source_solutions` per problem and PL), as candidates of round -1: programs
    written by people, verified like any translation and preferred by selection."""
    from ..sources import source_solutions
    from ..verify.syntax import check

    # A benchmark's canonical solutions come with its problems (each PL's harness);
    # other sources (code_contests) are read again for theirs.
    found = {
        p.id: {lang: [h.program] for lang, h in p.harnesses.items() if h.program}
        for p in problems
        if any(h.solution for h in p.harnesses.values())
    }
    if not found:
        found = source_solutions(
            config.source, split=config.split, source_lang=config.source_lang,
            problem_ids=[p.id for p in problems],
        )  # fmt: skip
    items = []
    for problem in problems:
        for lang in langs:
            for sample, code in enumerate(found.get(problem.id, {}).get(lang.name, [])):
                if sample >= config.source_solutions:
                    break
                syntax = check(code, lang, source_lang=None)
                extra = {
                    "syntax_ok": syntax.ok,
                    "syntax_error": "" if syntax.ok else syntax.error,
                    "extract_reason": "source solution",
                }
                cand = Candidate(problem.id, lang.name, code, model=f"source:{config.source}",
                                 sample=sample, round=-1, extra=extra)  # fmt: skip
                items.append((cand, problem))
    return items


def _judge(items, prompts, config, verdicts, executor, progress, counts) -> list[Row]:
    judged, reused = verify_cached(
        items, config.verify, verdicts, executor=executor, progress=progress
    )
    counts["verdicts_reused"] += reused
    return [attempt_row(c, v, p) for (c, _), v, p in zip(items, judged, prompts, strict=True)]


def _run_shard(
    shard, round_, params, llm, completions, verdicts, config, executor, progress, counts
):
    requests = [request for request, _ in shard]
    candidates, stats = translate(requests, llm, params, completions, progress=progress)
    counts["cached"] += stats.completions_cached
    counts["generated"] += stats.completions_generated
    per_request = params.n
    prompts = [request.prompt for request in requests for _ in range(per_request)]
    if round_:
        samples = [sample for _, sample in shard]
        candidates = [
            replace(c, round=round_, sample=s) for c, s in zip(candidates, samples, strict=True)
        ]
    problems = [request.problem for request in requests for _ in range(per_request)]
    items = list(zip(candidates, problems, strict=True))
    return _judge(items, prompts, config, verdicts, executor, progress, counts)


def _provenance(
    config: BuildConfig, langs: list[Language], model: str, selection: dict[str, int]
) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    from ..prompts import templates

    try:
        psft_version = version("parallel-sft")
    except PackageNotFoundError:
        psft_version = "unknown"
    source = get_language(config.source_lang)
    return {
        "backend": config.backend,
        "model": model,
        "prompt_version": templates.TRANSLATE_VERSION,
        "repair_prompt_version": templates.REPAIR_VERSION,
        "few_shot": config.few_shot,
        "source_language": source.name,
        "split": config.split,
        "sampling": {
            "n": config.n,
            "temperature": config.temperature,
            "top_p": config.top_p,
            "max_tokens": config.max_tokens,
            "seed": config.seed,
        },
        "repair_rounds": config.repair_rounds,
        "keep": config.keep,
        "test_fraction": config.test_fraction,
        "selection": selection,
        "decontaminate_against": config.decontaminate_against,
        "check_reference": config.check_reference,
        "source_solutions": config.source_solutions,
        "toolchains": {lang.name: lang.version() or "not found" for lang in [source, *langs]},
        "sandbox": asdict(config.verify.limits),
        "psft_version": psft_version,
    }


def _source_name(config: BuildConfig) -> str:
    path = Path(config.source)
    return path.name if path.exists() else config.source
