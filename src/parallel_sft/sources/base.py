"""What every source loader shares: the skip verdict, the counters, the errors, and the
small parsers (JSON-in-a-string fields, "2 seconds", lists of lines) that several public
datasets need.

A loader module exposes ``convert(row, ...) -> Problem | Skip`` (pure, one row) and
``load(data, *, source_lang, skipped) -> Iterator[Problem]`` that converts every row and
adds one to ``skipped[reason]`` for each row it drops. Reasons are snake_case
(``no_tests``, ``special_judge``, ...) so that they can become ``dropped_<reason>`` stats.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import PsftError
from ..languages import get_language
from ..records import Problem, Test

Row = dict[str, Any]


@dataclass(frozen=True)
class Skip:
    """A row that yields no Problem, with a snake_case reason (and an optional detail)."""

    reason: str
    detail: str = ""


class UnknownSourceError(PsftError, KeyError):
    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        super().__init__(name)

    def __str__(self) -> str:
        return (
            f"unknown source {self.name!r}: not a known dataset nor an existing path; "
            f"known: {', '.join(self.known)}"
        )


class SourceUnavailableError(PsftError):
    """A Hub dataset that could not be loaded (offline, not cached, no network)."""

    def __init__(self, dataset: str, reason: str, offline: bool):
        self.dataset, self.reason, self.offline = dataset, reason, offline
        super().__init__(dataset)

    def __str__(self) -> str:
        if self.offline:
            return (
                f"dataset {self.dataset!r} is not in the local Hugging Face cache and "
                "HF_HUB_OFFLINE=1, so nothing is downloaded; unset HF_HUB_OFFLINE on a "
                "machine with network access, or pass a local file or saved dataset"
            )
        return f"cannot load dataset {self.dataset!r}: {self.reason}"


class UnsupportedSourceLanguageError(PsftError):
    def __init__(self, source: str, language: str, available: list[str]):
        self.source, self.language, self.available = source, language, available
        super().__init__(source)

    def __str__(self) -> str:
        return (
            f"source {self.source!r} has no reference solutions in {self.language!r}; "
            f"available: {', '.join(self.available)}"
        )


def canonical_language(name: str) -> str:
    """The registry's key for a language name or alias (raises listing the known ones)."""
    return get_language(name).name


def run_loader(
    rows: Iterable[Row],
    convert: Callable[[int, Row], Problem | Skip],
    skipped: Counter[str] | None,
) -> Iterator[Problem]:
    """Convert rows in order, counting skips by reason into `skipped`."""
    for index, row in enumerate(rows):
        result = convert(index, row)
        if isinstance(result, Skip):
            if skipped is not None:
                skipped[result.reason] += 1
        else:
            yield result


def json_field(value: Any) -> Any:
    """A field stored as a JSON string in some rows and as the decoded value in others.
    An empty string or None is None; malformed JSON raises ValueError."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        return json.loads(value)
    return value


def list_field(value: Any) -> list[str]:
    """Tags stored as a list, a JSON list, or a Python list repr ("['a', 'b']")."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return [text]
        if isinstance(value, str):
            return [value] if value else []
    return [str(v) for v in value if v is not None and str(v).strip()]


def as_text(value: Any, *, trailing_newline: bool) -> str:
    """A test's input or output: a string as is; a list of lines joined with newlines."""
    if isinstance(value, list | tuple):
        text = "\n".join(str(v) for v in value)
        return text + "\n" if trailing_newline and text and not text.endswith("\n") else text
    return str(value)


def pair_tests(inputs: Iterable[Any], outputs: Iterable[Any]) -> list[Test]:
    """Tests from parallel input/output lists, in order, without exact duplicates."""
    tests: list[Test] = []
    seen: set[Test] = set()
    for i, o in zip(inputs, outputs, strict=False):
        test = Test(as_text(i, trailing_newline=True), as_text(o, trailing_newline=False))
        if test not in seen:
            seen.add(test)
            tests.append(test)
    return tests


_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]*)")
_SECONDS = {"": 1.0, "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0, "ms": 1e-3}
_SECONDS |= {"millisecond": 1e-3, "milliseconds": 1e-3}
_MEGABYTES = {"": 1.0, "mb": 1.0, "m": 1.0, "megabyte": 1.0, "megabytes": 1.0, "mib": 1.0}
_MEGABYTES |= {"kb": 1 / 1024, "kilobytes": 1 / 1024, "kilobyte": 1 / 1024}
_MEGABYTES |= {"gb": 1024.0, "gigabyte": 1024.0, "gigabytes": 1024.0, "gib": 1024.0}


def _amount(value: Any, units: dict[str, float]) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value > 0 else None
    match = _AMOUNT.search(str(value))
    if match is None or match.group(2).lower() not in units:
        return None
    amount = float(match.group(1)) * units[match.group(2).lower()]
    return amount if amount > 0 else None


def parse_seconds(value: Any) -> float | None:
    """ "1 second", "2.5 seconds", "500 ms", 2 -> seconds; None when absent or unreadable."""
    return _amount(value, _SECONDS)


def parse_megabytes(value: Any) -> int | None:
    """ "256 megabytes", "64 MB", 256 -> MB; None when absent or unreadable."""
    amount = _amount(value, _MEGABYTES)
    return None if amount is None else max(1, round(amount))


def limits(time_limit_s: float | None, memory_limit_mb: int | None) -> dict[str, Any]:
    """Problem keyword arguments for the limits that are known; the rest keep defaults."""
    out: dict[str, Any] = {}
    if time_limit_s:
        out["time_limit_s"] = float(time_limit_s)
    if memory_limit_mb:
        out["memory_limit_mb"] = int(memory_limit_mb)
    return out
