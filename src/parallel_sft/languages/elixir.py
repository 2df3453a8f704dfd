"""Elixir, run as a script on the BEAM.

There is no separate compiler step for a script; the check parses the file with
``Code.string_to_quoted!`` so that syntax errors are COMPILE_ERROR, not RUNTIME_ERROR.
BEAM start-up costs about half a second, hence the time factor.

AtCoder's judge, the main source of human-written Elixir, runs `Main.main()`: its
solutions define a module with a `main/0` and never call it. A program that is only
module definitions, one of which defines `main/0`, is therefore loaded and that function
called (``elixir -r main.exs -e Module.main()``); a script with top-level code runs as is.

Function problems (`ElixirFunctions`) take MultiPL-E's shape: `def running_max(numbers)`
in `defmodule HumanEval` (the driver calls whichever module defines it; bare `def`s are
put in one), under `@doc` and an `@spec` with the types: Python's `int` is `integer` (any
size), `float` `float` (an integer result is taken too), `str` `String.t()` (UTF-8),
`None` `nil`, `list` a list, `tuple` a tuple, `dict` a map, `Optional` the value or `nil`.
Not expressible: NaN and infinities (the BEAM has no such floats), strings with lone
surrogates, dict keys other than int and str, and an entry point that is a reserved word
or not a function name. The driver runs with its own command (`FUNCTION_RUN`): a shell
reads the token from stdin and hands it over on fd 3.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .base import Language
from .entry import EntryPoint, choose, first, kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

_DIRECTIVES = frozenset({"defmodule", "import", "alias", "require", "use"})

# The test driver (protocol: functions.py), real Elixir in drivers/; see there for how it
# keeps the token and the serialisation away from the candidate. Its first line marks it.
DRIVER = "elixir_driver.exs"  # in drivers/, read by driver_template at first use
DRIVER_MARK = "# psft: function-problem driver"
# Run for the driver: stdin (the token file) is read by the shell, which then execs the
# BEAM with stdin on /dev/null and the token in a pipe on fd 3 (a here-document): once the
# driver has read it, no open file leads back to the token.
FUNCTION_RUN = ("sh", "-c", 'read -r t && exec elixir "$0" </dev/null 3<<PSFT\n$t\nPSFT\n', "{src}")


@dataclass(frozen=True)
class Elixir(Language):
    def entry_point(self, code: str) -> EntryPoint:
        if code.startswith(DRIVER_MARK):
            return EntryPoint(self.source_file, run=FUNCTION_RUN)
        root = parse(code, self.grammar)
        if root is None or root.has_error:
            return super().entry_point(code)
        forms = [n for n in root.children if n.type != "comment"]
        if not forms or any(_head(f) not in _DIRECTIVES for f in forms):
            return super().entry_point(code)  # top-level code: a script
        mains = [
            text(first(first(f, "arguments"), "alias"))
            for f in forms
            if _head(f) == "defmodule" and _defines_main(f)
        ]
        if not mains:
            return super().entry_point(code)  # nothing to call: runs (and fails) as is
        main = choose(mains, what="`def main` with no arguments", kind="module")
        return EntryPoint(self.source_file, run=("elixir", "-r", "{src}", "-e", f"{main}.main()"))


def _head(node) -> str | None:
    """The called name of a call node (`defmodule`, `def`), None for anything else."""
    return text(first(node, "identifier")) if node.type == "call" else None


def _defines_main(module) -> bool:
    block = first(module, "do_block")
    for form in kids(block, "call") if block is not None else ():
        args = first(form, "arguments")
        if _head(form) in ("def", "defp") and args is not None:
            target = args.children[0] if args.children else None
            if target is not None and target.type == "identifier" and text(target) == "main":
                return True
            if target is not None and target.type == "call" and text(target) == "main()":
                return True
    return False


RESERVED = frozenset("do end fn true false nil when and or not in catch rescue after else".split())
_FUNCTION_NAME = re.compile(r"[a-z_][A-Za-z0-9_]*\Z")
# Top-level forms a module's code may be; every other form (`IO.inspect(f(1))`,
# `ExUnit.start()`, `HumanEval.main()`, an assignment) is a model's try-out and goes.
_KEPT = frozenset("defmodule defprotocol defimpl import alias require".split())
_BARE = frozenset("def defp defmacro defmacrop defguard defguardp".split())


class ElixirFunctions(FunctionSupport):
    conventions = (
        "Elixir 1.14: the function as a `def` in a module (`defmodule HumanEval`), exactly "
        "as the header names it; the standard library only (no Mix dependencies)."
    )
    scalar_types = {"int": "integer", "float": "float", "bool": "boolean",
                    "str": "String.t()", "None": "nil"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"[{item}]"

    def tuple_type(self, items: list[str]) -> str:
        return "{" + ", ".join(items) + "}"

    def dict_type(self, key: str, value: str) -> str:
        return f"%{{{key} => {value}}}"

    def optional_type(self, inner: str) -> str:
        return f"{inner} | nil"

    def none_literal(self, t: Type) -> str:
        return "nil"

    def float_literal(self, value: float) -> str:
        if not math.isfinite(value):
            raise ValueError(f"the BEAM has no {value} float")
        mantissa, e, exponent = repr(value).partition("e")
        mantissa += "" if "." in mantissa else ".0"  # Elixir wants digits both sides: 1.0e-05
        return mantissa + (f"e{exponent}" if e else "")

    def str_literal(self, value: str) -> str:
        return elixir_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return "[" + ", ".join(items) + "]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return "{" + ", ".join(items) + "}"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return "%{" + ", ".join(f"{k} => {v}" for k, v in pairs) + "}"

    def header(self, sig: Signature, doc: str) -> str:
        lines = [line.rstrip() for line in doc.strip().replace('"""', '"" "').splitlines()]
        body = "".join(f"  {line}".rstrip() + "\n" for line in lines)
        params = [self.type_name(t) for _, t in sig.params]
        spec = f"  @spec {sig.name}({', '.join(params)}) :: {self.type_name(sig.returns)}\n"
        doc_attr = f'  @doc ~S"""\n{body}  """\n' if lines else ""
        return (
            f"defmodule HumanEval do\n{doc_attr}{spec}"
            f"  def {sig.name}({', '.join(param_names(sig))}) do\n"
        )

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        rows = [
            "[" + ", ".join(self.literal(v, t) for v, (_, t) in zip(args, sig.params, strict=True))
            + "]"
            for args in calls
        ]  # fmt: skip
        return (
            driver_template(DRIVER)
            .replace("@SOURCE@", elixir_string(prepare(code)))
            .replace("@ENTRY@", ":" + sig.name)
            .replace("@ARITY@", str(len(sig.params)))
            .replace("@RETURNS@", self._descriptor(sig.returns))
            .replace("@CALLS@", "[\n  " + ",\n  ".join(rows) + "\n]" if rows else "[]")
        )

    def _descriptor(self, t: Type) -> str:
        """`t` for the driver's `walk`: {kind, "its Elixir type", parts...} (a tuple's parts
        in a tuple of their own)."""
        kind = "none" if t.name == "None" else t.name
        parts = [self._descriptor(a) for a in t.args]
        if t.name == "tuple":
            parts = ["{" + ", ".join(parts) + "}"]
        return "{" + ", ".join([":" + kind, elixir_string(self.type_name(t)), *parts]) + "}"

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in RESERVED or not _FUNCTION_NAME.match(sig.name):
            return f"{sig.name} cannot name an Elixir function"
        for t in types_in(sig):
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have a JSON form)"
        return None


def param_names(sig: Signature) -> list[str]:
    """The parameters as Elixir variables: lower-case first, a reserved word or a repeat
    with `_` after it."""
    names: list[str] = []
    for raw, _ in sig.params:
        name = raw[:1].lower() + raw[1:]
        while name in RESERVED or name in names:
            name += "_"
        names.append(name)
    return names


def elixir_string(value: str) -> str:
    """`value` as an Elixir string literal, ASCII only: `"`, `\\` and `#` escaped (no
    interpolation), other characters as `\\xHH` or `\\u{...}`. ValueError for a lone
    surrogate, which no UTF-8 string holds.

    >>> print(elixir_string('say "hi" #{x}\\n\\\\ é'))
    "say \\"hi\\" \\#{x}\\n\\\\ \\u{E9}"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code < 0xE000:
            raise ValueError("a string with a lone surrogate is not UTF-8")
        if ch in '"\\#':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02X}")
        else:
            out.append(f"\\u{{{code:X}}}")
    return "".join(out) + '"'


def prepare(code: str) -> str:
    """`code` without what a model writes around its module to try it: top-level calls
    (`IO.inspect(HumanEval.f(1))`, `ExUnit.start()`, `HumanEval.main()`), assignments and
    ExUnit test modules; modules, protocols, imports and aliases stay, each dropped form
    leaving its newlines. Bare `def`s (no module) are put in `defmodule PsftSolution`.
    Code that does not parse cleanly is left as it is (the driver reports its error).

    >>> prepare("defmodule M do\\n  def f, do: 1\\nend\\nIO.puts(M.f())\\n")
    'defmodule M do\\n  def f, do: 1\\nend\\n\\n'
    """
    root = parse(code, "elixir")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    forms = [n for n in kids(root) if n.type != "comment"]
    spans = [(n.start_byte, n.end_byte) for n in forms if not _kept(n)]
    for start, end in reversed(spans):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    stripped = raw.decode()
    if any(_head(n) in _BARE for n in forms):
        stripped = f"defmodule PsftSolution do\n{stripped}\nend\n"
    return stripped


def _kept(node: Any) -> bool:
    head = _head(node)
    if head in _BARE:
        return True
    if head != "defmodule":
        return head in _KEPT
    block = first(node, "do_block")
    uses = (
        [text(first(c, "arguments")) for c in kids(block, "call") if _head(c) == "use"]
        if block is not None
        else []
    )
    return not any(u.startswith("ExUnit.Case") for u in uses)


LANGUAGE = Elixir(
    name="elixir",
    compile_s=0.32,
    start_s=0.336,
    display="Elixir",
    aliases=("ex", "exs"),
    source_file="main.exs",
    compile=("elixir", "-e", 'Code.string_to_quoted!(File.read!("{src}"), file: "{src}")'),
    compiled=False,
    run=("elixir", "{src}"),
    rlimit_as=False,
    tools=("elixir",),
    debian_packages=("elixir",),
    grammar="elixir",
    fence_tags=("Elixir",),
    time_factor=3.0,
    memory_overhead_mb=128,
    oom_markers=("eheap_alloc", "Cannot allocate"),
    conventions=(
        "Elixir 1.14 script (run with `elixir main.exs`, no Mix project): read with "
        "IO.read(:stdio, :eof) or IO.gets, write with IO.puts. Standard library only."
    ),
    example=(
        "[a, b] = IO.read(:stdio, :eof) |> String.split() |> Enum.map(&String.to_integer/1)\n"
        "IO.puts(a + b)\n"
    ),
    functions=ElixirFunctions(),
)
