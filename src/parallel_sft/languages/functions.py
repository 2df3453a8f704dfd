"""What a language says about function problems, and the protocol its test driver speaks.

A function problem's candidate is a function, not a program. A language that takes them
sets `Language.functions` to a `FunctionSupport`: how its types, its literals and a
function header with its doc comment are written, and a **test driver**: one program,
built around the candidate's code, that calls the function on every test in one process
and reports each result. MultiPL-E's design: one small translator per language, one
generic harness (`verify/functions.py`).

The driver protocol, the same in every language:

- stdin's first line is a per-run random token. The driver reads it before any candidate
  code runs, and prefixes every line it reports with it; other output (the candidate's
  prints, a forged result line without the token) is ignored.
- for test `i` (0-based) it writes `TOKEN i ok JSON` with the returned value as canonical
  JSON (`types.canonical`: tuples as lists; what the driver serialises from the language's
  own values, type by type, never through the value's own `==`, `toString` or `valueOf`),
  or `TOKEN i error MESSAGE` when the call raised or the result could not be serialised;
- after the last test, `TOKEN done`. A run without it (an early `exit(0)`, a crash) fails
  every test not reported;
- an interpreted language whose driver compiles the candidate itself reports a syntax
  error as `TOKEN compile MESSAGE` (a COMPILE_ERROR, as a compiler's would be).

Forging a result line cannot earn a pass: the expected values never enter the sandbox (the
driver gets only the arguments), and the host compares.

The host compares each result with the expected value (`types.values_equal`): one place,
one rule (floats to 1e-6), whatever the language.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from .types import Signature, Type


@functools.cache
def driver_template(name: str) -> str:
    """A driver template of `drivers/` (written in its own language), read at first use:
    not at import, which every `psft` start pays."""
    return (Path(__file__).parent / "drivers" / name).read_text()


class FunctionSupport(ABC):
    """One language's writing of types, values, headers and the test driver.

    `conventions` is what a prompt tells a model about writing a function in this
    language (the toolchain version, what is available); empty: nothing to add.
    """

    conventions: str = ""

    @abstractmethod
    def type_name(self, t: Type) -> str:
        """`t` in this language's notation (for prompts and drivers)."""

    @abstractmethod
    def literal(self, value: Any, t: Type) -> str:
        """The canonical JSON value `value` of type `t` as a literal of this language."""

    @abstractmethod
    def header(self, sig: Signature, doc: str) -> str:
        """The function's header with `doc` as its doc comment: the prompt's signature."""

    @abstractmethod
    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        """The program that runs `code`'s function on each argument list of `calls` and
        reports by the protocol above (the token comes on stdin, not in the text)."""

    def unsupported(self, sig: Signature) -> str | None:
        """Why this language cannot express `sig`, or None (the default: it can)."""
        return None
