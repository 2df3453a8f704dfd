"""Clojure function problems: the signature's values as Clojure data, and the test driver.

The candidate writes a `defn` under a docstring (MultiPL-E's Clojure shape), named in
Clojure's kebab-case (`running_max` is `running-max`; a candidate that kept the Python
name is called by that). Clojure is untyped: the docstring gives each parameter's type
and the return type as clojure.spec predicates (`(coll-of int?)`, `(tuple string? int?)`,
`(map-of string? double?)`, `(nilable int?)`). Values are plain Clojure data: a list or
a tuple a vector (any sequence is taken back, a lazy one too, and nil for an empty one),
a dict a map (nil for an empty one), None nil; an int a long, or a BigInt beyond one
(Clojure's own promotion: no int is out of range), a float a double (a ratio or a
BigDecimal is taken back as its double value).

A model's `-main`, its top-level calls (`(println ...)`, `(-main)`, `(run-tests)`) and
its `deftest`s are cut; definitions, `ns`, `require` and `import` stay.

unsupported(): dict keys other than int and str (only those have one JSON form), and an
entry point that is a special form (`new`, `var`, `recur`).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .entry import first, kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver (protocol: functions.py), a script of two forms run by `clojure`. It
# reads the token from fd 0 and opens fd 1 first, then loads the candidate's code (a
# string in the driver) form by form into `user`: a reader or compiler error is the
# driver's `compile` report, an exception while loading fails every test. Everything it
# does after the candidate's code has run is a local of its own (captured core functions,
# Java interop, inlined core calls), so a candidate that redefines `str` or `first`, or
# the driver's namespace, does not reach it. Each test's arguments are read afresh from
# EDN text; the result is serialised by the signature's type with exact classes (Long,
# BigInt, Double, Boolean, String, and sequences and maps of Clojure's jar or the JDK, not
# a candidate's deftype, record or reify), never the value's own equals, toString or
# print method. After `done` the driver halts the JVM.
DRIVER = "clojure_driver.clj"  # in drivers/, read by driver_template at first use

SPECIAL_FORMS = frozenset(
    "def if do let quote var fn loop recur throw try catch finally monitor-enter "
    "monitor-exit new set! letfn case import & let* fn* loop* letfn* case* reify* "
    "deftype*".split()
)
_LONG = 2**63
# Top-level forms that stay: definitions and the namespace's set-up.
_KEPT_HEADS = frozenset(
    "ns in-ns require use import refer refer-clojure load set! declare extend gen-class "
    "gen-interface alter-var-root".split()
)
_TEST_HEADS = frozenset(("deftest", "defspec", "deftest-"))


class ClojureFunctions(FunctionSupport):
    """Types as clojure.spec predicates, for the docstring; values as Clojure data."""

    conventions = (
        "Clojure 1.11, clojure.core and Java interop only (no libraries): one `defn` with "
        "the header's name and parameters; no `-main`, no printing, no tests. Values are "
        "plain Clojure data: vectors (or any sequence) for lists and tuples, maps with "
        "string or integer keys, nil for None; integers are longs, floats doubles."
    )
    scalar_types = {"int": "int?", "float": "double?", "bool": "boolean?", "str": "string?",
                    "None": "nil?"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"(coll-of {item})"

    def tuple_type(self, items: list[str]) -> str:
        return f"(tuple {' '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"(map-of {key} {value})"

    def optional_type(self, inner: str) -> str:
        return f"(nilable {inner})"

    def none_literal(self, t: Type) -> str:
        return "nil"

    def int_literal(self, value: int) -> str:
        return str(value) if -_LONG <= value < _LONG else f"{value}N"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "##NaN"
        if math.isinf(value):
            return "##Inf" if value > 0 else "##-Inf"
        return repr(value)  # Clojure reads 1e-05 and 1e+16 as doubles

    def str_literal(self, value: str) -> str:
        return clojure_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"[{' '.join(items)}]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"[{' '.join(items)}]"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        keys = [k for k, _ in pairs]
        twice = next((k for k in keys if keys.count(k) > 1), None)
        if twice is not None:  # JSON keys "1" and "01" are one int key
            raise ValueError(f"a dict with the key {twice} twice")
        return "{" + ", ".join(f"{k} {v}" for k, v in pairs) + "}"

    def header(self, sig: Signature, doc: str) -> str:
        names = param_names(sig)
        width = max([len(n) for n in names] + [len("returns")])
        types = [f"{n}:{' ' * (width - len(n))} {self.type_name(t)}"
                 for n, (_, t) in zip(names, sig.params, strict=True)]  # fmt: skip
        types.append(f"returns:{' ' * (width - 7)} {self.type_name(sig.returns)}")
        lines = [*doc.strip().splitlines(), *([""] if doc.strip() else []), *types]
        body = "\n".join(f"  {line}".rstrip() for line in lines).strip()
        quoted = clojure_string(body, raw=True)
        return f"(defn {kebab(sig.name)}\n  {quoted}\n  [{' '.join(names)}]\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        tests = [
            "[" + " ".join(self.literal(v, t) for v, t in zip(args, types, strict=True)) + "]"
            for args in calls
        ]
        names = list(dict.fromkeys([kebab(sig.name), sig.name]))
        return (
            driver_template(DRIVER)
            .replace("@SOURCE@", clojure_string(without_test_code(code)))
            .replace("@NAMES@", "[" + " ".join(names) + "]")
            .replace("@RETURNS@", _descriptor(sig.returns))
            .replace("@TESTS@", "[" + " ".join(clojure_string(t) for t in tests) + "]")
        )

    def unsupported(self, sig: Signature) -> str | None:
        if kebab(sig.name) in SPECIAL_FORMS:
            return f"{kebab(sig.name)} is a Clojure special form"
        for t in types_in(sig):
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return "dict keys other than int or str (only those have one JSON form)"
        return None


def _descriptor(t: Type) -> str:
    """`t` for the driver's `write`: [:kind parts...]."""
    return "[" + " ".join([f":{t.name}", *(_descriptor(a) for a in t.args)]) + "]"


def kebab(name: str) -> str:
    """A Python name in Clojure's kebab-case, its outer underscores kept.

    >>> kebab("running_max"), kebab("_private_x_"), kebab("f")
    ('running-max', '_private-x_', 'f')
    """
    lead, core, trail = re.fullmatch(r"(_*)(.*?)(_*)", name).groups()  # type: ignore[union-attr]
    return lead + re.sub(r"_+", "-", core) + trail


def param_names(sig: Signature) -> list[str]:
    """The parameters in kebab-case; a special form (`new`, `var`) or a repeat gets `_`."""
    names: list[str] = []
    for name, _ in sig.params:
        name = kebab(name)
        while name in SPECIAL_FORMS or name in names:
            name += "_"
        names.append(name)
    return names


def clojure_string(value: str, *, raw: bool = False) -> str:
    """`value` as a Clojure (and EDN) string literal: printable ASCII as itself (`"` and
    `\\` escaped), everything else as a UTF-16 `\\u` escape; `raw` keeps newlines and
    non-ASCII letters as they are (a docstring a person reads).

    >>> print(clojure_string('say "hi"\\n\\\\ é'))
    "say \\"hi\\"\\n\\\\ \\u00e9"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\n" if raw else "\\n")
        elif 0x20 <= code < 0x7F or (raw and code > 0x9F and ch.isprintable()):
            out.append(ch)
        elif code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out) + '"'


def without_test_code(code: str) -> str:
    """`code` without what a model writes around a `defn` to try it: `-main`, top-level
    calls (`(println ...)`, `(-main)`, `(comment ...)`) and `deftest`s. Definitions (any
    `def...`), `ns`, `require`, `import` and `set!` stay; a dropped form leaves its
    newlines (line numbers hold). Code that does not parse cleanly is left as it is (the
    driver reports the reader's error).

    >>> without_test_code("(defn f [x] x)\\n(println (f 1))\\n(def y 2)\\n")
    '(defn f [x] x)\\n\\n(def y 2)\\n'
    """
    root = parse(code, "clojure")
    if root is None or root.has_error:
        return code
    data = code.encode()
    for form in reversed([n for n in kids(root, "list_lit") if not _kept(n)]):
        start, end = form.start_byte, form.end_byte
        data = data[:start] + b"\n" * data[start:end].count(b"\n") + data[end:]
    return data.decode()


def _kept(form: Any) -> bool:
    head = first(form, "sym_lit")
    items = [c for c in kids(form) if c.type not in ("comment", "meta_lit")]
    if head is None or not items or items[0] is not head:
        return False
    name = text(first(head, "sym_name"))
    if name in _TEST_HEADS:
        return False
    if name.startswith("def"):  # defn, defmacro, defrecord, s/def, ...: but not `-main`
        target = items[1] if len(items) > 1 else None
        return target is None or text(first(target, "sym_name")) != "-main"
    return name in _KEPT_HEADS
