"""open-r1/codeforces: Codeforces problems with statements split into parts, official
tests (for part of them) and custom-checker metadata.

Schema (as far as this loader relies on it): ``id`` ("1234/A" style), ``contest_id``,
``index``, ``title``, ``description``, ``input_format``, ``output_format``,
``interaction_format`` (non-null for interactive problems), ``note``, ``examples``
(a list of ``{"input", "output"}``), ``official_tests`` (same shape; may be empty or
partial, see ``official_tests_complete``), ``time_limit`` (seconds, a number),
``memory_limit`` (MB, a number), ``rating``, ``tags``, ``input_mode`` ("stdio" or
"file"), ``generated_checker`` (checker source when the answer is not unique).
A plain ``tests`` column of the same shape is accepted in place of ``official_tests``.

The id is ``codeforces/<id>``; the statement is rebuilt as Markdown from title,
description, input/output format, examples and note. Tests are the official ones when
present, else the examples. The dataset carries no reference solutions: pass
``solutions`` (problem id -> code, with or without the ``codeforces/`` prefix) to attach
them, and ``require_reference=True`` to drop problems without one
(``no_reference_in_source_lang``); otherwise they come with reference None. Skipped:
``interactive``, ``special_judge`` (a checker is given), ``file_io``, ``no_tests``.
Deliberately left out: ``editorial``, contest metadata, ``aliases``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..records import Problem, Reference, Test
from .base import (
    Row,
    Skip,
    canonical_language,
    limits,
    parse_megabytes,
    parse_seconds,
    run_loader,
)

SOURCE = "codeforces"
HUB_ID = "open-r1/codeforces"


def build_statement(row: Row) -> str:
    """Markdown statement in the shape of the bundled samples (## Input / ## Output)."""
    parts = []
    if row.get("title"):
        parts.append(f"# {row['title']}")
    parts.append(row.get("description") or "")
    for heading, key in (("Input", "input_format"), ("Output", "output_format")):
        if row.get(key):
            parts.append(f"## {heading}\n\n{row[key]}")
    for n, ex in enumerate(row.get("examples") or [], start=1):
        parts.append(
            f"## Example {n}\n\nInput:\n\n```\n{ex['input'].rstrip()}\n```\n\n"
            f"Output:\n\n```\n{ex['output'].rstrip()}\n```"
        )
    if row.get("note"):
        parts.append(f"## Note\n\n{row['note']}")
    return "\n\n".join(p.strip() for p in parts if p and p.strip()) + "\n"


def _tests(row: Row) -> list[Test]:
    for key in ("official_tests", "tests", "examples"):
        raw = row.get(key) or []
        tests = list(dict.fromkeys(Test(str(t["input"]), str(t["output"])) for t in raw))
        if tests:
            return tests
    return []


def convert(
    row: Row,
    *,
    source_lang: str = "python",
    solutions: Mapping[str, str] | None = None,
    require_reference: bool = False,
) -> Problem | Skip:
    """One open-r1/codeforces row -> a Problem, or a Skip with the reason."""
    if row.get("interaction_format"):
        return Skip("interactive")
    if row.get("generated_checker") or row.get("checker"):
        return Skip("special_judge")
    if (row.get("input_mode") or "stdio") != "stdio":
        return Skip("file_io")
    tests = _tests(row)
    if not tests:
        return Skip("no_tests")
    raw_id = str(row["id"])
    code = None
    if solutions:
        code = solutions.get(raw_id) or solutions.get(f"{SOURCE}/{raw_id}")
    if require_reference and not code:
        return Skip("no_reference_in_source_lang")
    rating = row.get("rating")
    return Problem(
        id=f"{SOURCE}/{raw_id}",
        source=SOURCE,
        statement=build_statement(row),
        tests=tests,
        reference=Reference(canonical_language(source_lang), code) if code else None,
        tags=[t for t in row.get("tags") or [] if t],
        difficulty=str(rating) if rating else None,
        **limits(parse_seconds(row.get("time_limit")), parse_megabytes(row.get("memory_limit"))),
    )


def load(
    data: Iterable[Row],
    *,
    source_lang: str = "python",
    skipped: Counter[str] | None = None,
    split: str = "train",
    solutions: Mapping[str, str] | None = None,
    require_reference: bool = False,
    **options: Any,
) -> Iterator[Problem]:
    """Every row of `data` as a Problem; skipped rows counted by reason into `skipped`.
    `solutions` maps problem ids to reference code in `source_lang`."""
    canonical_language(source_lang)

    def one(_: int, row: Row) -> Problem | Skip:
        return convert(
            row,
            source_lang=source_lang,
            solutions=solutions,
            require_reference=require_reference,
        )

    return run_loader(data, one, skipped)
