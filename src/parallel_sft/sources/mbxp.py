"""MBXP and Multi-HumanEval (Athiwaratkun et al., 2023): MBPP and HumanEval carried into
a dozen PLs, in the mxeval JSONL schema, one file per PL.

Schema: ``task_id`` ("MBJP/1", "HumanEval_ruby/0"), ``language``, ``prompt`` (imports,
doc comment, the function's header), ``test`` (code after the function that calls it and
raises on a wrong result), ``entry_point``, ``canonical_solution`` (the completion; null
in many rows and PLs) and ``description``. mxeval assembles prompt + completion + test
and counts exit status 0 as a pass (`benchmarks/`).

A problem is ``mbxp/<n>`` (``multi-humaneval/<n>``), with one harness per PL; the
Python rows (MBPP's and HumanEval's own) also give typed tests. Hub copies:
``mxeval/mbxp`` and ``mxeval/multi-humaneval``, one config per PL; local copies:
``mbxp:PATH`` with the release files (``mbjp_release_v1.2.jsonl``, ...).
"""

from __future__ import annotations

import functools

from ..records import Harness
from .base import Row, Skip
from .multilingual import Entry, make_load, registry_name, task_number, text_field

SOURCE = "mbxp"
HUB_ID = "mxeval/mbxp"
ONLY_SPLIT = "test"
CONFIGS = ("python", "java", "javascript", "typescript", "kotlin", "ruby", "php", "cpp",
           "csharp", "go", "perl", "scala", "swift")  # fmt: skip
HUB_CONFIGS = CONFIGS
ALIASES: dict[str, str] = {}  # mxeval's names are the registry's


def convert(row: Row, *, benchmark: str = SOURCE) -> Entry | Skip:
    """One mxeval row as an Entry (its PL's harness), or a Skip."""
    task_id = text_field(row, "task_id")
    prompt, test = row.get("prompt"), row.get("test")
    if not task_id or not isinstance(prompt, str) or not isinstance(test, str) or not test.strip():
        return Skip("malformed_row", task_id)
    name = text_field(row, "language") or _language_from_id(task_id)
    if not name:
        return Skip("malformed_row", f"{task_id}: no language")
    lang = registry_name(name, ALIASES)
    if isinstance(lang, Skip):
        return lang
    harness = Harness(
        benchmark=benchmark, prompt=prompt, tests=test,
        solution=row.get("canonical_solution") or None,
        task_id=task_id, entry_point=text_field(row, "entry_point"),
    )  # fmt: skip
    return Entry(
        task=task_number(task_id), lang=lang, harness=harness,
        description=text_field(row, "description"),
    )  # fmt: skip


def _language_from_id(task_id: str) -> str:
    head = task_id.split("/")[0]
    return head.split("_", 1)[1] if head.startswith("HumanEval_") else ""


def load_for(benchmark: str):
    """The `load(rows, *, source_lang, skipped)` of an mxeval benchmark."""
    return make_load(benchmark, functools.partial(convert, benchmark=benchmark))


load = load_for(SOURCE)
