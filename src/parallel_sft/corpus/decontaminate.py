"""Decontamination: drop training problems whose statements overlap an evaluation set.

Two statements overlap when they share a word n-gram: n consecutive tokens, where tokens
are the lowercased runs of letters and digits (punctuation and symbols separate tokens,
so "a+b" and "a + b" read alike). n = 13 is the usual choice since GPT-3 (Brown et al.,
2020, appendix C): a reworded statement that keeps one sentence of the original still
matches. A statement shorter than n tokens is one gram, its whole token sequence, and it
overlaps a statement that contains that sequence.

House-style boilerplate is long enough to match at n = 13: in the bundled sample, "Input:
The first line contains T (1 <= T <= 1000). Each of the next ..." gives the 13-gram "input
the first line contains t 1 t 1000 each of the next" to nine unrelated problems. A gram
that many *training* statements share is such boilerplate, not a leaked problem, so grams
found in at least `common` training statements (default: 5, or 1% of them if more) are
ignored. A problem copied into the training set that many times is missed; pass
``common=0`` to count every gram.

Everything here is a pure function of its arguments; `load_statements` reads the
evaluation set through `parallel_sft.tables`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import InputFormatError
from ..records import Problem

STATEMENT_COLUMNS = ("statement", "prompt", "question", "description")
"""Columns tried, in order, for an evaluation set's problem text."""

_TOKEN = re.compile(r"[^\W_]+")  # runs of Unicode letters and digits

Gram = tuple[str, ...]


def tokens(text: str) -> list[str]:
    """The lowercased letter-and-digit runs of `text`.

    Example:
        >>> tokens("Print a+b (mod 10^9+7)!")
        ['print', 'a', 'b', 'mod', '10', '9', '7']
    """
    return _TOKEN.findall(text.lower())


def ngrams(text: str, n: int = 13) -> set[tuple[str, ...]]:
    """The word n-grams of `text`.

    Args:
        text: any text; it is lowercased and split into letter-and-digit runs.
        n: the gram length, at least 1.

    Returns:
        Every run of `n` consecutive tokens; a text with fewer than `n` tokens gives its
        whole token sequence as one gram, and a text with no token gives none.

    Example:
        >>> sorted(ngrams("Add two numbers, then print.", n=4))
        [('add', 'two', 'numbers', 'then'), ('two', 'numbers', 'then', 'print')]
        >>> ngrams("Sum it!", n=13)
        {('sum', 'it')}
    """
    _check_n(n)
    return _grams(tokens(text), n)


def load_statements(path_or_name: str) -> list[str]:
    """The problem statements of an evaluation set.

    Args:
        path_or_name: "sample" for the bundled problems; otherwise a JSONL file, a parquet
            file or a saved dataset directory, read with `parallel_sft.tables.read_rows`.
            The text is taken from the first column of STATEMENT_COLUMNS that the rows
            have (statement, prompt, question, description); empty values are skipped.

    Returns:
        The statements, in file order.

    Raises:
        InputFormatError: (a PsftError, one line) the path does not exist, has none of
            those columns, or holds no statement.

    Example:
        >>> load_statements("sample")[0].splitlines()[0]
        'Given two integers a and b, print their sum.'
    """
    if path_or_name == "sample":
        from ..samples import load_sample_problems

        return [p.statement for p in load_sample_problems()]
    from ..tables import read_rows

    path = Path(path_or_name)
    if not path.exists():
        raise InputFormatError(
            str(path),
            "no such file or directory (the evaluation set to decontaminate against: a "
            "JSONL / parquet / saved dataset path, or 'sample')",
        )
    rows = [row for _, row in read_rows(path)]
    if not rows:
        raise InputFormatError(str(path), "the evaluation set is empty")
    columns = {key for row in rows for key in row}
    column = next((c for c in STATEMENT_COLUMNS if c in columns), None)
    if column is None:
        raise InputFormatError(
            str(path),
            f"no problem text: expected a column {', '.join(STATEMENT_COLUMNS)}; "
            f"found {', '.join(sorted(columns))}",
        )
    statements = [str(row[column]) for row in rows if row.get(column)]
    if not statements:
        raise InputFormatError(str(path), f"every row's {column!r} is empty")
    return statements


def contaminated(
    problems: Sequence[Problem],
    statements: Sequence[str],
    *,
    n: int = 13,
    common: int | None = None,
) -> dict[str, str]:
    """The problems whose statement shares a word n-gram with an evaluation statement.

    Args:
        problems: the training problems.
        statements: the evaluation set's statements (`load_statements`).
        n: the gram length (see `ngrams`); statements shorter than n tokens are one gram
            each, found inside longer statements too.
        common: grams in at least this many training statements are boilerplate and
            ignored; None: max(5, 1% of the problems); 0: ignore none.

    Returns:
        Problem id -> the first shared gram (in the problem statement's word order) as
        text, for every problem sharing at least one; in `problems` order.

    Example:
        >>> from parallel_sft.records import Problem
        >>> ps = [Problem("a", "x", "Print the sum of all the numbers in the list.", []),
        ...       Problem("b", "x", "Print the product of two numbers.", [])]
        >>> contaminated(ps, ["Given a list, print the sum of all the numbers."], n=5)
        {'a': 'print the sum of all'}
    """
    _check_n(n)
    texts = [tokens(s) for s in statements]
    index: set[Gram] = set()
    for words in texts:
        index |= _grams(words, n)
    if common is None:
        common = max(5, math.ceil(0.01 * len(problems)))
    if common:
        shared = Counter(g for p in problems for g in _grams(tokens(p.statement), n) & index)
        index -= {gram for gram, count in shared.items() if count >= common}
    lengths = sorted({len(gram) for gram in index}, reverse=True)
    inside: dict[int, set[Gram]] = {}  # k -> every k-gram of the evaluation statements
    found = {}
    for problem in problems:
        words = tokens(problem.statement)
        hit = _first_hit(words, index, lengths)
        if hit is None and 0 < len(words) < n:  # a short statement quoted in a longer one
            k = len(words)
            if k not in inside:
                inside[k] = {g for w in texts if len(w) >= k for g in _grams(w, k)}
            hit = tuple(words) if tuple(words) in inside[k] else None
        if hit is not None:
            found[problem.id] = " ".join(hit)
    return found


def _grams(words: list[str], n: int) -> set[Gram]:
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _first_hit(words: list[str], index: set[Gram], lengths: Iterable[int]) -> Gram | None:
    """The earliest gram of `words` in `index` (the longest one where several start)."""
    lengths = list(lengths)
    for i in range(len(words)):
        for k in lengths:
            gram = tuple(words[i : i + k])
            if len(gram) == k and gram in index:
                return gram
    return None


def _check_n(n: int) -> None:
    if n < 1:
        raise ValueError(f"n-gram length must be at least 1, not {n}")
