"""`psft verify` as a function: read problems and candidates, judge, write verdicts.

Invalid candidates (unknown PL, unknown problem, missing fields) are reported with their
line and skipped; the rest are judged. Verdicts are appended to `<out>.partial.jsonl` as
they arrive, so an interrupted run loses nothing and a rerun of the same command judges
only what is missing; the final table is written atomically at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputFormatError, PsftError
from ..records import Candidate, Problem, Status, Verdict
from ..samples import SAMPLE_PATH
from ..tables import read_rows, write_rows
from .pool import verify_batch
from .runner import VerifyConfig


@dataclass
class VerifyReport:
    rows: list[dict] = field(default_factory=list)  # candidate key + verdict, input order
    skipped: list[str] = field(default_factory=list)  # one message per invalid candidate
    reused: int = 0  # verdicts taken from an earlier, interrupted run

    @property
    def infra_errors(self) -> int:
        return sum(r["status"] == Status.INFRA_ERROR.value for r in self.rows)


def load_problems(path: str | os.PathLike | None) -> dict[str, Problem]:
    problems: dict[str, Problem] = {}
    source = str(path or SAMPLE_PATH)
    for line, row in read_rows(source):
        try:
            problem = Problem.from_dict(row)
        except (ValueError, KeyError, TypeError) as err:
            raise InputFormatError(source, f"bad problem ({err})", line) from err
        if not problem.tests:
            raise InputFormatError(source, f"problem {problem.id!r} has no tests", line)
        problems[problem.id] = problem
    if not problems:
        raise InputFormatError(source, "no problems")
    return problems


def load_candidates(path: str | os.PathLike) -> list[tuple[int | None, Candidate]]:
    out = []
    for line, row in read_rows(path):
        try:
            out.append((line, Candidate.from_dict(row)))
        except (ValueError, TypeError) as err:
            raise InputFormatError(str(path), f"bad candidate ({err})", line) from err
    return out


def reference_candidates(problems: dict[str, Problem]) -> list[tuple[None, Candidate]]:
    """Each problem's own reference solution, as a candidate (checks the harness itself)."""
    return [
        (None, Candidate(p.id, p.reference.language, p.reference.code, model="reference"))
        for p in problems.values()
        if p.reference is not None
    ]


def run_verify(
    problems: dict[str, Problem],
    candidates: Sequence[tuple[int | None, Candidate]],
    out: str | os.PathLike,
    config: VerifyConfig = VerifyConfig(),
    *,
    workers: int | None = None,
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

    partial = Path(str(out) + ".partial.jsonl")
    done = _load_partial(partial)
    problem_keys = {p.id: _digest(p.to_dict()) for p in problems.values()}
    keys = {i: _digest([c.language, c.code, problem_keys[p.id], repr(config)]) for i, c, p in valid}
    verdicts: dict[int, Verdict] = {}
    todo = []
    for index, cand, problem in valid:
        previous = done.get((index, keys[index]))
        if previous is not None and previous.status is not Status.INFRA_ERROR:
            verdicts[index] = previous
            report.reused += 1
        else:
            todo.append((index, cand, problem))

    partial.parent.mkdir(parents=True, exist_ok=True)
    with open(partial, "a", encoding="utf-8") as log:

        def save(i: int, verdict: Verdict) -> None:
            index = todo[i][0]
            verdicts[index] = verdict
            row = {"index": index, "key": keys[index], **verdict.to_dict()}
            log.write(json.dumps(row) + "\n")
            log.flush()

        try:
            verify_batch(
                [(c, p) for _, c, p in todo],
                config,
                workers=workers,
                progress=progress,
                on_result=save,
            )
        finally:
            by_index = {index: cand for index, cand, _ in valid}
            report.rows = [{**by_index[i].key(), **verdicts[i].to_dict()} for i in sorted(verdicts)]
            if len(verdicts) == len(valid):
                write_rows(out, report.rows)
    partial.unlink()
    return report


def _digest(value: object) -> str:
    """Keys what a verdict depends on (program, problem and tests, config): a verdict is
    reused only if it was judged the same way."""
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()[:24]


def _load_partial(path: Path) -> dict[tuple[int, str], Verdict]:
    if not path.exists():
        return {}
    done = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
            done[(row["index"], row["key"])] = Verdict.from_dict(row)
        except (json.JSONDecodeError, KeyError, ValueError):
            continue  # a line cut short by a crash
    return done
