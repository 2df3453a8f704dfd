"""Racket. ``raco make`` compiles the module ahead of time (and so checks it); the run
then loads the compiled code instead of expanding the module again.

Function problems (`RacketFunctions`) take MultiPL-E's shape: `#lang racket` and a
`(define (running_max numbers) ...)` under `;;` comments, whose signature line gives the
types in Typed Racket's notation (Racket itself is untyped). Python's `int` is an exact
integer (any size), `float` a flonum (an exact rational result is taken too), `str` a
string, `None` `(void)`, `list` a list, `tuple` a list of its length, `dict` an immutable
`equal?` hash (`(hash k v ...)`), and `Optional` the value or `#f`, as MultiPL-E's Racket
does. Not expressible: `Optional[bool]` (`#f` would be both None and false), dict keys
other than int and str, strings with lone surrogates (Racket's chars exclude them), and an
entry point named like a core form (`define`, `cond`). The entry point may be defined as
written or kebab-cased (`running-max`). The driver reads the candidate's program itself,
so a read or syntax error there is a COMPILE_ERROR from the run, not from `raco make`.
"""

from __future__ import annotations

import math
from typing import Any

from .base import Language
from .entry import kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver (protocol: functions.py), real Racket in drivers/; see there for how it
# keeps the token and the serialisation away from the candidate.
DRIVER = "racket_driver.rkt"  # in drivers/, read by driver_template at first use

# Forms a module's definitions may be; every other top-level form (`(displayln ...)`,
# `(check-equal? ...)`, `(main)`, a bare symbol) is a model's try-out and goes.
_KEPT = frozenset(
    "require provide module module* module+ struct begin-for-syntax #%require #%provide".split()
)
_CORE_FORMS = frozenset(
    "define cond let when unless case do begin quote quasiquote unquote struct match require "
    "provide module lambda λ delay parameterize local set!".split()
)


class RacketFunctions(FunctionSupport):
    conventions = (
        "Racket 8.7: a `#lang racket` module that defines the function with `define`, "
        "exactly as the header names it; main distribution libraries only."
    )
    scalar_types = {"int": "Integer", "float": "Float", "bool": "Boolean", "str": "String",
                    "None": "Void"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"(Listof {item})"

    def tuple_type(self, items: list[str]) -> str:
        return f"(List {' '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"(HashTable {key} {value})"

    def optional_type(self, inner: str) -> str:
        return f"(U {inner} #f)"

    def none_literal(self, t: Type) -> str:
        return "#f" if t.name == "optional" else "(void)"

    def bool_literal(self, value: bool) -> str:
        return "#t" if value else "#f"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "+nan.0"
        if math.isinf(value):
            return "+inf.0" if value > 0 else "-inf.0"
        return repr(value)  # shortest round-trip digits, always a flonum: 0.1, 1e-05, 3.0

    def str_literal(self, value: str) -> str:
        return racket_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return "(list" + "".join(" " + i for i in items) + ")"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return self.list_literal(items, t)

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return "(hash" + "".join(f" {k} {v}" for k, v in pairs) + ")"

    def header(self, sig: Signature, doc: str) -> str:
        lines = [f";; {line}".rstrip() for line in doc.strip().splitlines()]
        types = "".join(self.type_name(t) + " " for _, t in sig.params)
        lines.append(f";; {sig.name} : {types}-> {self.type_name(sig.returns)}")
        params = "".join(" " + name for name in param_names(sig))
        return "#lang racket\n\n" + "\n".join(lines) + f"\n(define ({sig.name}{params})\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        rows = [
            "(lambda () (list"
            + "".join(" " + self.literal(v, t) for v, (_, t) in zip(args, sig.params, strict=True))
            + "))"
            for args in calls
        ]
        names = list(dict.fromkeys([sig.name, sig.name.replace("_", "-")]))
        return (
            driver_template(DRIVER)
            .replace("@SOURCE@", racket_string(without_top_level_expressions(code)))
            .replace("@ENTRIES@", "(" + " ".join(names) + ")")
            .replace("@RETURNS@", self._descriptor(sig.returns))
            .replace("@CALLS@", "\n  ".join(rows))
        )

    def _descriptor(self, t: Type) -> str:
        """`t` for the driver's `render`: (kind "its Racket type" part ...)."""
        kind = "none" if t.name == "None" else t.name
        parts = "".join(" " + self._descriptor(a) for a in t.args)
        return f"({kind} {racket_string(self.type_name(t))}{parts})"

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in _CORE_FORMS:
            return f"{sig.name} is one of Racket's core forms"
        for t in types_in(sig):
            if t.name == "optional" and t.args[0].name == "bool":
                return "Optional[bool] (#f would be both None and false)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have a JSON form)"
        return None


def param_names(sig: Signature) -> list[str]:
    """The parameters as Racket variables: one named like a core form (`match`, `define`)
    would shadow that form in the body, so it gets a `_` after it (the driver passes
    arguments by position)."""
    names: list[str] = []
    for name, _ in sig.params:
        while name in _CORE_FORMS or name in names:
            name += "_"
        names.append(name)
    return names


def racket_string(value: str) -> str:
    """`value` as a Racket string literal, ASCII only: `\\u` with exactly four digits and
    `\\U` with eight (never extended by what follows). ValueError for a lone surrogate,
    which no Racket char is.

    >>> print(racket_string('say "hi"\\n\\\\ é🎉'))
    "say \\"hi\\"\\n\\\\ \\u00e9\\U0001f389"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if 0xD800 <= code < 0xE000:
            raise ValueError("a string with a lone surrogate (no Racket char holds one)")
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'


def without_top_level_expressions(code: str) -> str:
    """`code` without what a model writes around a function to try it: top-level
    expressions (`(displayln (f 1))`, `(check-equal? ...)`, `(main)`, a bare symbol).
    Definitions, `require`, `provide`, `struct` and submodules (which the driver never
    runs) stay; a dropped form leaves its newlines. A program without a `#lang` line gets
    `#lang racket`. Code that does not parse cleanly is left as it is (the driver's
    reader reports it).

    >>> without_top_level_expressions("#lang racket\\n(define (f) 1)\\n(displayln (f))\\n")
    '#lang racket\\n(define (f) 1)\\n\\n'
    """
    root = parse(code, "racket")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    spans = [(n.start_byte, n.end_byte) for n in kids(root) if not _kept(n)]
    for start, end in reversed(spans):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    stripped = raw.decode()
    if not any(n.type == "extension" for n in kids(root)):
        stripped = "#lang racket\n" + stripped
    return stripped


def _kept(node: Any) -> bool:
    if node.type in ("extension", "comment", "block_comment", "sexp_comment"):
        return True
    if node.type != "list":
        return False
    head = next(iter(kids(node)), None)
    name = text(head) if head is not None and head.type == "symbol" else ""
    return name.startswith("define") or name in _KEPT


LANGUAGE = Language(
    name="racket",
    compile_s=0.47,
    start_s=0.352,
    display="Racket",
    aliases=("rkt", "scheme"),
    source_file="main.rkt",
    compile=("raco", "make", "{src}"),
    run=("racket", "{src}"),
    rlimit_as=False,
    tools=("racket", "raco"),
    debian_packages=("racket",),
    grammar="racket",
    forbidden_top_node="symbol",
    fence_tags=("Racket",),
    time_factor=2.0,
    memory_overhead_mb=128,
    oom_markers=("out of memory",),
    conventions=(
        "Racket 8.7: the file starts with `#lang racket`; read with read-line or read, "
        "write with displayln or printf. Main distribution libraries only."
    ),
    example="#lang racket\n(define a (read))\n(define b (read))\n(displayln (+ a b))\n",
    functions=RacketFunctions(),
)
