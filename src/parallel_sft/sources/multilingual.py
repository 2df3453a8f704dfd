"""What the multilingual benchmarks (MultiPL-E, MBXP, Multi-HumanEval, HumanEval-X) share:
their files are read (never run), each row becomes a `Harness` in one PL, and the rows of
one task become one Problem with a harness per PL.

A problem keeps the benchmark's tests per PL (`Problem.harnesses`) and, where the
benchmark has the task in Python with assert-style tests, typed tests parsed from them
(`function_problems.function_problem`), so that PLs the benchmark lacks can be judged
too. Rows in a PL the registry does not know are counted as `unknown_language_<name>`;
rows without a prompt or tests as `malformed_row`; a second row for the same task and PL
as `duplicate_row`.

Local copies (`NAME:PATH`) are a file or a directory of `.jsonl`, `.jsonl.gz`, `.json`
or `.parquet` files in the benchmark's own schema, read file by file: the files of one
benchmark differ in their columns from PL to PL.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PsftError
from ..languages import find_language
from ..records import Harness, Problem, Reference
from .asserts import calls_from_asserts
from .base import Row, Skip
from .function_problems import function_problem

SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz", ".parquet")


@dataclass(frozen=True)
class Entry:
    """One benchmark row in one PL: the task it belongs to, the PL, its harness, and for
    a Python row the pieces typed tests are made from."""

    task: str  # the task's id within the benchmark ("1", "HumanEval_0_has_close_elements")
    lang: str  # registry name
    harness: Harness
    description: str = ""


def read_rows(path: Path, *, label: str) -> Iterator[tuple[Path, Row]]:
    """Every row of a local copy: one file, or each data file under a directory."""
    if not path.exists():
        raise PsftError(f"{label}: no such file or directory")
    files = [path] if path.is_file() else sorted(
        p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES)
    )  # fmt: skip
    if not files:
        raise PsftError(f"{label}: no JSONL, JSON or parquet files there")
    for file in files:
        for row in _file_rows(file, label):
            yield file, row


def _file_rows(file: Path, label: str) -> Iterator[Row]:
    where = f"{label} ({file.name})"
    try:
        if file.name.endswith(".parquet"):
            import pyarrow.parquet as pq

            yield from pq.read_table(file).to_pylist()
            return
        opener = gzip.open if file.name.endswith(".gz") else open
        with opener(file, "rt", encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise PsftError(f"{where}: cannot read it: {err}") from None
    except Exception as err:  # pyarrow's errors for a file that is not parquet
        raise PsftError(f"{where}: cannot read it: {str(err).splitlines()[0]}") from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            rows = json.loads(text)
        except ValueError as err:
            raise PsftError(f"{where}: not JSON: {err}") from None
        yield from (r for r in rows if isinstance(r, dict))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as err:
            raise PsftError(f"{where}: line {number} is not JSON: {err}") from None
        if not isinstance(row, dict):
            raise PsftError(f"{where}: line {number} is not a JSON object")
        yield row


def hub_rows(hub_id: str, configs: Iterable[str], split: str) -> Iterator[tuple[str, Row]]:
    """(config, row) for each config of a Hub dataset that loads (local cache first)."""
    import datasets

    from . import SourceUnavailableError, _hub_offline

    loaded = 0
    for config in configs:
        try:
            data = datasets.load_dataset(hub_id, config, split=split)
        except Exception as err:  # datasets/hub raise many types for "not available"
            reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
            last = SourceUnavailableError(hub_id, reason, _hub_offline())
            continue
        loaded += 1
        for row in data:
            yield config, row
    if not loaded:
        raise last  # noqa: F821  (set: no config loaded means at least one failed)


def registry_name(name: str, aliases: dict[str, str]) -> str | Skip:
    """The registry's key for a benchmark's language name (its own aliases first), or
    a Skip `unknown_language_<name>`."""
    wanted = aliases.get(name.strip().lower(), name.strip().lower())
    lang = find_language(wanted)
    if lang is None:
        return Skip(f"unknown_language_{re.sub(r'[^a-z0-9]+', '_', wanted)}", name)
    return lang.name


def task_number(task_id: str) -> str:
    """ "MBJP/12" -> "12", "HumanEval_ruby/0" -> "0"."""
    return task_id.rsplit("/", 1)[-1].strip()


def build_problems(
    source: str,
    entries: Iterable[Entry | Skip],
    *,
    skipped: Counter[str] | None,
    source_lang: str = "python",
    time_limit_s: float = 2.0,
) -> Iterator[Problem]:
    """One Problem per task, in the order tasks first appear (see the module docstring)."""
    tasks: dict[str, dict[str, Entry]] = {}
    for entry in entries:
        if isinstance(entry, Skip):
            if skipped is not None:
                skipped[entry.reason] += 1
            continue
        per_lang = tasks.setdefault(entry.task, {})
        if entry.lang in per_lang:
            if skipped is not None:
                skipped["duplicate_row"] += 1
            continue
        per_lang[entry.lang] = entry
    for task, per_lang in tasks.items():
        yield _problem(source, task, per_lang, skipped, source_lang, time_limit_s)


def _problem(
    source: str,
    task: str,
    per_lang: dict[str, Entry],
    skipped: Counter[str] | None,
    source_lang: str,
    time_limit_s: float,
) -> Problem:
    harnesses = {lang: e.harness for lang, e in sorted(per_lang.items())}
    pid = f"{source}/{task}"
    first = next(iter(per_lang.values()))
    statement = next((e.description for e in per_lang.values() if e.description), "")
    python = per_lang.get("python")
    typed: Problem | Skip | None = None
    if python is not None and python.harness.tests and python.harness.entry_point:
        h = python.harness  # its tests are assert-style (`def check(candidate): ...`)
        parsed = calls_from_asserts(h.tests, h.entry_point, function="check")
        typed = function_problem(
            problem_id=pid, source=source, reference=h.prompt + (h.solution or ""),
            entry_point=h.entry_point, parsed=parsed, statement=statement or None,
            skipped=None, time_limit_s=time_limit_s,
        )  # fmt: skip
        if isinstance(typed, Skip) and skipped is not None:
            skipped[f"typed_tests_{typed.reason}"] += 1
    reference = _reference(per_lang, source_lang)
    if isinstance(typed, Problem):
        typed.harnesses = harnesses
        typed.reference = reference
        return typed
    return Problem(
        id=pid,
        source=source,
        statement=statement.strip() or first.harness.prompt.strip(),
        tests=[],
        reference=reference,
        kind="function",
        time_limit_s=time_limit_s,
        entry_point=(python or first).harness.entry_point or None,
        harnesses=harnesses,
    )


def _reference(per_lang: dict[str, Entry], source_lang: str) -> Reference | None:
    """The canonical solution in `source_lang`, else in the first PL that has one."""
    order = [source_lang, *sorted(per_lang)]
    for lang in order:
        entry = per_lang.get(lang)
        if entry is not None and entry.harness.program:
            h = entry.harness
            return Reference(lang, h.program)
    return None


def text_field(row: Row, name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value)


def make_load(
    source: str, convert: Callable[..., Entry | Skip]
) -> Callable[..., Iterator[Problem]]:
    """The `load(rows, *, source_lang, skipped)` of a benchmark whose rows `convert(row)`
    turns into entries or skips."""

    def load(
        data: Iterable[Row],
        *,
        source_lang: str = "python",
        skipped: Counter[str] | None = None,
        **options: Any,
    ) -> Iterator[Problem]:
        entries = (convert(row) for row in data)
        return build_problems(source, entries, skipped=skipped, source_lang=source_lang)

    return load
