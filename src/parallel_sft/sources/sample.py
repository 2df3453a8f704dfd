"""The bundled sample (``parallel_sft.samples``): problems we wrote ourselves, already in
our Problem schema, with Python 3 references; the offline default source.

Nothing is converted and nothing is left out. A ``source_lang`` other than Python skips
every problem as ``no_reference_in_source_lang``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ..records import Problem
from ..samples import load_sample_problems
from .base import Row, Skip, canonical_language, run_loader

SOURCE = "sample"


def convert(row: Row | Problem, *, source_lang: str = "python") -> Problem | Skip:
    problem = row if isinstance(row, Problem) else Problem.from_dict(row)
    if problem.reference is None or problem.reference.language != canonical_language(source_lang):
        return Skip("no_reference_in_source_lang")
    return problem


def load(
    data: Iterable[Row | Problem] | None = None,
    *,
    source_lang: str = "python",
    skipped: Counter[str] | None = None,
    split: str = "train",
    **options: Any,
) -> Iterator[Problem]:
    """The bundled problems (or `data` in our schema); `split` is unused."""
    canonical_language(source_lang)
    rows = load_sample_problems() if data is None else data
    return run_loader(rows, lambda _, row: convert(row, source_lang=source_lang), skipped)
