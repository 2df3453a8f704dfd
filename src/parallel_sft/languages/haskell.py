"""Haskell, compiled with GHC.

Debian keeps GHC's global package database in /var/lib/ghc, outside /usr, so the sandbox
must see it (``sandbox_paths``). Only GHC's boot packages are available.

A program may name its module (`module Foo where`, as contest archives do); GHC then
needs ``-main-is Foo`` to take that module's `main` as the program's.

Function problems (`HaskellFunctions`) take MultiPL-E's shape: a top-level function under a
Haddock comment, with its type signature, named in camelCase (`running_max` is
`runningMax`; a candidate that kept the Python name is called by that name). Python's `int`
is `Int` (64 bits: a test value beyond it cannot be written), `float` `Double` (not
MultiPL-E's `Float`, whose 24 bits fail the 1e-6 comparison), `str` `String`, `None` `()`,
`list` a list, `tuple` a tuple, `dict` an association list `[(k, v)]` (MultiPL-E's; a key
returned twice is an error), `Optional` `Maybe`. Not expressible: 1-tuples (Haskell has
none), dict keys other than int and str, and an entry point that is a keyword or `main`.
The types are the contract: a candidate that declares `Integer` or `Float` where the
signature says `Int` or `Double` does not compile against the driver.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .base import Language
from .entry import EntryPoint, first, kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type


@dataclass(frozen=True)
class Haskell(Language):
    def placeholders(self) -> dict[str, str]:
        return {"main_module": "Main"}

    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        header = first(root, "header") if root is not None else None
        module = text(first(header, "module")) if header is not None else ""
        if not module:
            return super().entry_point(code)
        return EntryPoint(self.source_file, {"main_module": module})


# The test driver (protocol: functions.py), real Haskell in drivers/: its imports are
# spliced in after the candidate's, its declarations (with the generated `psftCalls`)
# appended after the candidate's code; see the template for how it keeps the token and
# the serialisation away from the candidate.
DRIVER = "haskell_driver.hs"  # in drivers/, read by driver_template at first use
_SPLIT = "-- @DECLARATIONS@\n"

KEYWORDS = frozenset(
    "case class data default deriving do else foreign if import in infix infixl infixr "
    "instance let module newtype of then type where _".split()
)
_LONG = 2**63
_DRIVER_PREFIX = "PsftP."  # the driver's qualified Prelude (see the template)


class HaskellFunctions(FunctionSupport):
    """Haskell's spellings of the signature's types and values; `prefix` qualifies the
    Prelude names (the driver's instance writes `PsftP.Int`, `PsftP.Just`, so that nothing
    the candidate imports or defines can change what a test value means)."""

    conventions = (
        "Haskell (GHC 9.0): a top-level function with exactly the header's type signature "
        "(no `module` line, or `module Main`); GHC's boot packages only (base, containers, "
        "array, bytestring, text)."
    )

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    @property
    def scalar_types(self) -> dict[str, str]:  # type: ignore[override]
        q = self.prefix
        return {"int": q + "Int", "float": q + "Double", "bool": q + "Bool",
                "str": q + "String", "None": "()"}  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"[{item}]"

    def tuple_type(self, items: list[str]) -> str:
        return f"({', '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"[({key}, {value})]"

    def optional_type(self, inner: str) -> str:
        return f"{self.prefix}Maybe {_atom(inner)}"

    def none_literal(self, t: Type) -> str:
        return f"{self.prefix}Nothing" if t.name == "optional" else "()"

    def bool_literal(self, value: bool) -> str:
        return self.prefix + ("True" if value else "False")

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} is outside Haskell's Int (64 bits)")
        return f"({value})" if value < 0 else str(value)

    def float_literal(self, value: float) -> str:
        q = self.prefix
        if math.isnan(value):
            return f"(0 {q}/ 0)"
        if math.isinf(value):
            return f"({'-' if value < 0 else ''}1 {q}/ 0)"
        if value == 0 and math.copysign(1.0, value) < 0:
            return f"({q}negate 0.0)"  # not `-0.0`: NegativeLiterals would read it as 0.0
        return f"({value!r})" if value < 0 else repr(value)  # 0.1, 1e-05, 1e+16: all Haskell

    def str_literal(self, value: str) -> str:
        return haskell_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return "[" + ", ".join(items) + "]"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return "(" + ", ".join(items) + ")"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return "[" + ", ".join(f"({k}, {v})" for k, v in pairs) + "]"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"({self.prefix}Just {inner})"

    def header(self, sig: Signature, doc: str) -> str:
        lines = doc.strip().splitlines()
        comment = "".join(
            ("-- | " if i == 0 else "-- ") + line.rstrip() + "\n" for i, line in enumerate(lines)
        ).replace("-- \n", "--\n")
        name = function_name(sig.name)
        types = [self.type_name(t) for _, t in sig.params] + [self.type_name(sig.returns)]
        params = "".join(" " + p for p in param_names(sig))
        return f"{comment}{name} :: {' -> '.join(types)}\n{name}{params} =\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        imports, declarations = driver_template(DRIVER).split(_SPLIT)
        spliced = "; ".join(line for line in imports.splitlines() if line.startswith("import "))
        code, entry = prepare(code, sig, spliced)
        qualified = _QUALIFIED
        write = _writer(sig.returns)
        rows = []
        for args in calls:
            passed = "".join(
                f" ({qualified.literal(v, t)} :: {qualified.type_name(t)})"
                for v, (_, t) in zip(args, sig.params, strict=True)
            )
            rows.append(f'{write} (Main.{entry}{passed}) ""')
        return code.rstrip() + "\n\n" + declarations.replace("@CALLS@", "\n  , ".join(rows))

    def unsupported(self, sig: Signature) -> str | None:
        name = function_name(sig.name)
        if name in KEYWORDS or name == "main" or not name:
            return f"{name or sig.name} cannot name a Haskell function here"
        for t in types_in(sig):
            if t.name == "tuple" and len(t.args) == 1:
                return "a 1-tuple (Haskell has none)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only Int and String keys have a JSON form)"
        return None


_QUALIFIED = HaskellFunctions(prefix=_DRIVER_PREFIX)  # the driver's own spellings


def _atom(type_text: str) -> str:
    """`type_text` as one argument of a type application (`Maybe (Maybe Int)`)."""
    return f"({type_text})" if " " in type_text and type_text[0] not in "[(" else type_text


def _writer(t: Type, depth: int = 0) -> str:
    """The driver's writer for values of `t`, from its combinators (`psftList psftInt`)."""
    scalar = {"int": "psftInt", "float": "psftDouble", "bool": "psftBool",
              "str": "psftString", "None": "psftUnit"}  # fmt: skip
    if t.name in scalar:
        return scalar[t.name]
    if t.name == "list":
        return f"(psftList {_writer(t.args[0], depth + 1)})"
    if t.name == "optional":
        return f"(psftMaybe {_writer(t.args[0], depth + 1)})"
    if t.name == "dict":
        key = "psftKeyInt" if t.args[0].name == "int" else "psftKeyString"
        return f"(psftDict {key} {_writer(t.args[1], depth + 1)})"
    if t.name == "tuple":
        names = [f"psftT{depth}_{i}" for i in range(len(t.args))]
        parts = ", ".join(
            f"{_writer(a, depth + 1)} {n}" for a, n in zip(t.args, names, strict=True)
        )
        return f"(\\({', '.join(names)}) -> psftItems [{parts}])"
    raise ValueError(f"no Haskell writer for {t}")


def function_name(name: str) -> str:
    """The Python name in camelCase, as Haskell names functions (MultiPL-E's too)."""
    parts = name.split("_")
    joined = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return joined[:1].lower() + joined[1:]


def param_names(sig: Signature) -> list[str]:
    """The parameters as Haskell variables: camelCase, a keyword or a repeat primed."""
    names: list[str] = []
    for raw, _ in sig.params:
        name = function_name(raw) or "x"
        while name in KEYWORDS or name in names:
            name += "'"
        names.append(name)
    return names


def haskell_string(value: str) -> str:
    """`value` as a Haskell string literal: printable ASCII as itself, the rest as `\\x`
    escapes (`\\&` after one where a hex digit follows, which would extend it).

    >>> print(haskell_string('say "hi"\\n\\\\ é1'))
    "say \\"hi\\"\\n\\\\ \\xe9\\&1"
    """
    out = ['"']
    numeric = False
    for ch in value:
        if numeric and ch in "0123456789abcdefABCDEF":
            out.append("\\&")
        numeric = False
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):x}")
            numeric = True
    return "".join(out) + '"'


def prepare(code: str, sig: Signature, imports: str) -> tuple[str, str]:
    """`code` ready to sit before the driver's declarations, and the name to call.

    Its `module` line goes (the file is then module Main, as `Main.name` in the driver
    assumes) and so do `main` and its signature (the driver's `main` runs), each leaving
    its newlines; the driver's `imports` (one line, `;`-separated) go right after the
    candidate's last import, or before its first declaration, so line numbers hold; a
    plain `import Prelude` with them unless the candidate imports or disables Prelude.
    Code tree-sitter cannot read gets the imports in front (GHC then says what is wrong).
    """
    camel = function_name(sig.name)
    root = parse(code, "haskell")
    if root is None:
        return "import Prelude; " + imports + "\n" + code, camel
    data = code.encode()
    edits: list[tuple[int, int, bytes]] = []
    header = first(root, "header")
    if header is not None:
        edits.append((header.start_byte, header.end_byte, b"\n" * text(header).count("\n")))
    defined: set[str] = set()
    declarations = first(root, "declarations")
    for decl in kids(declarations) if declarations is not None else ():
        names = {text(v) for v in kids(decl, "variable")}
        if decl.type in ("function", "bind", "signature"):
            defined |= names
        if decl.type in ("function", "bind", "signature") and names == {"main"}:
            edits.append((decl.start_byte, decl.end_byte, b"\n" * text(decl).count("\n")))
    imports_node = first(root, "imports")
    found = list(kids(imports_node, "import")) if imports_node is not None else []
    own_prelude = any(text(first(n, "module")) == "Prelude" for n in found)
    if not own_prelude and "NoImplicitPrelude" not in code:
        imports = "import Prelude; " + imports  # the qualified one would turn it off
    if found:
        edits.append((found[-1].end_byte,) * 2 + (b"; " + imports.encode(),))
    elif declarations is not None:
        edits.append((declarations.start_byte,) * 2 + (imports.encode() + b"; ",))
    else:
        edits.append((len(data), len(data), b"\n" + imports.encode() + b"\n"))
    for start, end, new in sorted(edits, key=lambda e: e[:2], reverse=True):
        data = data[:start] + new + data[end:]
    entry = camel if camel in defined or sig.name not in defined else sig.name
    return data.decode(), entry


LANGUAGE = Haskell(
    name="haskell",
    compile_s=0.14,
    start_s=0.001,
    display="Haskell",
    aliases=("hs", "ghc"),
    source_file="Main.hs",
    compile=("ghc", "-O1", "-v0", "-main-is", "{main_module}", "-o", "main", "{src}"),
    run=("./main",),
    rlimit_as=False,
    tools=("ghc",),
    debian_packages=("ghc",),
    grammar="haskell",
    fence_tags=("Haskell",),
    sandbox_paths=("/var/lib/ghc",),
    layout=True,
    oom_markers=("heap overflow", "out of memory"),
    conventions=(
        "Haskell (GHC 9.0): `main :: IO ()` in module Main; read with getContents, getLine "
        "or Data.ByteString.Char8; only GHC's boot packages (base, containers, array, "
        "bytestring, mtl is NOT available)."
    ),
    example=(
        "main :: IO ()\nmain = do\n  [a, b] <- map read . words <$> getLine :: IO [Integer]\n"
        "  print (a + b)\n"
    ),
    functions=HaskellFunctions(),
)
