"""Which programs the analysis embeds: one per (problem, PL), from a corpus's `parallel`
rows.

A problem's program in a PL is the first of `corpus.read.row_programs`: the source
program (`reference`, usually Python) in its own PL, else the first verified program, so
the source PL can be analysed like any target PL. A problem is kept when it has a program
in at least two of the requested PLs; each PL pair is scored on the problems that have
both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..corpus.read import row_programs
from ..errors import PsftError

Row = dict[str, Any]


@dataclass
class Selection:
    """problem_ids in corpus order; code[pid][lang] for each PL the problem has;
    pairs[(a, b)] the ids (in corpus order) of the problems with both."""

    langs: list[str]
    problem_ids: list[str]
    code: dict[str, dict[str, str]]
    pairs: dict[tuple[str, str], list[str]]


def parse_langs(langs: str | Sequence[str]) -> list[str]:
    """A comma-separated list (or a sequence) of PLs, stripped and deduplicated in order;
    at least two."""
    items = langs.split(",") if isinstance(langs, str) else list(langs)
    names = list(dict.fromkeys(s.strip().lower() for s in items if s.strip()))
    if len(names) < 2:
        raise PsftError(
            f"need at least 2 PLs to compare, got {len(names)} ({', '.join(names) or 'none'}); "
            "e.g. --langs c,go,lua"
        )
    return names


def select_programs(
    rows: Sequence[Row], langs: Sequence[str], *, limit: int | None = None, where: str = "corpus"
) -> Selection:
    """The problems and programs to embed for `langs`.

    Errors (PsftError, one line): a requested PL with no program in `rows` (the message
    lists the PLs that have some), or a pair with fewer than 2 shared problems (retrieval
    among fewer than 2 candidates means nothing). `limit` keeps the first N qualifying
    problems.
    """
    # The first program of each PL: the source program in its own PL, else a verified one.
    per_row = [
        (row["id"], {lang: codes[0] for lang, codes in row_programs(row).items()}) for row in rows
    ]
    available = sorted({lang for _, found in per_row for lang in found})
    missing = [lang for lang in langs if lang not in available]
    if missing:
        raise PsftError(
            f"{where} has no programs in {', '.join(missing)}; "
            f"it has: {', '.join(available) or 'none'}"
        )
    code: dict[str, dict[str, str]] = {}
    for pid, found in per_row:
        mine = {lang: found[lang] for lang in langs if lang in found}
        if len(mine) >= 2 and pid not in code:
            code[pid] = mine
        if limit is not None and len(code) >= limit:
            break
    ids = list(code)
    pairs = {
        (a, b): [pid for pid in ids if a in code[pid] and b in code[pid]]
        for a, b in combinations(langs, 2)
    }
    for (a, b), shared in pairs.items():
        if len(shared) < 2:
            raise PsftError(
                f"{where}: only {len(shared)} problem(s) have programs in both {a} and {b}; "
                "retrieval needs at least 2 (try --split all, a larger --limit, or other --langs)"
            )
    return Selection(list(langs), ids, code, pairs)
