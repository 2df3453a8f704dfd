"""Nim, compiled through C (gcc) in release mode; its cache goes to the sandbox's /tmp.

Function problems (`NimFunctions`): a top-level `proc` with its `##` doc comment as the
first lines of its body, Nim's own style: int is `int` (64 bits here), float `float`
(64 bits), bool `bool`, str `string` (UTF-8 bytes), list `seq[T]`, tuple an anonymous
tuple `(A, B)` (a named `tuple[word: string, ...]` converts to it), dict `Table[K, V]`
(std/tables), Optional `Option[T]` (std/options); None as a return type is no return
type. Nim compares names style-insensitively, so the candidate may call `running_max`
`runningMax`. Release mode keeps bounds and overflow checks and assertions: their
defects are a call's `error`, as exceptions are.

The candidate's top-level statements other than declarations (a model's `echo f(...)`,
`doAssert`, a `when isMainModule:` block) are cut with tree-sitter: they would run at
module initialisation. unsupported(): None as a parameter or inside a container, dict
keys other than int and str, an entry point that is not a valid Nim name as written (a
keyword, `_x`, `x_`, `a__b`). An int test value outside `int` is a ValueError (the counted
"cannot write a test value" reason).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .base import Language
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver's Nim text (see there for how it keeps the candidate away from the token
# and the serialisation): @IMPORTS@ and @WRITERS@ before the candidate, @CALLS@ after.
DRIVER = "nim_driver.nim"  # in drivers/, read by driver_template at first use

KEYWORDS = frozenset(
    "addr and as asm bind block break case cast concept const continue converter defer "
    "discard distinct div do elif else end enum except export finally for from func if "
    "import in include interface is isnot iterator let macro method mixin mod nil not "
    "notin object of or out proc ptr raise ref return shl shr static template try tuple "
    "type using var when while xor yield result".split()
)
_INT = 2**63
# Top-level declarations a definition needs; every other statement (echo, doAssert, a
# call of the model's `main`, a loop) is a try-out and goes.
_KEPT = frozenset(
    "comment documentation_comment block_documentation_comment import_statement "
    "import_from_statement include_statement export_statement type_section const_section "
    "let_section var_section using_section proc_declaration func_declaration "
    "iterator_declaration template_declaration macro_declaration method_declaration "
    "converter_declaration pragma_statement when".split()
)


class NimFunctions(FunctionSupport):
    """`int`, `float`, `string`, `seq[T]`, anonymous tuples `(A, B)`, `Table[K, V]` and
    `Option[T]`, under a `##` doc comment."""

    conventions = (
        "Nim 1.6 (release mode): write the proc the header declares, with the header's "
        "types (Table is in std/tables, Option in std/options), plus any helpers and imports "
        "it needs; no top-level code that runs. Standard library only."
    )
    scalar_types = {"int": "int", "float": "float", "bool": "bool", "str": "string",
                    "None": "void"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"seq[{item}]"

    def tuple_type(self, items: list[str]) -> str:
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"Table[{key}, {value}]"

    def optional_type(self, inner: str) -> str:
        return f"Option[{inner}]"

    def none_literal(self, t: Type) -> str:
        if t.name != "optional":
            raise ValueError("Nim has no value of type None (void)")
        return f"none({self.type_name(t.args[0])})"

    def int_literal(self, value: int) -> str:
        if not -_INT <= value < _INT:
            raise ValueError(f"{value} does not fit a Nim int (64 bits)")
        if value == -_INT:
            return "low(int)"
        return str(value) if -(2**31) <= value < 2**31 else f"int({value})"  # else an int64

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        return repr(value)  # shortest round-trip digits; Nim reads 1e-05 and 1e+16 too

    def str_literal(self, value: str) -> str:
        return nim_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        if not items:  # `@[]` has no element type of its own
            return f"newSeq[{self.type_name(t.args[0])}]()"
        return f"@[{', '.join(items)}]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        if not pairs:
            return f"initTable[{self.type_name(t.args[0])}, {self.type_name(t.args[1])}]()"
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}.toTable"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"some({inner})"

    def header(self, sig: Signature, doc: str) -> str:
        imports = _imports(sig)
        params = ", ".join(
            f"{name}: {self.type_name(t)}"
            for name, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        returns = "" if sig.returns.name == "None" else f": {self.type_name(sig.returns)}"
        comment = "".join(f"  ## {line}".rstrip() + "\n" for line in doc.strip().splitlines())
        head = f"{imports}\n" if imports else ""
        return f"{head}proc {sig.name}({params}){returns} =\n{comment}"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        writers: dict[str, str] = {}
        self._writer(sig.returns, writers)
        cases = []
        for i, args in enumerate(calls):
            lines = [
                f"    var psftArg{j}: {self.type_name(t)} = {self.literal(value, t)}\n"
                for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True))
            ]
            call = f"{sig.name}({', '.join(f'psftArg{j}' for j in range(len(sig.params)))})"
            if sig.returns.name == "None":  # a value it returns anyway is dropped
                lines.append(
                    f"    when typeof({call}) is void: {call}\n    else: discard {call}\n"
                    '    psftBuf.add "null"\n'
                )
            else:
                lines.append(f"    let psftResult: {self.type_name(sig.returns)} = {call}\n")
                lines.append(f"    {_writer_name(sig.returns)}(psftBuf, psftResult)\n")
            cases.append(f"  of {i}:\n{''.join(lines)}")
        generated = (
            f"const psftCalls = {len(calls)}\n\n"
            "proc psftCall(psftIndex: int, psftBuf: var string) =\n  case psftIndex\n"
            + "".join(cases)
            + "  else: discard\n"
        )
        # Split at the candidate's place: nothing in its code or the test values is read
        # as a placeholder.
        head, tail = driver_template(DRIVER).split("@CANDIDATE@\n")
        head = head.replace("@IMPORTS@", _imports(sig))
        head = head.replace("@WRITERS@", "".join(writers.values()))
        candidate = without_top_level_code(code).rstrip("\n") + "\n"
        return head + candidate + tail.replace("@CALLS@", generated)

    def _writer(self, t: Type, out: dict[str, str]) -> None:
        """`psftW<Type>(buf, value)` for `t` and its parts, innermost first: defined before
        the candidate's code, so nothing it declares is seen from them."""
        for a in t.args:
            self._writer(a, out)
        name = _writer_name(t)
        if not t.args or name in out:
            return
        head = f"proc {name}(buf: var string, v: {self.type_name(t)}) =\n"
        parts = [_writer_name(a) for a in t.args]
        if t.name == "optional":
            body = f'  if v.isNone: buf.add "null"\n  else: {parts[0]}(buf, v.get)\n'
        elif t.name == "tuple":
            body = "  buf.add '['\n" + '  buf.add ", "\n'.join(
                f"  {p}(buf, v[{i}])\n" for i, p in enumerate(parts)
            ) + "  buf.add ']'\n"  # fmt: skip
        elif t.name == "list":
            body = (
                "  buf.add '['\n  for i in 0 ..< v.len:\n"
                '    if i > 0: buf.add ", "\n'
                f"    {parts[0]}(buf, v[i])\n  buf.add ']'\n"
            )
        else:
            body = (
                "  buf.add '{'\n  var first = true\n  for key, item in v.pairs:\n"
                '    if not first: buf.add ", "\n    first = false\n'
                '    psftKey(buf, key)\n    buf.add ": "\n'
                f"    {parts[1]}(buf, item)\n  buf.add '}}'\n"
            )
        out[name] = head + body + "\n"

    def unsupported(self, sig: Signature) -> str | None:
        if not _valid_name(sig.name) or _normal(sig.name) in _NORMAL_KEYWORDS:
            return f"{sig.name} is not a Nim proc name as written (a keyword, or _ misplaced)"
        for name, t in sig.params:
            if t.name == "None":
                return f"parameter {name} has type None (void)"
        for t in types_in(sig):
            if any(a.name == "None" for a in t.args):
                return f"None inside {t} (no Nim value of type void)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have one JSON form)"
        return None


_SCALAR_WRITERS = {"int": "psftInt", "float": "psftFloat", "bool": "psftBool", "str": "psftStr"}


def _writer_name(t: Type) -> str:
    """psftInt ... for scalars, psftW_<mangled> for composites (a prefix code: every
    constructor has a fixed arity, a tuple its length)."""
    return _SCALAR_WRITERS.get(t.name) or "psftW" + _mangle(t)


def _mangle(t: Type) -> str:
    if not t.args:
        return t.name.capitalize()
    head = {"optional": "Opt", "tuple": f"Tuple{len(t.args)}"}.get(t.name, t.name.capitalize())
    return head + "".join(_mangle(a) for a in t.args)


def _imports(sig: Signature) -> str:
    used = {t.name for t in types_in(sig)}
    modules = [m for m, kind in (("options", "optional"), ("tables", "dict")) if kind in used]
    return f"import std/[{', '.join(modules)}]\n" if modules else ""


def _valid_name(name: str) -> bool:
    """A Nim identifier: a letter first, no `_` at the end or twice in a row."""
    return bool(re.fullmatch(r"[A-Za-z](_?[A-Za-z0-9])*", name))


def _normal(name: str) -> str:
    """How Nim compares names: the first character as is, the rest without `_` and case."""
    return name[:1] + name[1:].replace("_", "").lower()


_NORMAL_KEYWORDS = frozenset(_normal(k) for k in KEYWORDS)


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as Nim identifiers, distinct as Nim compares them (`min_len`
    and `minLen` are one name there): underscores tidied, a keyword or a repeat numbered.
    The driver passes arguments by position, so the candidate may name them as it likes."""
    names: list[str] = []
    for name, _ in sig.params:
        name = "_".join(p for p in name.split("_") if p) or "arg"
        name = name if name[0].isalpha() else "arg" + name
        base, n = name, 1
        while _normal(name) in _NORMAL_KEYWORDS or _normal(name) in map(_normal, names):
            n += 1
            name = f"{base}{n}"
        names.append(name)
    return names


def nim_string(text: str) -> str:
    """`text` as a Nim string literal: printable ASCII as itself (a plain literal does not
    interpolate `$` or `{}`), every other byte of its UTF-8 as a two-digit `\\x` escape.

    >>> print(nim_string('a"\\\\é\\n'))
    "a\\"\\\\\\xC3\\xA9\\x0A"
    """
    out = []
    for byte in text.encode("utf-8", "surrogatepass"):
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\x{byte:02X}")
    return '"' + "".join(out) + '"'


def without_top_level_code(code: str) -> str:
    """`code` without the top-level statements that would run at module initialisation:
    everything but declarations, imports, pragmas and `when` blocks (a `when isMainModule:`
    block goes too). A dropped statement leaves its newlines (line numbers hold). Code that
    tree-sitter cannot read is left as it is.

    >>> without_top_level_code("proc f(): int = 1\\necho f()\\nlet x = 2\\n")
    'proc f(): int = 1\\n\\nlet x = 2\\n'
    """
    from .entry import kids, parse, text

    root = parse(code, "nim")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    spans = []
    for node in kids(root):
        condition = text(node.child_by_field_name("condition")) if node.type == "when" else ""
        if node.type not in _KEPT or "isMainModule" in condition:
            spans.append((node.start_byte, node.end_byte))
    for start, end in reversed(spans):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode()


LANGUAGE = Language(
    name="nim",
    compile_s=0.59,
    start_s=0.001,
    display="Nim",
    aliases=("nimrod",),
    source_file="main.nim",
    compile=(
        "nim",
        "c",
        "-d:release",
        "--hints:off",
        "--verbosity:0",
        "--nimcache:/tmp/nimcache",
        "-o:main",
        "{src}",
    ),
    run=("./main",),
    tools=("nim", "gcc"),
    debian_packages=("nim", "gcc"),
    grammar="nim",
    fence_tags=("Nim",),
    oom_markers=("out of memory",),
    layout=True,
    conventions=(
        "Nim 1.6: top-level statements; read with stdin.readLine or readAll(stdin), parse "
        "with strutils (parseInt, splitWhitespace); write with echo."
    ),
    example=(
        "import strutils\n\nlet p = stdin.readLine.splitWhitespace\n"
        "echo parseBiggestInt(p[0]) + parseBiggestInt(p[1])\n"
    ),
    functions=NimFunctions(),
)
