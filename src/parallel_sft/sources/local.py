"""Local JSONL, parquet or saved datasets in any schema, through a columns mapping.

Files are read with ``datasets.load_dataset("json" | "parquet", data_files=...)``, a
``save_to_disk`` folder with ``datasets.load_from_disk``, and any other folder with
``datasets.load_dataset(folder)``: the code path a Hub download takes.

``columns`` maps our fields to the file's columns; a field left out is not read:

- ``id``: the problem id; ``<source>/`` is prepended unless it already holds a "/".
  Without it the id is ``<source>/<row index>``. ``source`` (a row's origin) defaults to
  the file's stem.
- ``statement`` (required).
- ``tests``: a list of ``{"input", "output"}``, or ``{"input": [...], "output": [...]}``,
  or a JSON string of either; or ``inputs`` and ``outputs``: parallel lists (or JSON).
  Inputs/outputs given as lists of lines are joined with newlines.
- ``reference``: the reference code, or a ``{"language", "code"}`` dict;
  ``reference_language``: its language (else ``source_lang`` is assumed).
- ``time_limit_s`` (a number or "2 seconds"), ``memory_limit_mb`` (a number or
  "256 MB"), ``tags``, ``difficulty``.
- ``kind`` ("stdio", the default, or "function"), and for a function problem
  ``entry_point`` and ``signature`` (a typed Python ``def``); its tests are calls, JSON
  arguments in ``input`` and the JSON expected value in ``output``.

Without ``columns``, every field whose name is a column of the file maps to itself, so a
file of our own Problem records loads as is (a null reference is then no reference: such
problems serve evaluation and RL, not translation). Skipped: ``no_tests``,
``bad_signature`` (a function problem without a signature we read), and
``no_reference_in_source_lang`` when a reference column is mapped but the row has none
in ``source_lang``. Deliberately not supported: checkers.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputFormatError
from ..languages import find_language
from ..records import Problem, Reference, Test
from .base import (
    Row,
    Skip,
    canonical_language,
    json_field,
    limits,
    list_field,
    pair_tests,
    parse_megabytes,
    parse_seconds,
    run_loader,
)

FIELDS = (
    "id", "statement", "tests", "inputs", "outputs", "reference", "reference_language",
    "time_limit_s", "memory_limit_mb", "tags", "difficulty", "source", "kind",
    "entry_point", "signature",
)  # fmt: skip


def read_dataset(path: str | os.PathLike, *, split: str = "train"):  # -> datasets.Dataset
    """A local file or folder as a ``datasets.Dataset`` (one split)."""
    import datasets

    p = Path(path)
    if not p.exists():
        raise InputFormatError(str(p), "no such file or directory")
    try:
        saved = (p / "dataset_info.json").exists() or (p / "dataset_dict.json").exists()
        if p.is_dir() and saved:
            ds = datasets.load_from_disk(str(p))
            return ds[split] if isinstance(ds, datasets.DatasetDict) else ds
        if p.is_dir():
            return datasets.load_dataset(str(p), split=split)
        builder = {".jsonl": "json", ".json": "json", ".ndjson": "json", ".parquet": "parquet"}
        if p.suffix not in builder:
            raise InputFormatError(str(p), "unknown format: expected .jsonl, .parquet or a folder")
        return datasets.load_dataset(builder[p.suffix], data_files=str(p), split="train")
    except InputFormatError:
        raise
    except Exception as err:  # datasets raises many unrelated types for unreadable input
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputFormatError(str(p), f"not a readable dataset ({reason})") from err


def check_columns(columns: Mapping[str, str], available: list[str], path: str) -> None:
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise InputFormatError(
            path, f"unknown field(s) {', '.join(unknown)} in columns; known: {', '.join(FIELDS)}"
        )
    missing = sorted(c for c in columns.values() if c not in available)
    if missing:
        raise InputFormatError(
            path, f"no column(s) {', '.join(missing)}; the file has: {', '.join(available)}"
        )
    if "statement" not in columns:
        raise InputFormatError(path, "columns must map 'statement'")
    if "tests" not in columns and not {"inputs", "outputs"} <= set(columns):
        raise InputFormatError(path, "columns must map 'tests', or both 'inputs' and 'outputs'")


def _tests(value: Any) -> list[Test]:
    value = json_field(value)
    if not value:
        return []
    if isinstance(value, dict):
        return pair_tests(value.get("input") or [], value.get("output") or [])
    return pair_tests([t["input"] for t in value], [t["output"] for t in value])


def convert(
    row: Row,
    *,
    columns: Mapping[str, str],
    index: int,
    source: str,
    source_lang: str = "python",
    own_records: bool = False,
) -> Problem | Skip:
    """One row -> a Problem through `columns`, or a Skip with the reason."""
    get = {field: row.get(col) for field, col in columns.items()}
    if "tests" in columns:
        tests = _tests(get["tests"])
    else:
        tests = pair_tests(json_field(get["inputs"]) or [], json_field(get["outputs"]) or [])
    if not tests:
        return Skip("no_tests")
    reference = None
    if "reference" in columns and not (own_records and not get["reference"]):
        lang, code = get.get("reference_language"), get["reference"]
        if isinstance(code, dict):
            lang, code = code.get("language") or lang, code.get("code")
        wanted = canonical_language(source_lang)
        found = find_language(str(lang)) if lang else None
        if not code or (lang and (found is None or found.name != wanted)):
            return Skip("no_reference_in_source_lang")
        reference = Reference(wanted, code)
    raw_id = str(get["id"]) if get.get("id") is not None else str(index)
    difficulty = get.get("difficulty")
    kind = str(get.get("kind") or "stdio")
    function = _function_fields(kind, get)
    if isinstance(function, Skip):
        return function
    return Problem(
        id=raw_id if "/" in raw_id else f"{source}/{raw_id}",
        source=str(get.get("source") or source),  # a row's own origin wins over the file name
        statement=str(get["statement"] or ""),
        tests=tests,
        reference=reference,
        tags=list_field(get.get("tags")),
        difficulty=str(difficulty) if difficulty not in (None, "") else None,
        kind=kind,
        **function,
        **limits(
            parse_seconds(get.get("time_limit_s")), parse_megabytes(get.get("memory_limit_mb"))
        ),
    )


def _function_fields(kind: str, get: Mapping[str, Any]) -> dict[str, Any] | Skip:
    """A function problem's entry point and signature, checked; {} for a stdio problem."""
    from ..languages.types import TypeSyntaxError, parse_signature

    if kind == "stdio":
        return {}
    if kind != "function":
        return Skip("unknown_kind", kind)
    try:
        sig = parse_signature(str(get.get("signature") or ""), get.get("entry_point") or None)
    except TypeSyntaxError as err:
        return Skip("bad_signature", str(err))
    return {"entry_point": sig.name, "signature": str(sig)}


def load_local(
    path: str | os.PathLike,
    columns: Mapping[str, str] | None = None,
    *,
    source_lang: str = "python",
    split: str = "train",
    source: str | None = None,
    skipped: Counter[str] | None = None,
) -> Iterator[Problem]:
    """Every row of the file or saved dataset at `path` as a Problem (see module doc)."""
    canonical_language(source_lang)
    ds = read_dataset(path, split=split)
    available = list(ds.column_names)
    own_records = columns is None
    if columns is None:
        columns = {f: f for f in FIELDS if f in available}
    columns = dict(columns)
    check_columns(columns, available, str(path))
    source = source or Path(path).stem
    return run_loader(
        ds,
        lambda i, row: convert(
            row,
            columns=columns,
            index=i,
            source=source,
            source_lang=source_lang,
            own_records=own_records,
        ),  # fmt: skip
        skipped,
    )
