"""openai/openai_humaneval: 164 hand-written Python function problems (one split, "test").

Schema: ``task_id`` ("HumanEval/0"), ``prompt`` (imports, helpers and the function's
annotated signature with its docstring), ``canonical_solution`` (the body), ``test``
(``METADATA`` and ``def check(candidate):`` with assert statements) and ``entry_point``.
Also read from a local ``HumanEval.jsonl[.gz]`` (`humaneval:PATH`).

A problem is ``humaneval/<n>``; its reference is prompt + canonical solution, its
statement the docstring, its signature the prompt's annotations (HumanEval annotates
every function; where a type is outside the supported ones, as `List[Any]`, the problem
is skipped as ``unsupported_types``). Tests are the asserts of ``check`` read as literal
calls (`sources/asserts.py`); the others are counted as ``asserts_dropped``. The dataset's
test code is parsed, never run.
"""

from __future__ import annotations

from collections import Counter

from ..records import Problem
from .asserts import calls_from_asserts
from .base import Row, Skip
from .function_problems import function_problem, make_load

SOURCE = "humaneval"
HUB_ID = "openai/openai_humaneval"
ONLY_SPLIT = "test"  # the dataset has no other; every --split reads it


def convert(row: Row, *, skipped: Counter[str] | None = None) -> Problem | Skip:
    task = str(row.get("task_id") or "")
    entry = row.get("entry_point")
    if not task.startswith("HumanEval/") or not entry or row.get("prompt") is None:
        return Skip("malformed_row", task)
    parsed = calls_from_asserts(str(row.get("test") or ""), entry, function="check")
    return function_problem(
        problem_id=f"humaneval/{task.removeprefix('HumanEval/')}",
        source=SOURCE,
        reference=str(row["prompt"]) + str(row.get("canonical_solution") or ""),
        entry_point=entry,
        parsed=parsed,
        skipped=skipped,
    )


load = make_load(SOURCE, convert)
