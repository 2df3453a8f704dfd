"""BAAI/TACO: 26,443 problems (CodeContests, APPS, Codeforces, CodeChef, HackerRank, ...)
in the APPS schema plus metadata, with Python solutions only.

Schema: ``question``, ``solutions`` (a JSON string: a list of Python programs),
``starter_code``, ``input_output`` (a JSON string ``{"inputs", "outputs"}`` with an
optional ``"fn_name"``), ``difficulty`` ("EASY" .. "VERY_HARD", "UNKNOWN_DIFFICULTY"),
``raw_tags`` / ``tags`` / ``skill_types`` (Python list reprs such as "['Sorting']", or
lists), ``name``, ``source``, ``url``, ``date``, ``picture_num``, ``time_limit``
("1 second", "2.0 seconds" or "None"), ``memory_limit`` ("256 megabytes" or "None"),
``Expected Time Complexity``, ``Expected Auxiliary Space``. Inputs and outputs may be
lists of lines; they are joined with newlines.

TACO has no id column: the id is the row's index, ``taco/<index>`` for train and
``taco/<split>/<index>`` otherwise, so it is stable only for an unfiltered, unshuffled
split. Tags are ``tags`` then ``skill_types``, without repeats; difficulty
"UNKNOWN_DIFFICULTY" becomes None. Skip reasons are APPS's (``function_call_problem``,
``no_tests``, ``no_reference_in_source_lang``, ``malformed_json``). Deliberately left
out: ``raw_tags``, ``starter_code``, the expected complexities, ``picture_num`` (problems
whose statement relies on a picture are kept).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..records import Problem
from .apps import check_source_language, convert_apps_style, split_prefix
from .base import Row, Skip, list_field, parse_megabytes, parse_seconds, run_loader

SOURCE = "taco"
HUB_ID = "BAAI/TACO"
# The Hub repo ships a loading script (which recent `datasets` no longer runs) beside
# `save_to_disk` shards in train/ and test/: read those through the arrow builder.
HUB_DATA_FILES = ("arrow", "hf://datasets/BAAI/TACO/{split}/*.arrow")


def convert(row: Row, *, index: int, split: str = "train") -> Problem | Skip:
    """One TACO row (at `index` in its split) -> a Problem, or a Skip with the reason."""
    tags = list(dict.fromkeys(list_field(row.get("tags")) + list_field(row.get("skill_types"))))
    problem = convert_apps_style(
        row,
        problem_id=f"{split_prefix(split)}{index}",
        source=SOURCE,
        tags=tags,
        time_limit_s=parse_seconds(row.get("time_limit")),
        memory_limit_mb=parse_megabytes(row.get("memory_limit")),
    )
    if isinstance(problem, Problem) and problem.difficulty == "UNKNOWN_DIFFICULTY":
        problem.difficulty = None
    return problem


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
    return run_loader(data, lambda i, row: convert(row, index=i, split=split), skipped)
