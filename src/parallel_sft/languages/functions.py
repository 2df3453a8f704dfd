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
import math
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from .types import SCALARS, Signature, Type


@functools.cache
def driver_template(name: str) -> str:
    """A driver template of `drivers/` (written in its own language), read at first use:
    not at import, which every `psft` start pays."""
    return (Path(__file__).parent / "drivers" / name).read_text()


class FunctionSupport(ABC):
    """One language's writing of types, values, headers and the test driver.

    `conventions` is what a prompt tells a model about writing a function in this
    language (the toolchain version, what is available); empty: nothing to add.

    `type_name` and `literal` walk the type for you: a language supplies only its
    spellings, the `*_type` and `*_literal` hooks below (each gets its parts already
    written), and overrides a walker only where its notation is not compositional.
    """

    conventions: str = ""
    # Whether the driver takes `Any` (values of no single type, written as they come):
    # only a dynamic language's can; every other language skips such a problem.
    takes_any: bool = False
    # Whether the function's result is what it prints (Bash: `$(f ...)`), not what it
    # returns; the prompt then asks it to print the result, where it otherwise says not to.
    prints_result: bool = False

    # -- types: `scalar_types` names int/float/bool/str/None; the hooks compose the rest
    scalar_types: dict[str, str] = {}

    def list_type(self, item: str) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no list type")

    def tuple_type(self, items: list[str]) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no tuple type")

    def dict_type(self, key: str, value: str) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no dict type")

    def optional_type(self, inner: str) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no optional type")

    def type_name(self, t: Type) -> str:
        """`t` in this language's notation (for prompts and drivers)."""
        if t.name in SCALARS:
            return self.scalar_types[t.name]
        parts = [self.type_name(a) for a in t.args]
        if t.name == "list":
            return self.list_type(parts[0])
        if t.name == "tuple":
            return self.tuple_type(parts)
        if t.name == "dict":
            return self.dict_type(parts[0], parts[1])
        if t.name == "optional":
            return self.optional_type(parts[0])
        raise ValueError(f"no type {t}")

    # -- literals: scalars from their value, composites from their parts' literals
    def none_literal(self, t: Type) -> str:
        """None, or an Optional without a value (`t` is the None or optional type)."""
        raise NotImplementedError(f"{type(self).__name__} writes no None")

    def bool_literal(self, value: bool) -> str:
        return "true" if value else "false"

    def int_literal(self, value: int) -> str:
        return str(value)

    def float_literal(self, value: float) -> str:
        """`value` is finite or not (NaN, +-inf): a language without those raises."""
        if not math.isfinite(value):
            raise ValueError(f"{type(self).__name__} writes no {value}")
        return repr(value)  # shortest round-trip digits: 0.1, 1e-05, 1e+16

    def str_literal(self, value: str) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no string")

    def list_literal(self, items: list[str], t: Type) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no list")

    def tuple_literal(self, items: list[str], t: Type) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no tuple")

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        raise NotImplementedError(f"{type(self).__name__} writes no dict")

    def some_literal(self, inner: str, t: Type) -> str:
        """An Optional `t` holding a value written `inner` (default: the value itself)."""
        return inner

    def literal(self, value: Any, t: Type) -> str:
        """The canonical JSON value `value` of type `t` as a literal of this language.
        Dict keys arrive as JSON strings and are given to the hooks as the key type's
        literal (an `int` key `"3"` as `3`)."""
        if t.name == "optional":
            if value is None:
                return self.none_literal(t)
            return self.some_literal(self.literal(value, t.args[0]), t)
        if t.name == "None" or value is None:
            return self.none_literal(t)
        if t.name == "bool":
            return self.bool_literal(bool(value))
        if t.name == "int":
            return self.int_literal(int(value))
        if t.name == "float":
            return self.float_literal(float(value))
        if t.name == "str":
            return self.str_literal(value)
        if t.name == "list":
            return self.list_literal([self.literal(v, t.args[0]) for v in value], t)
        if t.name == "tuple":
            items = [self.literal(v, a) for v, a in zip(value, t.args, strict=True)]
            return self.tuple_literal(items, t)
        if t.name == "dict":
            key, item = t.args
            pairs = [
                (self.literal(int(k) if key.name == "int" else k, key), self.literal(v, item))
                for k, v in value.items()
            ]
            return self.dict_literal(pairs, t)
        raise ValueError(f"no literal for {t}")

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

    # -- completion-style prompts (base models, as MultiPL-E prompts them): the header is
    # the prompt, the model writes the body, and the body ends where the code returns to
    # the top level. `closer` is the top-level line that ends a function ("}" where the
    # header opens a brace, "end" for Ruby or Lua; empty where indentation ends it);
    # `stops` are sent to the backend so that it stops there (a cut in the program still
    # follows the top-level rule).
    closer: str | None = None  # None: "}" if the header ends with "{", else ""
    stops: tuple[str, ...] = ()

    def completion_closer(self, header: str) -> str:
        if self.closer is not None:
            return self.closer
        return "}" if header.rstrip().endswith("{") else ""

    def completion_stops(self, header: str) -> tuple[str, ...]:
        closer = self.completion_closer(header)
        return self.stops or ((f"\n{closer}",) if closer else ())

    def completion_program(self, header: str, completion: str) -> str:
        """The program a completion-style sample makes: `header`, the completion up to
        the first line back at the top level (kept if it is the closer), and the closer
        where the model did not write it (a backend stops before a stop sequence).

        >>> class C(FunctionSupport):
        ...     header = driver = lambda *a: ""
        >>> print(C().completion_program("int f(int x) {\n", "    return x;\n}\nint main"))
        int f(int x) {
            return x;
        }
        <BLANKLINE>
        """
        closer = self.completion_closer(header)
        lines = completion.split("\n")
        kept: list[str] = []
        closed = False
        for i, line in enumerate(lines):
            continues_header = i == 0 and not header.endswith("\n")
            if line.strip() and not line[:1].isspace() and not continues_header:
                closed = bool(closer) and line.strip().startswith(closer)
                if closed:
                    kept.append(line)
                break
            kept.append(line)
        body = "\n".join(kept).rstrip()
        if closer and not closed:
            body += "\n" + closer
        return header + body + "\n"


def types_in(sig: Signature) -> list[Type]:
    """Every type `sig` mentions, parts included (for `unsupported` checks)."""
    found: list[Type] = []
    todo = [t for _, t in sig.params] + [sig.returns]
    while todo:
        t = todo.pop()
        found.append(t)
        todo.extend(t.args)
    return found
