"""`psft verify` as a function: read problems and candidates, judge, write verdicts.

Invalid candidates (unknown PL, unknown problem, missing fields) are reported with their
line and skipped; the rest are judged. Verdicts are appended to `<out>.partial.jsonl` as
they arrive, so an interrupted run loses nothing and a rerun of the same command judges
only what is missing; the final table is written atomically at the end.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputFormatError, PsftError
from ..records import Candidate, Problem, Status
from ..tables import read_rows, write_rows
from .cache import VerdictCache, verify_cached
from .executors import ExecutorSpec
from .runner import VerifyConfig


@dataclass
class VerifyReport:
    rows: list[dict] = field(default_factory=list)  # candidate key + verdict, input order
    skipped: list[str] = field(default_factory=list)  # one message per invalid candidate
    reused: int = 0  # verdicts taken from an earlier, interrupted run

    @property
    def infra_errors(self) -> int:
        return sum(r["status"] == Status.INFRA_ERROR.value for r in self.rows)


def load_problems(
    source: str | os.PathLike | None,
    *,
    split: str = "train",
    source_lang: str = "python",
    columns: Sequence[tuple[str, str]] = (),
    limit: int | None = None,
    skipped: dict[str, int] | None = None,
) -> dict[str, Problem]:
    """Problems by id from any source `psft corpus build` accepts: a known dataset name
    (`sample` when None), a local file or folder in another schema through `columns`, or
    a file of our own Problem records, read as they are (a reference in any PL, `kind`
    kept; a problem without tests is an error there). Rows a source loader skips are
    counted into `skipped` by reason."""
    from ..sources import load_source

    name = str(source or "sample")
    if Path(name).exists() and not columns:
        return _own_records(name, limit)
    found, dropped = load_source(
        name, split=split, source_lang=source_lang, columns=dict(columns) or None, limit=limit
    )
    if skipped is not None:
        skipped.update(dropped)
    problems = {p.id: p for p in found}
    if not problems:
        why = ", ".join(f"{n} {k}" for k, n in sorted(dropped.items())) or "it is empty"
        raise InputFormatError(name, f"no problems with tests ({why})")
    return problems


def _own_records(path: str, limit: int | None) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    for line, row in read_rows(path):
        try:
            problem = Problem.from_dict(row)
        except (ValueError, KeyError, TypeError) as err:
            hint = "; another schema needs --columns"
            raise InputFormatError(path, f"bad problem ({err}{hint})", line) from err
        if not problem.judged:
            raise InputFormatError(path, f"problem {problem.id!r} has no tests", line)
        problems[problem.id] = problem
        if limit is not None and len(problems) >= limit:
            break
    if not problems:
        raise InputFormatError(path, "no problems")
    return problems


def load_candidates(path: str | os.PathLike) -> list[tuple[int | None, Candidate]]:
    out = []
    for line, row in read_rows(path):
        try:
            out.append((line, Candidate.from_dict(row)))
        except (ValueError, TypeError) as err:
            raise InputFormatError(str(path), f"bad candidate ({err})", line) from err
    return out


def reference_candidates(
    problems: dict[str, Problem], langs: Sequence[str] | None = None
) -> list[tuple[None, Candidate]]:
    """Each problem's own reference solution, as a candidate (checks the harness itself),
    or, for a benchmark with canonical solutions per PL (MBXP, HumanEval-X), every one of
    them, each judged by that PL's benchmark tests. `langs` keeps only those PLs."""
    out: list[tuple[None, Candidate]] = []
    for p in problems.values():
        solved = {lang: h.program for lang, h in p.harnesses.items() if h.program}
        if solved:
            out += [
                (None, Candidate(p.id, lang, code, model="canonical"))
                for lang, code in sorted(solved.items())
            ]
        elif p.reference is not None:
            out.append(
                (None, Candidate(p.id, p.reference.language, p.reference.code, model="reference"))
            )
    if langs is not None:
        out = [(line, c) for line, c in out if c.language in langs]
    return out


def run_verify(
    problems: dict[str, Problem],
    candidates: Sequence[tuple[int | None, Candidate]],
    out: str | os.PathLike,
    config: VerifyConfig = VerifyConfig(),
    *,
    executor: ExecutorSpec | None = None,
    progress: bool = True,
) -> VerifyReport:
    from ..languages import get_language

    report = VerifyReport()
    valid: list[tuple[int, Candidate, Problem]] = []
    for index, (line, cand) in enumerate(candidates):
        where = f"line {line}" if line is not None else f"row {index}"
        try:
            cand = replace(cand, language=get_language(cand.language).name)
        except PsftError as err:
            report.skipped.append(f"{where}: {err}")
            continue
        problem = problems.get(cand.problem_id)
        if problem is None:
            report.skipped.append(f"{where}: unknown problem {cand.problem_id!r}")
            continue
        valid.append((index, cand, problem))

    # Verdicts are remembered by content as they arrive (see cache.py), so an interrupted
    # run loses nothing and a rerun judges only what is missing or no longer holds.
    partial = Path(str(out) + ".partial.jsonl")
    with VerdictCache(partial) as cache:
        verdicts, report.reused = verify_cached(
            [(c, p) for _, c, p in valid], config, cache, executor=executor, progress=progress
        )
    report.rows = [
        {**cand.key(), **verdict.to_dict()}
        for (_, cand, _), verdict in zip(valid, verdicts, strict=True)
    ]
    write_rows(out, report.rows)
    partial.unlink()
    return report
