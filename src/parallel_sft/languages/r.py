"""R, run as a script by Rscript. `parse()` is the syntax check. Rscript starts slowly
(about 0.2 s), hence the time factor.

Function problems follow MultiPL-E's R prompts: `name <- function(a, b) {` under a
roxygen comment (`#' @param`, `#' @return`) that gives the types in R's words. The values
are R's own: an int is a whole number in a numeric (double) vector, as R's literals `3`
and `c(1, 2)` are (so an int beyond 2^53 raises ValueError: a double cannot hold it
exactly); a float a double (NaN, Inf); a bool TRUE/FALSE; a str a character string; a
list of scalars an atomic vector (`c(...)`, typed when empty: `numeric(0)`); other lists
and every tuple `list(...)`; a dict a named list (int keys as names, "3"); None NULL.

A result is read by the signature's type, not by R's guess: a length-1 vector is a list
of one where the type says list, an integer vector is as good as a double one, NULL is
an empty list, a tuple may come back as `list(...)` or as an atomic vector, a dict as a
named list or a named vector, an Optional's none as NULL or NA; a None-returning
function's last value is ignored. A value with a class attribute is refused.

unsupported(): dict keys other than str and int (names are strings), and an entry point
that is an R reserved word or not an R name.
"""

from __future__ import annotations

import math
from typing import Any

from .base import Language
from .entry import kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver: see drivers/r_driver.R, which follows the generated `.psft_head`.
DRIVER = "r_driver.R"

_RESERVED = frozenset(
    "if else repeat while function for in next break TRUE FALSE NULL Inf NaN NA "
    "NA_integer_ NA_real_ NA_character_ NA_complex_".split()
)
_VECTOR_ITEMS = {"integer": "numeric(0)", "numeric": "numeric(0)", "logical": "logical(0)",
                 "character": "character(0)"}  # fmt: skip
# Top-level calls a definition needs; every other call (print(f(1)), main(), a test's
# stopifnot) is a model's own try-out and goes.
_KEPT_CALLS = frozenset(
    "library require requireNamespace suppressPackageStartupMessages suppressMessages "
    "suppressWarnings options setClass setGeneric setMethod setValidity setRefClass".split()
)
_ASSIGNMENTS = frozenset(("<-", "<<-", "=", "->", "->>"))


class RFunctions(FunctionSupport):
    """A function bound at the top level, its types in R's words: `integer vector`,
    `list(character, integer)`, `named list of numeric vectors`, `integer or NULL`."""

    conventions = (
        "R 4.2, base R only: define the function as `name <- function(...) { ... }` and "
        "return its value (do not print it). An int is a whole number in a numeric vector, "
        "a list of scalars an atomic vector (c(...)), other lists and tuples list(...), a "
        "dict a named list, None NULL."
    )
    scalar_types = {"int": "integer", "float": "numeric", "bool": "logical",
                    "str": "character", "None": "NULL"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"{item} vector" if item in _VECTOR_ITEMS else f"list of {_plural(item)}"

    def tuple_type(self, items: list[str]) -> str:
        return f"list({', '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        names = " (names are integers)" if key == "integer" else ""
        return f"named list of {_plural(value)}{names}"

    def optional_type(self, inner: str) -> str:
        return f"{inner} or NULL"

    def none_literal(self, t: Type) -> str:
        return "NULL"

    def bool_literal(self, value: bool) -> str:
        return "TRUE" if value else "FALSE"

    def int_literal(self, value: int) -> str:
        if abs(value) > 2**53:
            raise ValueError(f"{value} is not exact in an R double")
        return str(value)

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        return repr(value)  # shortest round-trip digits; R reads 1e-05 and 1e+16 too

    def str_literal(self, value: str) -> str:
        return r_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        item = self.type_name(t.args[0])
        if item not in _VECTOR_ITEMS:
            return f"list({', '.join(items)})"
        return f"c({', '.join(items)})" if items else _VECTOR_ITEMS[item]

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"list({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        names = [k if t.args[0].name == "str" else r_string(k) for k, _ in pairs]
        if any(n in ('""', '"..."') or n.startswith('"..') for n in names):  # not as `name =`
            values = ", ".join(v for _, v in pairs)
            return f"setNames(list({values}), c({', '.join(names)}))"
        return f"list({', '.join(f'{n} = {v}' for n, (_, v) in zip(names, pairs, strict=True))})"

    def header(self, sig: Signature, doc: str) -> str:
        lines = [f"#' {line}".rstrip() for line in doc.strip().splitlines()]
        lines += ["#'"] if lines else []
        names = param_names(sig)
        lines += [f"#' @param {n} {self.type_name(t)}"
                  for n, (_, t) in zip(names, sig.params, strict=True)]  # fmt: skip
        lines.append(f"#' @return {self.type_name(sig.returns)}")
        return "\n".join(lines) + f"\n{sig.name} <- function({', '.join(names)}) {{\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        thunks = [
            "    function() list(" + ", ".join(map(self.literal, args, types)) + ")"
            for args in calls
        ]
        head = (
            ".psft_head <- list(\n"
            f"  source = {r_string(without_top_level_calls(code, sig.name))},\n"
            f"  entry = {r_string(sig.name)},\n"
            f"  returns = {self._descriptor(sig.returns)},\n"
            "  calls = list(\n" + ",\n".join(thunks) + "\n  )\n)\n"
        )
        return head + driver_template(DRIVER)

    def _descriptor(self, t: Type) -> str:
        """`t` for the driver's `emit`: list(kind, its R name, parts...)."""
        kind = "none" if t.name == "None" else t.name
        parts = "".join(", " + self._descriptor(a) for a in t.args)
        return f'list("{kind}", {r_string(self.type_name(t))}{parts})'

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in _RESERVED or sig.name.startswith(("_", ".psft")):
            return f"{sig.name} is not a name an R function can have"
        for t in types_in(sig):
            if t.name == "dict" and t.args[0].name not in ("str", "int"):
                return f"{t}: a named list's names are strings (or integers written as names)"
        return None


def _plural(phrase: str) -> str:
    return phrase + "s" if phrase.endswith("vector") else phrase


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as R names: an R reserved word (`function`, `next`) or a
    leading underscore would not parse; the driver passes arguments by position."""
    names: list[str] = []
    for name, _ in sig.params:
        name = name.lstrip("_") or "x"
        while name in _RESERVED or name in names:
            name += "_"
        names.append(name)
    return names


def r_string(value: str) -> str:
    """`value` as a double-quoted R literal: printable ASCII as itself (`"` and `\\`
    escaped), everything else as a `\\u{...}`/`\\U{...}` escape. ValueError for what an R
    string cannot hold (NUL, a lone surrogate).

    >>> print(r_string('say "hi" \\\\ é\\n'))
    "say \\"hi\\" \\\\ \\u{e9}\\n"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code == 0 or 0xD800 <= code < 0xE000:
            raise ValueError("an R string cannot hold NUL or a lone surrogate")
        elif code <= 0xFFFF:
            out.append(f"\\u{{{code:x}}}")
        else:
            out.append(f"\\U{{{code:x}}}")
    return "".join(out) + '"'


def without_top_level_calls(code: str, entry: str) -> str:
    """`code` without what a model writes around a function to try it: top-level calls
    (`print(f(1))`, `stopifnot(...)`, `main()`, `test_that(...)`, `quit()`), `if`/`for`/
    `while` blocks (the `if (sys.nframe() == 0)` guard), `library(testthat)` and
    assignments that call the function or `main`. Function definitions, other
    assignments, `library()` and S4 class definitions stay; a dropped statement leaves
    its newlines (line numbers hold). Code that does not parse cleanly is left as it is
    (the driver reports R's own parse error).

    >>> without_top_level_calls("f <- function(x) x\\nprint(f(1))\\nX <- 2\\n", "f")
    'f <- function(x) x\\n\\nX <- 2\\n'
    """
    root = parse(code, "r")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    spans = [(n.start_byte, n.end_byte) for n in kids(root) if not _kept(n, entry)]
    for start, end in reversed(spans):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode()


def _kept(node: Any, entry: str) -> bool:
    if node.type == "comment":
        return True
    if node.type == "call":
        name = text(node.child_by_field_name("function"))
        return (
            name in _KEPT_CALLS and "testthat" not in text(node) and not _calls_entry(node, entry)
        )
    if node.type == "binary_operator":
        operator = text(node.child_by_field_name("operator"))
        if operator not in _ASSIGNMENTS:
            return False
        value = node.child_by_field_name("lhs" if operator.startswith("-") else "rhs")
        return value is not None and (
            value.type == "function_definition" or not _calls_entry(value, entry)
        )
    return False


def _calls_entry(node: Any, entry: str) -> bool:
    """Whether `node` calls the entry point or `main` anywhere inside."""
    todo = [node]
    while todo:
        n = todo.pop()
        if n.type == "call" and text(n.child_by_field_name("function")) in (entry, "main"):
            return True
        todo.extend(n.children)
    return False


LANGUAGE = Language(
    name="r",
    compile_s=0.16,
    start_s=0.161,
    display="R",
    aliases=("rscript", "rlang"),
    source_file="main.R",
    compile=("Rscript", "--vanilla", "-e", "invisible(parse(file = '{src}'))"),
    compiled=False,
    run=("Rscript", "--vanilla", "{src}"),
    tools=("Rscript",),
    debian_packages=("r-base-core",),
    grammar="r",
    fence_tags=("R", "r"),
    time_factor=3.0,
    memory_overhead_mb=64,
    oom_markers=("cannot allocate vector", "cannot allocate memory"),
    conventions=(
        "R 4.2 script run with `Rscript --vanilla`: read with "
        "readLines(file('stdin')) or scan(file('stdin'), quiet = TRUE); write with cat(), "
        "not print() (which adds `[1]` prefixes). Base R only. Mind integer overflow: use "
        "doubles or format() for large numbers."
    ),
    example=(
        "x <- scan(file('stdin'), what = numeric(), quiet = TRUE)\n"
        "cat(format(x[1] + x[2], scientific = FALSE), '\\n', sep = '')\n"
    ),
    functions=RFunctions(),
)
