"""Output comparison, as contest checkers do it.

Token-wise (the default): both outputs are split on whitespace, so line breaks, repeated
and trailing blanks do not matter. Where the expected token is a decimal number with a
fractional part or exponent, the actual token may differ by 1e-6, absolute or relative.
Integers and words must match exactly: a float tolerance on a 20-digit integer would
accept wrong answers.

Exact: line by line after stripping trailing whitespace and trailing empty lines.
"""

from __future__ import annotations

import re

from ..languages.types import FLOAT_TOLERANCE

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


def compare(expected: str, actual: str, *, exact: bool = False) -> tuple[bool, str]:
    """(True, "") when `actual` is accepted, else (False, a short reason).

    >>> compare("3.000000\\n", "3.0000004")
    (True, '')
    >>> compare("1 2", "1 3")[0]
    False
    """
    if exact:
        return _compare_exact(expected, actual)
    want, got = expected.split(), actual.split()
    for i, (w, g) in enumerate(zip(want, got, strict=False)):
        if not tokens_equal(w, g):
            return False, f"token {i + 1}: expected {_clip(w)!r}, got {_clip(g)!r}"
    if len(want) != len(got):
        extra = "more" if len(got) > len(want) else "fewer"
        return False, f"{extra} tokens than expected ({len(got)} vs {len(want)})"
    return True, ""


def tokens_equal(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    if _INTEGER.fullmatch(expected) or not _NUMBER.fullmatch(expected):
        return False
    if not _NUMBER.fullmatch(actual):
        return False
    e, a = float(expected), float(actual)
    return abs(e - a) <= FLOAT_TOLERANCE * max(1.0, abs(e))


def _compare_exact(expected: str, actual: str) -> tuple[bool, str]:
    want = [ln.rstrip() for ln in expected.rstrip().splitlines()]
    got = [ln.rstrip() for ln in actual.rstrip().splitlines()]
    for i, (w, g) in enumerate(zip(want, got, strict=False)):
        if w != g:
            return False, f"line {i + 1}: expected {_clip(w)!r}, got {_clip(g)!r}"
    if len(want) != len(got):
        return False, f"{len(got)} lines, expected {len(want)}"
    return True, ""


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "..."
