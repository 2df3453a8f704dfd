"""OCaml, compiled natively with ocamlopt (standard library, Str and Unix).

Function problems (`OCamlFunctions`) take MultiPL-E's shape: a top-level `let` with typed
parameters under an odoc comment, `let running_max (numbers : int list) : int list =`.
Python's `int` is `int` (63 bits on 64-bit OCaml: a test value beyond it cannot be
written), `float` `float`, `str` `string` (UTF-8 bytes), `None` `unit`, `list` a list,
`tuple` a tuple, `dict` an association list `(k * v) list` (MultiPL-E's; a key returned
twice is an error), `Optional` an `option`; a function without parameters takes `()`.
Not expressible: 1-tuples (OCaml has none), dict keys other than int and string, strings
with lone surrogates (not UTF-8), and an entry point that is a keyword or not a value name.
Unix is linked for the driver (it points stdin elsewhere once the token is read).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .base import Language
from .entry import kids, parse
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver (protocol: functions.py), real OCaml in drivers/; the candidate's code
# becomes the body of a functor in its middle (see the template for why).
DRIVER = "ocaml_driver.ml"  # in drivers/, read by driver_template at first use

KEYWORDS = frozenset(
    "and as assert asr begin class constraint do done downto else end exception external "
    "false for fun function functor if in include inherit initializer land lazy let lor "
    "lsl lsr lxor match method mod module mutable new nonrec object of open or private rec "
    "sig struct then to true try type val virtual when while with".split()
)
_VALUE_NAME = re.compile(r"[a-z_][A-Za-z0-9_']*\Z")
_INT = 2**62  # OCaml's int: 63 bits, two's complement


class OCamlFunctions(FunctionSupport):
    conventions = (
        "OCaml 4.13 (ocamlopt): a top-level `let` with exactly the header's parameter and "
        "return types; the standard library, Str and Unix only. No `let () =` main."
    )
    scalar_types = {"int": "int", "float": "float", "bool": "bool", "str": "string",
                    "None": "unit"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"{_paren(item)} list"

    def tuple_type(self, items: list[str]) -> str:
        return " * ".join(_paren(i) for i in items)

    def dict_type(self, key: str, value: str) -> str:
        return f"({_paren(key)} * {_paren(value)}) list"

    def optional_type(self, inner: str) -> str:
        return f"{_paren(inner)} option"

    def none_literal(self, t: Type) -> str:
        return "None" if t.name == "optional" else "()"

    def int_literal(self, value: int) -> str:
        if not -_INT <= value < _INT:
            raise ValueError(f"{value} is outside OCaml's int (63 bits)")
        return f"({value})" if value < 0 else str(value)

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "Float.nan"
        if math.isinf(value):
            return "Float.infinity" if value > 0 else "Float.neg_infinity"
        text = repr(value)  # shortest round-trip digits; OCaml reads 1e-05 and 1e+16 too
        return f"({text})" if text.startswith("-") else text

    def str_literal(self, value: str) -> str:
        return ocaml_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return "[" + "; ".join(items) + "]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return "(" + ", ".join(items) + ")"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return "[" + "; ".join(f"({k}, {v})" for k, v in pairs) + "]"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"(Some {inner})"

    def header(self, sig: Signature, doc: str) -> str:
        params = " ".join(
            f"({name} : {self.type_name(t)})"
            for name, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        comment = doc_comment(doc)
        return f"{comment}let {sig.name} {params or '()'} : {self.type_name(sig.returns)} =\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [self.type_name(t) for _, t in sig.params] or ["unit"]
        write = _writer(sig.returns)
        rows = []
        for args in calls:
            passed = "".join(
                f" ({self.literal(v, t)} : {self.type_name(t)})"
                for v, (_, t) in zip(args, sig.params, strict=True)
            )
            rows.append(f"(fun () -> psft_render {write} (M.{sig.name}{passed or ' ()'}))")
        candidate = (
            "module Psft_candidate (Psft_unit : sig end) : PSFT_ENTRY = struct\n"
            "  let psft_channel = ()\n  let psft_token = ()\n"
            f'# 1 "solution.ml"\n{without_top_level_effects(code).rstrip()}\n'
            '# 1 "driver.ml"\nend'
        )
        whole = " -> ".join(_paren(t) for t in types)
        return (
            driver_template(DRIVER)
            .replace("@ENTRY@", sig.name)
            .replace("@TYPE@", f"{whole} -> {_paren(self.type_name(sig.returns))}")
            .replace("(* @CANDIDATE@ *)", candidate)
            .replace("@CALLS@", ";\n    ".join(rows))
            .replace("@COUNT@", str(len(calls)))
        )

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in KEYWORDS or not _VALUE_NAME.match(sig.name):
            return f"{sig.name} cannot name an OCaml value"
        for t in types_in(sig):
            if t.name == "tuple" and len(t.args) == 1:
                return "a 1-tuple (OCaml has none)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and string keys have a JSON form)"
        return None


def _paren(type_text: str) -> str:
    """A tuple type inside another type needs parentheses: `(int * string) list`."""
    depth = 0
    for ch in type_text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "*" and depth == 0:
            return f"({type_text})"
    return type_text


def _writer(t: Type, depth: int = 0) -> str:
    """The driver's writer for values of `t`, from its combinators (`psft_list psft_int`)."""
    scalar = {"int": "psft_int", "float": "psft_float", "bool": "psft_bool",
              "str": "psft_string", "None": "psft_unit"}  # fmt: skip
    if t.name in scalar:
        return scalar[t.name]
    if t.name == "list":
        return f"(psft_list {_writer(t.args[0], depth + 1)})"
    if t.name == "optional":
        return f"(psft_option {_writer(t.args[0], depth + 1)})"
    if t.name == "dict":
        key = "psft_key_int" if t.args[0].name == "int" else "psft_key_string"
        return f"(psft_dict {key} {_writer(t.args[1], depth + 1)})"
    if t.name == "tuple":
        names = [f"psft_t{depth}_{i}" for i in range(len(t.args))]
        parts = "; ".join(
            f"{_writer(a, depth + 1)} {n}" for a, n in zip(t.args, names, strict=True)
        )
        return f"(fun ({', '.join(names)}) -> psft_items [{parts}])"
    raise ValueError(f"no OCaml writer for {t}")


def param_names(sig: Signature) -> list[str]:
    """The parameters as OCaml value names: lower-case first, a keyword or repeat primed."""
    names: list[str] = []
    for raw, _ in sig.params:
        name = raw[:1].lower() + raw[1:]
        while name in KEYWORDS or name in names:
            name += "'"
        names.append(name)
    return names


def ocaml_string(value: str) -> str:
    """`value` as an OCaml string literal of its UTF-8 bytes: printable ASCII as itself,
    the rest as `\\xhh` escapes (exactly two digits: never greedy). ValueError for a lone
    surrogate, which no UTF-8 string holds.

    >>> print(ocaml_string('say "hi"\\n\\\\ é'))
    "say \\"hi\\"\\n\\\\ \\xc3\\xa9"
    """
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string with a lone surrogate is not UTF-8") from None
    out = ['"']
    for byte in data:
        ch = chr(byte)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out) + '"'


def doc_comment(doc: str) -> str:
    """`doc` as an odoc comment that the OCaml lexer reads back: it lexes string literals
    inside comments too, so `(*`, `*)` and `{|` are broken up, and quotes that would
    leave a string open are written as single quotes.

    >>> print(doc_comment('Say "hi" (* not code *)\\nto {|x|}.'), end="")
    (** Say "hi" ( * not code * )
        to { |x|}. *)
    """
    lines = [line.rstrip() for line in doc.strip().splitlines()]
    if not lines:
        return ""
    body = "\n".join(("    " if i and line else "") + line for i, line in enumerate(lines))
    body = body.replace("(*", "( *").replace("*)", "* )")
    body = re.sub(r"\{([a-z_]*)\|", r"{ \1|", body)
    if _opens_a_string(body):
        body = body.replace('"', "'")
    return f"(** {body} *)\n"


def _opens_a_string(text: str) -> bool:
    """Whether OCaml's comment lexer would end `text` inside a string literal."""
    inside, i = False, 0
    while i < len(text):
        if inside and text[i] == "\\":
            i += 2
            continue
        if not inside and text.startswith("'\"'", i):
            i += 3
            continue
        if text[i] == '"':
            inside = not inside
        i += 1
    return inside


def without_top_level_effects(code: str) -> str:
    """`code` without what a model writes around a function to try it: top-level
    expressions and `let () = ...` / `let _ = ...` definitions (the main that prints, the
    asserts). Definitions, types, modules and `open`s stay; a dropped item leaves its
    newlines (line numbers hold). Code that does not parse cleanly is left as it is (the
    compiler reports what is wrong).

    >>> without_top_level_effects("let f x = x\\nlet () = print_int (f 1)\\n;;\\nf 2\\n")
    'let f x = x\\n\\n;;\\n\\n'
    """
    root = parse(code, "ocaml")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    spans = [(n.start_byte, n.end_byte) for n in kids(root) if _effect(n)]
    for start, end in reversed(spans):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode()


def _effect(node: Any) -> bool:
    if node.type == "expression_item":
        return True
    if node.type != "value_definition":
        return False
    bindings = list(kids(node, "let_binding"))
    patterns = [b.child_by_field_name("pattern") for b in bindings]
    return bool(patterns) and all(
        p is not None and (p.type == "unit" or p.text in (b"_", b"()")) for p in patterns
    )


LANGUAGE = Language(
    name="ocaml",
    compile_s=0.14,
    start_s=0.001,
    display="OCaml",
    aliases=("ml",),
    source_file="main.ml",
    compile=("ocamlfind", "ocamlopt", "-package", "str,unix", "-linkpkg", "-o", "main", "{src}"),
    run=("./main",),
    tools=("ocamlfind", "ocamlopt"),
    version_args=("ocamlopt", "-version"),
    debian_packages=("ocaml-nox", "ocaml-findlib"),
    grammar="ocaml",
    fence_tags=("OCaml",),
    oom_markers=("Out_of_memory",),
    conventions=(
        "OCaml 4.13 compiled with ocamlopt: top-level definitions ending with `let () = ...`; "
        'read with Scanf.scanf " %d" or read_line, write with Printf.printf or '
        "print_endline. Standard library and Str only."
    ),
    example='let () = Scanf.scanf " %d %d" (fun a b -> Printf.printf "%d\\n" (a + b))\n',
    functions=OCamlFunctions(),
)
