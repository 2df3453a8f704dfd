"""MultiPL-E (Cassano et al., 2023): HumanEval and MBPP translated by compilers into ~20
PLs, with prompts, tests and stop tokens per PL (no solutions: it is for evaluation).

Schema (Hub ``nuprl/MultiPL-E``, configs ``humaneval-<lang>`` and ``mbpp-<lang>``; or its
JSONL files): ``name`` ("HumanEval_0_has_close_elements"), ``language`` (MultiPL-E's
code: ``lua``, ``rkt``, ``rs``, ``sh``, ...), ``prompt`` (the function's doc comment and
header), ``tests`` (the PL's test code, with its test library: luaunit, Test::Deep,
rackunit, ...), ``stop_tokens``, and ``doctests``, ``original``, ``prompt_terminology``.
A program is prompt + completion + "\\n" + tests and passes when it exits 0
(`benchmarks/`, as MultiPL-E's own containers run it).

A problem is ``multipl-e/<name>`` with one harness per PL; codes the registry does not
know (``jl``, ``swift``, ``dart``, ...) are skipped as ``unknown_language_<code>``.
``multipl-e:humaneval`` (``:mbpp``) takes every config of that half from the Hub;
``multipl-e:PATH`` a local copy.
"""

from __future__ import annotations

import re

from ..errors import PsftError
from ..records import Harness
from .base import Row, Skip
from .multilingual import Entry, make_load, registry_name, text_field

SOURCE = "multipl-e"
HUB_ID = "nuprl/MultiPL-E"
ONLY_SPLIT = "test"
# MultiPL-E's codes for the PLs the registry has (the others it has, jl, swift, dart,
# fs, adb, ..., have no toolchain here)
CODES = ("clj", "cpp", "cs", "d", "elixir", "go", "hs", "java", "js", "lua", "ml", "php",
         "pl", "r", "rb", "rkt", "rs", "scala", "sh", "ts")  # fmt: skip
SUBSETS = ("humaneval", "mbpp")
ALIASES = {"ex": "elixir", "exs": "elixir", "py": "python", "go_test.go": "go"}


def hub_configs(subset: str | None) -> list[str]:
    """The Hub configs of `subset` (both halves for None)."""
    if subset is not None and subset not in SUBSETS:
        raise PsftError(f"multipl-e:{subset}: neither a local path nor one of {', '.join(SUBSETS)}")
    return [f"{s}-{code}" for s in ([subset] if subset else SUBSETS) for code in CODES]


_TASK = re.compile(r"^(HumanEval|mbpp)_(\d+)_(\w+)$", re.IGNORECASE)


def entry_point(name: str, prompt: str) -> str:
    """The function's name in this PL's prompt: the task name's function part as the
    prompt spells it (`has_close_elements`, `hasCloseElements`, `HasCloseElements`)."""
    match = _TASK.match(name)
    wanted = (match.group(3) if match else name).replace("_", "").lower()
    for ident in re.findall(r"[A-Za-z_][\w-]*", prompt):
        if ident.replace("_", "").replace("-", "").lower() == wanted:
            return ident
    return match.group(3) if match else ""


def convert(row: Row) -> Entry | Skip:
    name, prompt, tests = text_field(row, "name"), row.get("prompt"), row.get("tests")
    if not name or not isinstance(prompt, str) or not isinstance(tests, str) or not tests.strip():
        return Skip("malformed_row", name)
    code = text_field(row, "language")
    if not code:
        return Skip("malformed_row", f"{name}: no language")
    lang = registry_name(code, ALIASES)
    if isinstance(lang, Skip):
        return lang
    stops = row.get("stop_tokens") or []
    if isinstance(stops, str):
        stops = [stops]
    harness = Harness(
        benchmark=SOURCE, prompt=prompt, tests=tests, stop_tokens=tuple(str(s) for s in stops),
        task_id=name, entry_point=entry_point(name, prompt),
    )  # fmt: skip
    return Entry(task=name, lang=lang, harness=harness,)  # fmt: skip


load = make_load(SOURCE, convert)
