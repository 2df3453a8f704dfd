"""deepmind/code_contests (AlphaCode's CodeContests): competitive-programming problems
from Codeforces, AtCoder, CodeChef, HackerEarth, Aizu and Code Jam.

Schema (one row per problem): ``name`` ("1548_E. Gregor and the Two Painters"),
``description``; ``public_tests`` / ``private_tests`` / ``generated_tests`` each
``{"input": [str], "output": [str]}``; ``solutions`` / ``incorrect_solutions`` each
``{"language": [int], "solution": [str]}`` with codes 0 UNKNOWN, 1 PYTHON (2), 2 CPP,
3 PYTHON3, 4 JAVA; ``time_limit`` ``{"seconds", "nanos"}`` or null;
``memory_limit_bytes``; ``difficulty`` (an int enum: 0 unknown, 1-6 EASY..EXTERNAL,
7.. the Codeforces letters A..V); ``cf_tags``; ``cf_rating``; ``source`` (an int enum);
``input_file`` / ``output_file`` (non-empty for the few file-I/O problems).

The id is ``code_contests/<name>``. Tests are public + private + generated, in that
order, without duplicates (``test_sets`` picks fewer). The reference is the *first*
solution labelled with the source language: Python 3 is code 3; Python 2 solutions
(code 1) are never used, since no registry language runs them. ``other_solutions`` gives
the solutions in the other PLs (C++, Java, Python 3) as already-parallel programs that
still have to be verified.

Deliberately left out: ``incorrect_solutions``; ``untranslated_description``; ``cf_points``.
The dataset marks neither special judges nor interactive problems, so both are detected
by a *heuristic* on the statement ("print any of them", an "Interaction" section) and
skipped as ``special_judge_heuristic`` / ``interactive_heuristic``: the token-wise
checker would reject correct answers that differ from the expected one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..records import Problem, Reference
from .base import (
    Row,
    Skip,
    UnsupportedSourceLanguageError,
    canonical_language,
    limits,
    pair_tests,
    run_loader,
)

SOURCE = "code_contests"
HUB_ID = "deepmind/code_contests"

# The dataset's language enum -> our registry key (None: no registry language runs it).
LANGUAGE_CODES: dict[int, str | None] = {0: None, 1: None, 2: "cpp", 3: "python", 4: "java"}
_CODE_OF = {lang: code for code, lang in LANGUAGE_CODES.items() if lang}

DIFFICULTIES = ["UNKNOWN_DIFFICULTY", "EASY", "MEDIUM", "HARD", "HARDER", "HARDEST", "EXTERNAL"] + [
    chr(c) for c in range(ord("A"), ord("V") + 1)
]
TEST_SETS = ("public_tests", "private_tests", "generated_tests")

_ANY_ANSWER = re.compile(
    r"print any|output any|any of them|any one of them|any such|any valid|any possible"
    r"|(several|multiple|many) (possible |correct |valid )?(answers|solutions)",
    re.IGNORECASE,
)
_INTERACTIVE = re.compile(r"interactive problem|^\s*Interaction\s*$", re.IGNORECASE | re.MULTILINE)


def looks_like_special_judge(statement: str) -> bool:
    """Heuristic: the statement accepts more than one answer ("print any of them")."""
    return bool(_ANY_ANSWER.search(statement))


def looks_interactive(statement: str) -> bool:
    """Heuristic: "This is an interactive problem" or an "Interaction" section."""
    return bool(_INTERACTIVE.search(statement))


def solutions_by_language(row: Row) -> dict[str, list[str]]:
    """Every correct solution, grouped by registry language (Python 2 and unknown dropped)."""
    sols = row.get("solutions") or {}
    out: dict[str, list[str]] = {}
    for code, text in zip(sols.get("language") or [], sols.get("solution") or [], strict=True):
        lang = LANGUAGE_CODES.get(int(code))
        if lang is not None and text and text.strip():
            out.setdefault(lang, []).append(text)
    return out


def other_solutions(row: Row, *, source_lang: str = "python") -> dict[str, list[str]]:
    """The row's solutions in every PL but the source one: parallel programs to verify."""
    source = canonical_language(source_lang)
    return {lang: sols for lang, sols in solutions_by_language(row).items() if lang != source}


def parallel_solutions(
    data: Iterable[Row], *, source_lang: str = "python", problem_ids: set[str]
) -> dict[str, dict[str, list[str]]]:
    """problem id -> PL -> the row's own solutions in PLs other than `source_lang`, for the
    problems in `problem_ids` (ids as `convert` makes them)."""
    out = {}
    for row in data:
        pid = f"{SOURCE}/{row['name']}"
        if pid in problem_ids:
            out[pid] = other_solutions(row, source_lang=source_lang)
    return out


def _source_language(name: str) -> str:
    lang = canonical_language(name)
    if lang not in _CODE_OF:
        raise UnsupportedSourceLanguageError(SOURCE, lang, sorted(_CODE_OF))
    return lang


def _time_limit_s(value: Any) -> float | None:
    if not value:
        return None
    seconds = float(value.get("seconds") or 0) + float(value.get("nanos") or 0) / 1e9
    return seconds or None


def _memory_mb(value: Any) -> int | None:
    return max(1, round(int(value) / 2**20)) if value else None


def _difficulty(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    code = int(value)
    name = DIFFICULTIES[code] if 0 <= code < len(DIFFICULTIES) else str(code)
    return None if code == 0 else name


def convert(
    row: Row,
    *,
    source_lang: str = "python",
    test_sets: Iterable[str] = TEST_SETS,
    skip_special_judge: bool = True,
) -> Problem | Skip:
    """One CodeContests row -> a Problem, or a Skip with the reason."""
    lang = _source_language(source_lang)
    statement = row.get("description") or ""
    if row.get("input_file") or row.get("output_file"):
        return Skip("file_io")
    if looks_interactive(statement):
        return Skip("interactive_heuristic")
    if skip_special_judge and looks_like_special_judge(statement):
        return Skip("special_judge_heuristic")
    inputs: list[str] = []
    outputs: list[str] = []
    for name in test_sets:
        block = row.get(name) or {}
        inputs += list(block.get("input") or [])
        outputs += list(block.get("output") or [])
    tests = pair_tests(inputs, outputs)
    if not tests:
        return Skip("no_tests")
    candidates = solutions_by_language(row).get(lang)
    if not candidates:
        return Skip("no_reference_in_source_lang")
    return Problem(
        id=f"{SOURCE}/{row['name']}",
        source=SOURCE,
        statement=statement,
        tests=tests,
        reference=Reference(lang, candidates[0]),
        tags=[t for t in row.get("cf_tags") or [] if t],
        difficulty=_difficulty(row.get("difficulty")),
        **limits(_time_limit_s(row.get("time_limit")), _memory_mb(row.get("memory_limit_bytes"))),
    )


def load(
    data: Iterable[Row],
    *,
    source_lang: str = "python",
    skipped: Counter[str] | None = None,
    split: str = "train",
    **options: Any,
) -> Iterator[Problem]:
    """Every row of `data` (a ``datasets.Dataset`` or any iterable of dicts) as a Problem;
    skipped rows are counted by reason into `skipped`. `split` is unused (names are unique)."""
    _source_language(source_lang)  # fail now, not at the first row

    def one(_: int, row: Row) -> Problem | Skip:
        return convert(row, source_lang=source_lang, **options)

    return run_loader(data, one, skipped)
