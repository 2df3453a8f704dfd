"""Write the dataset: one config per PL, `parallel`, `candidates`, each split by problem.

Every problem row says its `kind` ("stdio" or "function"); a function problem's rows also
carry `entry_point` and `signature`, its tests are calls (JSON arguments in `input`, the
JSON expected value in `output`) and its programs are the function alone, as written,
without the test driver the verifier wrapped it in.

Files are `<out>/<config>/<split>-00000-of-00001.parquet`, written with `datasets` (so the
features travel in the parquet metadata) to a temporary name and renamed, so a crash never
leaves a half-written file under a real name. A config or split with no rows is not
written. Rows are in a fixed order (problem order, then round, then sample): the same
build always writes the same files.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..records import Problem, harnesses_json

Row = dict[str, Any]
SPLITS = ("train", "test")


def split_problems(ids: Sequence[str], test_fraction: float) -> dict[str, str]:
    """problem id -> "train" | "test". The test split is the round(fraction * N) problems
    whose id hashes lowest: stable for a given problem set, independent of input order.

    Example:
        >>> sorted(split_problems(["a", "b", "c", "d"], 0.5).values())
        ['test', 'test', 'train', 'train']
    """
    ranked = sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    n_test = round(test_fraction * len(ranked))
    return {pid: "test" if rank < n_test else "train" for rank, pid in enumerate(ranked)}


def language_features():
    from datasets import Features, Value

    s = Value("string")
    return Features(
        {
            "problem_id": s,
            "source": s,
            "statement": s,
            "language": s,
            "code": s,
            "source_language": s,
            "source_code": s,
            "model": s,
            "prompt_version": s,
            "round": Value("int64"),
            "sample": Value("int64"),
            "kind": s,
            "entry_point": s,
            "signature": s,
        }
    )


def parallel_features(langs: Sequence[str]):
    from datasets import Features, Value
    from datasets import Sequence as Seq

    s = Value("string")
    return Features(
        {
            "id": s,
            "source": s,
            "statement": s,
            "tests": [{"input": s, "output": s}],
            "reference": {"language": s, "code": s},
            "programs": {lang: Seq(s) for lang in langs},
            "difficulty": s,
            "tags": Seq(s),
            "kind": s,
            "entry_point": s,
            "signature": s,
            # a benchmark's own tests per PL (JSON: PL -> harness; "" for none), so that
            # eval on the corpus runs them as the benchmark does
            "harnesses": s,
            "time_limit_s": Value("float64"),
            "memory_limit_mb": Value("int64"),
        }
    )


def candidate_features():
    from datasets import Features, Value

    s, i, f = Value("string"), Value("int64"), Value("float64")
    return Features(
        {
            "problem_id": s,
            "language": s,
            "round": i,
            "sample": i,
            "model": s,
            "prompt_hash": s,
            "prompt_version": s,
            "code": s,
            "response": s,
            "finish_reason": s,
            "extract_reason": s,
            "syntax_ok": Value("bool"),
            "status": s,
            "tests_passed": i,
            "tests_total": i,
            "compile_ms": f,
            "run_ms": f,
            "max_rss_mb": f,
            "detail": s,
            "kept": Value("bool"),
        }
    )


def dataset_tables(
    problems: Sequence[Problem], attempts: Sequence[Row], langs: Sequence[str]
) -> dict[str, tuple[list[Row], Any]]:
    """config name -> (rows, features), before splitting. `attempts` carry `kept`."""
    by_id = {p.id: p for p in problems}
    order = {p.id: i for i, p in enumerate(problems)}
    kept = sorted(
        (a for a in attempts if a["kept"]),
        key=lambda a: (order[a["problem_id"]], a["round"], a["sample"]),
    )
    tables: dict[str, tuple[list[Row], Any]] = {}
    for lang in langs:
        rows = [_program_row(by_id[a["problem_id"]], a) for a in kept if a["language"] == lang]
        tables[lang] = (rows, language_features())
    programs: dict[str, dict[str, list[str]]] = {}
    for a in kept:
        programs.setdefault(a["problem_id"], {lang: [] for lang in langs})[a["language"]].append(
            a["code"]
        )
    parallel = [_parallel_row(p, programs[p.id]) for p in problems if p.id in programs]
    tables["parallel"] = (parallel, parallel_features(langs))
    columns = list(candidate_features())
    tables["candidates"] = (
        [{c: a.get(c) for c in columns} for a in attempts],
        candidate_features(),
    )
    return tables


def write_dataset(
    out: str | Path,
    problems: Sequence[Problem],
    attempts: Sequence[Row],
    langs: Sequence[str],
    test_fraction: float,
) -> dict[str, dict[str, int]]:
    """Write every config's splits; returns config -> split -> rows written."""
    import datasets

    datasets.disable_progress_bars()  # the build shows its own progress
    out = Path(out)
    split_of = split_problems([p.id for p in problems], test_fraction)
    written: dict[str, dict[str, int]] = {}
    for name, (rows, features) in dataset_tables(problems, attempts, langs).items():
        key = "id" if name == "parallel" else "problem_id"
        for split in SPLITS:
            part = [r for r in rows if split_of[r[key]] == split]
            path = out / name / f"{split}-00000-of-00001.parquet"
            if not part:
                if path.exists():
                    path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            datasets.Dataset.from_list(part, features=features).to_parquet(str(tmp))
            os.replace(tmp, path)
            written.setdefault(name, {})[split] = len(part)
    return written


def _program_row(problem: Problem, attempt: Row) -> Row:
    ref = problem.reference
    return {
        "problem_id": problem.id,
        "source": problem.source,
        "statement": problem.statement,
        "language": attempt["language"],
        "code": attempt["code"],
        "source_language": ref.language if ref else "",
        "source_code": ref.code if ref else "",
        "model": attempt["model"],
        "prompt_version": attempt.get("prompt_version") or "",
        "round": attempt["round"],
        "sample": attempt["sample"],
        **_kind_columns(problem),
    }


def _parallel_row(problem: Problem, programs: dict[str, list[str]]) -> Row:
    ref = problem.reference
    return {
        "id": problem.id,
        "source": problem.source,
        "statement": problem.statement,
        "tests": [{"input": t.input, "output": t.output} for t in problem.tests],
        "reference": {"language": ref.language, "code": ref.code} if ref else None,
        "programs": programs,
        "difficulty": problem.difficulty,
        "tags": problem.tags,
        **_kind_columns(problem),
        "harnesses": harnesses_json(problem.harnesses),
        "time_limit_s": problem.time_limit_s,
        "memory_limit_mb": problem.memory_limit_mb,
    }


def _kind_columns(problem: Problem) -> Row:
    """What a function problem adds (a stdio problem's are empty): its kind, the name the
    program defines and the typed signature its tests call it with."""
    return {"kind": problem.kind, "entry_point": problem.entry_point or "",
            "signature": problem.signature or ""}  # fmt: skip
