"""D, compiled with LDC (the LLVM D compiler) against Phobos.

Function problems (`DFunctions`): a free function under a `///` doc comment, as
MultiPL-E's D prompts write it, with Phobos types: int is `long`, float `double`
(MultiPL-E's `float` has too few digits for 1e-6), bool `bool`, str `string` (UTF-8), list
`T[]`, dict an associative array `V[K]` (plain, not MultiPL-E's `Nullable!(V[K])`
workaround: the driver writes an empty one with its type), tuple `Tuple!(A, B)` and
Optional `Nullable!(T)` from std.typecons; None as a return type is `void`. The driver
holds each argument in a variable of the signature's type, so `in`, `const` and `ref`
parameters all work, and takes the result as a `const` of the return type (a `const(long)[]`
is fine).

The candidate's `main` (a model's try-out) is cut with tree-sitter: D has no preprocessor
to rename one the cut missed, so code that does not parse keeps it and the compiler
reports both. unsupported(): None as a parameter or inside a container, dict keys other
than int and str, an entry point that is a D keyword or `main`. An int test value outside
`long` is a ValueError (the counted "cannot write a test value" reason).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .base import Language
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver's D text, appended to the candidate's code (see there for how it keeps
# the candidate away from the token and the reports); @GENERATED@ is this signature's part.
DRIVER = "d_driver.d"  # in drivers/, read by driver_template at first use

KEYWORDS = frozenset(
    "abstract alias align asm assert auto body bool break byte case cast catch cdouble cent "
    "cfloat char class const continue creal dchar debug default delegate delete deprecated "
    "do double else enum export extern false final finally float for foreach foreach_reverse "
    "function goto idouble if ifloat immutable import in inout int interface invariant "
    "ireal is lazy long macro mixin module new nothrow null out override package pragma "
    "private protected public pure real ref return scope shared short static struct super "
    "switch synchronized template this throw true try typeid typeof ubyte ucent uint ulong "
    "union unittest ushort version void wchar while with main string".split()
)
_LONG = 2**63
_SMALLEST_NORMAL = 2.2250738585072014e-308


class DFunctions(FunctionSupport):
    """Phobos types: `long`, `double`, `string`, `T[]`, `V[K]`, std.typecons `Tuple!(...)`
    and `Nullable!(T)`. The driver spells them in full (`std.typecons.Tuple`), through
    static imports: the candidate's own declarations cannot change what they mean."""

    conventions = (
        "D (LDC 1.30, D 2.100): write the function the header declares, with the header's "
        "types, plus any helpers and imports it needs (Tuple and Nullable are in "
        "std.typecons); no `main`. Phobos only."
    )
    scalar_types = {"int": "long", "float": "double", "bool": "bool", "str": "string",
                    "None": "void"}  # fmt: skip
    full = False  # the driver's copy spells std.typecons in full

    def list_type(self, item: str) -> str:
        return f"{item}[]"

    def tuple_type(self, items: list[str]) -> str:
        return f"{self._typecons()}Tuple!({', '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"{value}[{key}]"

    def optional_type(self, inner: str) -> str:
        return f"{self._typecons()}Nullable!({inner})"

    def _typecons(self) -> str:
        return "std.typecons." if self.full else ""

    def none_literal(self, t: Type) -> str:
        if t.name != "optional":
            raise ValueError("D has no value of type None (void)")
        return f"{self.type_name(t)}.init"

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} does not fit a D long (64 bits)")
        return "long.min" if value == -_LONG else f"{value}L"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "double.nan"
        if math.isinf(value):
            return "double.infinity" if value > 0 else "-double.infinity"
        if value != 0 and abs(value) < _SMALLEST_NORMAL:
            return value.hex()  # D refuses a subnormal in decimal ("not representable")
        return repr(value)  # shortest round-trip digits; D reads 1e-05 and 1e+16 too

    def str_literal(self, value: str) -> str:
        return d_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        if not items:  # `[]` has no element type of its own
            return f"cast({self.type_name(t)}) null"
        return f"[{', '.join(items)}]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"{self.type_name(t)}({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        if not pairs:
            return f"({self.type_name(t)}).init"
        return f"[{', '.join(f'{k}: {v}' for k, v in pairs)}]"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"{self.type_name(t)}({inner})"

    def header(self, sig: Signature, doc: str) -> str:
        used = {t.name for t in types_in(sig)}
        names = [n for n, kind in (("Nullable", "optional"), ("Tuple", "tuple")) if kind in used]
        imports = f"import std.typecons : {', '.join(names)};\n\n" if names else ""
        comment = "".join(f"/// {line}".rstrip() + "\n" for line in doc.strip().splitlines())
        params = ", ".join(
            f"{self.type_name(t)} {name}"
            for name, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        return f"{imports}{comment}{self.type_name(sig.returns)} {sig.name}({params})\n{{\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        full = _FullDFunctions()
        cases = []
        for i, args in enumerate(calls):
            lines = [
                f"        {full.type_name(t)} psftArg{j} = {full.literal(value, t)};\n"
                for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True))
            ]
            call = f"{sig.name}({', '.join(f'psftArg{j}' for j in range(len(sig.params)))})"
            if sig.returns.name == "None":
                lines.append(f'        {call};\n        psftBuf ~= "null";\n')
            else:
                lines.append(f"        const {full.type_name(sig.returns)} psftResult = {call};\n")
                lines.append(f"        {_writer_name(sig.returns)}(psftBuf, psftResult);\n")
            cases.append(f"    case {i}: {{\n{''.join(lines)}        break;\n    }}\n")
        writers: dict[str, str] = {}
        full.writer(sig.returns, writers)
        generated = (
            f"private enum psftCalls = {len(calls)};\n\n"
            + "".join(writers.values())
            + "private void psftCall(int psftIndex, ref string psftBuf) {\n"
            + "    switch (psftIndex) {\n"
            + "".join(cases)
            + "    default: break;\n    }\n}\n"
        )
        program = driver_template(DRIVER).replace("@GENERATED@", generated)
        return without_main(code).rstrip("\n") + "\n\n" + program

    def unsupported(self, sig: Signature) -> str | None:
        if not re.fullmatch(r"[A-Za-z_]\w*", sig.name) or sig.name in KEYWORDS:
            return f"{sig.name} is not a D function name (a keyword, main or not ASCII)"
        for name, t in sig.params:
            if t.name == "None":
                return f"parameter {name} has type None (void)"
        for t in types_in(sig):
            if any(a.name == "None" for a in t.args):
                return f"None inside {t} (no D value of type void)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have one JSON form)"
        return None


class _FullDFunctions(DFunctions):
    """The driver's spelling (std.typecons in full), and the result's writers."""

    full = True

    def writer(self, t: Type, out: dict[str, str]) -> None:
        """`psftW_<type>(buf, value)` for `t` and its parts, innermost first."""
        for a in t.args:
            self.writer(a, out)
        name = _writer_name(t)
        if not t.args or name in out:
            return
        head = f"private void {name}(ref string buf, const {self.type_name(t)} v) {{\n"
        parts = [_writer_name(a) for a in t.args]
        if t.name == "optional":
            body = f'    if (v.isNull) buf ~= "null";\n    else {parts[0]}(buf, v.get);\n'
        elif t.name == "tuple":
            body = "    buf ~= '[';\n" + '    buf ~= ", ";\n'.join(
                f"    {p}(buf, v[{i}]);\n" for i, p in enumerate(parts)
            ) + "    buf ~= ']';\n"  # fmt: skip
        elif t.name == "list":
            body = (
                "    buf ~= '[';\n    foreach (i, item; v) {\n"
                '        if (i) buf ~= ", ";\n'
                f"        {parts[0]}(buf, item);\n    }}\n    buf ~= ']';\n"
            )
        else:
            body = (
                "    buf ~= '{';\n    bool first = true;\n    foreach (key, item; v) {\n"
                '        if (!first) buf ~= ", ";\n        first = false;\n'
                '        psftKey(buf, key);\n        buf ~= ": ";\n'
                f"        {parts[1]}(buf, item);\n    }}\n    buf ~= '}}';\n"
            )
        out[name] = head + body + "}\n\n"


_SCALAR_WRITERS = {"int": "psftInt", "float": "psftFloat", "bool": "psftBool", "str": "psftStr"}


def _writer_name(t: Type) -> str:
    """psftInt ... for scalars, psftW_<mangled> for composites (a prefix code: every
    constructor has a fixed arity, a tuple its length)."""
    return _SCALAR_WRITERS.get(t.name) or "psftW_" + _mangle(t)


def _mangle(t: Type) -> str:
    if not t.args:
        return t.name
    head = {"optional": "opt", "tuple": f"tuple{len(t.args)}"}.get(t.name, t.name)
    return "_".join([head, *(_mangle(a) for a in t.args)])


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as D identifiers (a keyword gets a `_`); the driver passes
    arguments by position, so the candidate may name them as it likes."""
    names: list[str] = []
    for name, _ in sig.params:
        while name in KEYWORDS or name in names:
            name += "_"
        names.append(name)
    return names


def d_string(text: str) -> str:
    """`text` as a D string literal: printable ASCII as itself (D does not interpolate `$`
    or `#{}`), every other byte of its UTF-8 as a two-digit `\\x` escape.

    >>> print(d_string('a"\\\\é\\n'))
    "a\\"\\\\\\xC3\\xA9\\n"
    """
    out = []
    for byte in text.encode("utf-8", "surrogatepass"):
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\t":
            out.append("\\n" if char == "\n" else "\\t")
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\x{byte:02X}")
    return '"' + "".join(out) + '"'


def without_main(code: str) -> str:
    """`code` without its top-level `main` (a model's try-out), which would clash with the
    driver's; the lines it took stay, empty, so the compiler's line numbers hold. Code that
    tree-sitter cannot read is left as it is."""
    from .entry import first, kids, parse, text

    root = parse(code, "d")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    cuts = []
    for node in kids(root):
        for decl in kids(node) if node.type == "module_def" else [node]:
            if decl.type == "function_declaration" and text(first(decl, "identifier")) == "main":
                cuts.append((decl.start_byte, decl.end_byte))
    for start, end in sorted(cuts, reverse=True):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode()


LANGUAGE = Language(
    name="d",
    compile_s=0.67,
    start_s=0.003,
    display="D",
    aliases=("dlang", "ldc", "dmd"),
    source_file="main.d",
    compile=("ldc2", "-O", "-of=main", "{src}"),
    run=("./main",),
    tools=("ldc2",),
    debian_packages=("ldc",),
    grammar="d",
    fence_tags=("D",),
    oom_markers=("OutOfMemoryError",),
    conventions=(
        "D (LDC 1.30, D 2.100): `void main()`; read with readln or stdin.byLine and "
        "std.conv.to, write with writeln/writefln. Phobos only."
    ),
    example=(
        "import std.stdio, std.string, std.conv, std.array;\n\nvoid main() {\n"
        "    auto p = readln.split.to!(long[]);\n    writeln(p[0] + p[1]);\n}\n"
    ),
    functions=DFunctions(),
)
