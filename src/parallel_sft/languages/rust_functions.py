"""Rust function problems: how the signature's types are written in Rust, and the test
driver.

A candidate writes a free function under a `///` doc comment, as MultiPL-E's Rust prompts
have it: `fn running_max(numbers: Vec<i64>) -> Vec<i64>`. int is `i64`, float `f64`, bool
`bool`, str `String`, list[T] `Vec<T>`, tuple `(A, B)`, dict[K, V] `HashMap<K, V>`,
Optional[T] `Option<T>`, None `()` (no return type). Arguments come by value, as the header
shows; a candidate that borrows one instead (`&[i64]`, `&str`, `&mut Vec<i64>`) gets a
borrow of it, and an associated function of a type (`impl Solution { pub fn f(..) }`, the
LeetCode shape) is called through its type.

unsupported(): dict keys other than int and str (a float is not `Hash`, and only those two
have a JSON form), tuples of more than 12 items (the driver's writers stop there), an entry
point that is a Rust keyword, `main` or `_`. A test value Rust cannot write (an int beyond
`i64`, a lone surrogate in a string) is a ValueError: the problem's counted reason.

The candidate's `fn main`, `#[test]` functions and `#[cfg(test)]` modules go (tree-sitter;
their lines are left blank, so the compiler's and the panics' line numbers hold); its
`use` declarations, types, impls and helpers stay. Code that does not parse cleanly is left
as it is (rustc says what is wrong).
"""

from __future__ import annotations

import math
from typing import Any

from .entry import kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import NONE, Signature, Type

# The test driver (see functions.py for the protocol), after the candidate's code in one
# crate: its Rust text lives beside this module as real Rust (drivers/rust_driver.rs).
# Rust runs no code before `main`, which reads the token into a local variable first; each
# call builds its arguments afresh, runs under catch_unwind (a panic is that test's error,
# with its place from a panic hook) and binds the result to the signature's return type,
# so that the driver's own `Json` impls write it: the value's own Debug, Display or
# PartialEq are never used, and a function of another return type does not compile.
DRIVER = "rust_driver.rs"  # in drivers/, read by driver_template at first use

KEYWORDS = frozenset(
    "as async await break const continue crate dyn else enum extern false fn for if impl in "
    "let loop match mod move mut pub ref return self Self static struct super trait true "
    "type unsafe use where while abstract become box do final gen macro override priv try "
    "typeof unsized virtual yield union".split()
)
MAX_TUPLE = 12
_LONG = 2**63
_FULL = {"list": "::std::vec::Vec", "dict": "::std::collections::HashMap",
         "optional": "::std::option::Option"}  # fmt: skip


class RustFunctions(FunctionSupport):
    conventions = "Rust 2021 edition, stable rustc, std only (no crates)."
    scalar_types = {"int": "i64", "float": "f64", "bool": "bool", "str": "String", "None": "()"}

    def list_type(self, item: str) -> str:
        return f"Vec<{item}>"

    def tuple_type(self, items: list[str]) -> str:
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"HashMap<{key}, {value}>"

    def optional_type(self, inner: str) -> str:
        return f"Option<{inner}>"

    def none_literal(self, t: Type) -> str:
        return "()" if t == NONE else "None"

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} does not fit Rust's i64")
        return "i64::MIN" if value == -_LONG else str(value)

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "f64::NAN"
        if math.isinf(value):
            return "f64::INFINITY" if value > 0 else "f64::NEG_INFINITY"
        return repr(value)

    def str_literal(self, value: str) -> str:
        return f"String::from({rust_string(value)})"

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"vec![{', '.join(items)}]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return f"::std::collections::HashMap::from([{', '.join(f'({k}, {v})' for k, v in pairs)}])"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"Some({inner})"

    def header(self, sig: Signature, doc: str) -> str:
        uses = "use std::collections::HashMap;\n\n" if _has(sig, "dict") else ""
        comment = "".join(f"/// {line}".rstrip() + "\n" for line in doc.strip().splitlines())
        params = ", ".join(
            f"{n}: {self.type_name(t)}"
            for n, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        returns = "" if sig.returns == NONE else f" -> {self.type_name(sig.returns)}"
        return f"{uses}{comment}fn {sig.name}({params}){returns} {{\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        code, owner, borrows = prepare(code, sig.name, len(sig.params))
        entry = f"{owner}::{sig.name}" if owner else sig.name
        returns = full_type(sig.returns)
        funcs = []
        for i, args in enumerate(calls):
            lets, passed = [], []
            for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True)):
                lets.append(f"    let mut a{j}: {full_type(t)} = {self.literal(value, t)};\n")
                passed.append(f"{borrows[j] if borrows else ''}a{j}")
            funcs.append(
                f"#[allow(unused_mut)]\nfn psft_call{i}() -> ::std::string::String {{\n"
                + "".join(lets)
                + f"    let value: {returns} = {entry}({', '.join(passed)});\n"
                + "    psft_driver::to_json(&value)\n}\n"
            )
        table = ", ".join(f"psft_call{i}" for i in range(len(calls)))
        generated = (
            f"static PSFT_CALLS: [fn() -> ::std::string::String; {len(calls)}] = [{table}];\n"
            + "".join(funcs)
        )
        return code.rstrip() + "\n\n" + driver_template(DRIVER).replace("// @CALLS@\n", generated)

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in KEYWORDS or sig.name in ("main", "_"):
            return f"{sig.name} cannot name a Rust function of a program"
        for t in types_in(sig):
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have a JSON form)"
            if t.name == "tuple" and len(t.args) > MAX_TUPLE:
                return f"tuples of more than {MAX_TUPLE} items"
        return None


def _has(sig: Signature, kind: str) -> bool:
    return any(t.name == kind for t in types_in(sig))


def full_type(t: Type) -> str:
    """`t` with absolute paths, for the driver's bindings (`::std::vec::Vec<i64>`)."""
    if t.name == "str":
        return "::std::string::String"
    if t.name in ("int", "float", "bool", "None"):
        return RustFunctions.scalar_types[t.name]
    parts = [full_type(a) for a in t.args]
    if t.name == "tuple":
        return f"({parts[0]},)" if len(parts) == 1 else f"({', '.join(parts)})"
    return f"{_FULL[t.name]}<{', '.join(parts)}>"


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as Rust identifiers: a keyword gets a `_` (`type_`)."""
    names: list[str] = []
    for name, _ in sig.params:
        while name in KEYWORDS or name in names:
            name += "_"
        names.append(name)
    return names


def rust_string(value: str) -> str:
    """`value` as a Rust string literal: printable ASCII as itself, the rest as `\\u{..}`
    escapes. ValueError for a lone surrogate, which no Rust string can hold.

    >>> print(rust_string('say "hi"\\n\\\\ é {}'))
    "say \\"hi\\"\\n\\\\ \\u{e9} {}"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif 0xD800 <= code < 0xE000:
            raise ValueError("a lone surrogate in a string (Rust strings are UTF-8)")
        else:
            out.append(f"\\u{{{code:x}}}")
    return "".join(out) + '"'


def prepare(code: str, entry: str, arity: int) -> tuple[str, str, list[str] | None]:
    """(`code` without its `fn main`, `#[test]` functions and `#[cfg(test)]` modules, their
    lines left blank; the type whose associated function `entry` is, or ""; how each
    argument is passed, "" or "&" or "&mut ", as the candidate's parameters say, or None
    where they do not say)."""
    root = parse(code, "rust")
    if root is None or root.has_error:
        return code, "", None
    cuts, attributes = [], []
    owner, params = "", None
    for node in kids(root):
        if node.type == "attribute_item":
            attributes.append(node)
            continue
        marks = {text(a).replace(" ", "") for a in attributes}
        name = text(node.child_by_field_name("name"))
        test_only = "#[test]" in marks or "#[cfg(test)]" in marks
        if (node.type == "function_item" and name == "main") or test_only:
            cuts += [*attributes, node]
        elif node.type == "function_item" and name == entry and params is None:
            params = node.child_by_field_name("parameters")
        elif (
            node.type == "impl_item"
            and params is None
            and not text(node.child_by_field_name("trait"))
        ):
            for item in kids(node.child_by_field_name("body") or node, "function_item"):
                if text(item.child_by_field_name("name")) == entry:
                    owner = text(node.child_by_field_name("type"))
                    params = item.child_by_field_name("parameters")
        if node.type not in ("line_comment", "block_comment"):
            attributes = []
    raw = code.encode()
    for node in sorted(cuts, key=lambda n: n.start_byte, reverse=True):
        blank = b"\n" * raw[node.start_byte : node.end_byte].count(b"\n")
        raw = raw[: node.start_byte] + blank + raw[node.end_byte :]
    return raw.decode(), owner, _borrows(params, arity)


def _borrows(params: Any, arity: int) -> list[str] | None:
    if params is None:
        return None
    found = list(kids(params, "parameter"))
    if len(found) != arity or any(p.type == "self_parameter" for p in kids(params)):
        return None
    borrows = []
    for p in found:
        kind = text(p.child_by_field_name("type")).replace(" ", "")
        borrows.append("&mut " if kind.startswith("&mut") else "&" if kind.startswith("&") else "")
    return borrows
