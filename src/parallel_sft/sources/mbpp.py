"""google-research-datasets/mbpp: 974 crowd-sourced Python problems ("full": train 374,
test 500, validation 90, prompt 10). Also read from a local ``mbpp.jsonl`` (`mbpp:PATH`).

Schema: ``task_id`` (int), ``text`` (the task), ``code`` (the reference), ``test_list``
(three assert statements), ``test_setup_code`` and ``challenge_test_list``.

A problem is ``mbpp/<task_id>``; its statement is ``text``, its reference ``code``, its
entry point the function the first assert calls (and the code defines). MBPP has no
annotations, so the signature is inferred from the test values (`types.infer`); where
they do not decide a type, that place is ``Any`` (tagged ``types_any``: Python takes it,
every other language skips it with that reason). Problems that
need ``test_setup_code`` are skipped (``needs_setup_code``): it is code, and dataset code
is never run. ``challenge_test_list`` asserts are used as further tests.
"""

from __future__ import annotations

import ast
from collections import Counter

from ..records import Problem
from .asserts import calls_from_asserts
from .base import Row, Skip
from .function_problems import as_list, first_called, function_problem, make_load

SOURCE = "mbpp"
HUB_ID = "google-research-datasets/mbpp"


def convert(row: Row, *, skipped: Counter[str] | None = None) -> Problem | Skip:
    task, code = row.get("task_id"), str(row.get("code") or "")
    asserts = as_list(row.get("test_list")) + as_list(row.get("challenge_test_list"))
    if task is None or not code or not asserts:
        return Skip("malformed_row", str(task))
    if str(row.get("test_setup_code") or "").strip():
        return Skip("needs_setup_code", str(task))
    try:
        defined = [n.name for n in ast.walk(ast.parse(code)) if isinstance(n, ast.FunctionDef)]
    except SyntaxError:
        return Skip("reference_does_not_parse", str(task))
    entry = first_called("\n".join(asserts), defined)
    if entry is None:
        return Skip("no_entry_point", str(task))
    return function_problem(
        problem_id=f"mbpp/{task}",
        source=SOURCE,
        reference=code.replace("\r\n", "\n"),
        entry_point=entry,
        parsed=calls_from_asserts("\n".join(asserts), entry),
        statement=str(row.get("text") or ""),
        skipped=skipped,
    )


load = make_load(SOURCE, convert)
