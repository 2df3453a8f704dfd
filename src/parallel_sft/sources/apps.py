"""codeparrot/apps (APPS: Hendrycks et al. 2021): 10,000 problems from Codeforces,
AtCoder, Kattis, Codewars, LeetCode and others, with Python solutions only.

Schema: ``problem_id`` (int; 0-4999 in *each* of train and test), ``question``,
``solutions`` (a JSON string: a list of Python 3 programs; "" when none),
``input_output`` (a JSON string ``{"inputs": [...], "outputs": [...]}`` with an optional
``"fn_name"``; "" when none), ``difficulty`` ("introductory" | "interview" |
"competition"), ``url``, ``starter_code``. An input or output may be a list of lines
instead of one string; they are joined with newlines.

The id is ``apps/<problem_id>`` for train and ``apps/<split>/<problem_id>`` otherwise
(the ids repeat across splits). The reference is the first solution. Skipped:
``function_call_problem`` (``fn_name`` present: LeetCode-style, the tests are call
arguments, not stdin), ``no_tests``, ``no_reference_in_source_lang`` (no solution),
``malformed_json``. APPS has no time or memory limits: the Problem defaults apply.
Deliberately left out: ``starter_code`` and ``url``. The TACO loader reuses
``convert_apps_style``: TACO extends this schema.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..records import Problem, Reference
from .base import (
    Row,
    Skip,
    UnsupportedSourceLanguageError,
    canonical_language,
    json_field,
    limits,
    pair_tests,
    run_loader,
)

SOURCE = "apps"
HUB_ID = "codeparrot/apps"
# The Hub repo is script-based (apps.py), which recent `datasets` no longer runs: read its
# train.jsonl / test.jsonl through the generic json builder instead.
HUB_DATA_FILES = ("json", "hf://datasets/codeparrot/apps/{split}.jsonl")


def check_source_language(source: str, source_lang: str) -> str:
    """APPS-style datasets only carry Python 3 solutions."""
    lang = canonical_language(source_lang)
    if lang != "python":
        raise UnsupportedSourceLanguageError(source, lang, ["python"])
    return lang


def convert_apps_style(
    row: Row,
    *,
    problem_id: str,
    source: str,
    tags: list[str] | None = None,
    time_limit_s: float | None = None,
    memory_limit_mb: int | None = None,
) -> Problem | Skip:
    """A row with APPS's ``question`` / ``solutions`` / ``input_output`` / ``difficulty``."""
    try:
        io = json_field(row.get("input_output")) or {}
        solutions = json_field(row.get("solutions")) or []
    except ValueError as err:
        return Skip("malformed_json", str(err))
    if io.get("fn_name"):
        return Skip("function_call_problem")
    tests = pair_tests(io.get("inputs") or [], io.get("outputs") or [])
    if not tests:
        return Skip("no_tests")
    solutions = [s for s in solutions if isinstance(s, str) and s.strip()]
    if not solutions:
        return Skip("no_reference_in_source_lang")
    difficulty = row.get("difficulty")
    return Problem(
        id=f"{source}/{problem_id}",
        source=source,
        statement=row.get("question") or "",
        tests=tests,
        reference=Reference("python", solutions[0]),
        tags=tags or [],
        difficulty=str(difficulty) if difficulty not in (None, "") else None,
        **limits(time_limit_s, memory_limit_mb),
    )


def split_prefix(split: str) -> str:
    """ "" for train, "<split>/" otherwise: ids stay short for the usual split yet unique."""
    return "" if split == "train" else f"{split}/"


def convert(row: Row, *, split: str = "train") -> Problem | Skip:
    """One APPS row -> a Problem, or a Skip with the reason."""
    return convert_apps_style(
        row, problem_id=f"{split_prefix(split)}{row['problem_id']}", source=SOURCE
    )


def load(
    data: Iterable[Row],
    *,
    source_lang: str = "python",
    skipped: Counter[str] | None = None,
    split: str = "train",
    **options: Any,
) -> Iterator[Problem]:
    """Every row of `data` as a Problem; skipped rows counted by reason into `skipped`."""
    check_source_language(SOURCE, source_lang)
    return run_loader(data, lambda _, row: convert(row, split=split), skipped)
