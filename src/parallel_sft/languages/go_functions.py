"""Go function problems: how the signature's types are written in Go, and the test driver.

A candidate writes a plain function of the signature's name (MultiPL-E keeps the Python
name, `func running_max(numbers []int) []int`; a camelCase or PascalCase spelling of it is
taken too, as Go programmers write names). int is `int` (64 bits here), float `float64`,
bool `bool`, str `string`, list[T] `[]T`, dict[K, V] `map[K]V`, Optional[T] a pointer `*T`
(nil for None), a tuple a generic struct of the driver's, `Tuple2[A, B]` with fields `F0`,
`F1` (`Tuple3`...: Go has no tuple type, and a struct of named fields is how Go returns
several values that travel together). None as a return type is a function without one.

unsupported(): None as a parameter or inside a container (Go has no unit value), dict keys
other than int and str, an entry point that is a Go keyword, a predeclared name, `main`,
`init` or `_`. A test value Go cannot write (an int beyond 64 bits, a lone surrogate in a
string) is a ValueError: the problem's counted reason.

The candidate's code is cut up with tree-sitter: its package clause goes (the driver's is
`package main`), its imports move to the top after the driver's (dropping those only its
stripped code used: Go refuses unused imports), and its `main`, `TestXxx`/`BenchmarkXxx`/
`ExampleXxx` functions and its own declarations of the tuple types go. `//line` directives
keep the compiler's messages on the candidate's own line numbers (`solution.go:12`).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .entry import kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import NONE, Signature, Type

# The test driver (see functions.py for the protocol), in one file with the candidate's
# code: its Go text lives beside this module as real Go (drivers/go_driver.go). It reads
# the token in the program's first package-level variable (Go initialises those in
# declaration order, before any init function, and the candidate's come after), opens its
# own *os.File on fd 1, runs each call under a recover (a panic is that test's error),
# builds every call's arguments afresh from literals, and writes each result with writers
# generated from the signature's return type: the value's own String or Error methods are
# never called, and a return type other than the signature's does not compile.
DRIVER = "go_driver.go"  # in drivers/, read by driver_template at first use

KEYWORDS = frozenset(
    "break case chan const continue default defer else fallthrough for func go goto if "
    "import interface map package range return select struct switch type var".split()
)
# The universe block: a parameter of one of these names would hide it from the body, a
# function of one of these names from the driver too.
PREDECLARED = frozenset(
    "any append bool byte cap close comparable complex complex64 complex128 copy delete "
    "error false float32 float64 imag int int8 int16 int32 int64 iota len make new nil "
    "panic print println real recover rune string true uint uint8 uint16 uint32 uint64 "
    "uintptr".split()
)
_TEST_FUNC = re.compile(r"(Test|Benchmark|Example|Fuzz)([A-Z_0-9]|$)")
_LONG = 2**63


class GoFunctions(FunctionSupport):
    conventions = (
        "Go 1.19, standard library only, in `package main`. Do not use the `min`/`max` "
        "builtins or the `slices`/`maps` packages (Go 1.21+); every import must be used."
    )
    scalar_types = {"int": "int", "float": "float64", "bool": "bool", "str": "string"}

    def list_type(self, item: str) -> str:
        return f"[]{item}"

    def tuple_type(self, items: list[str]) -> str:
        return f"Tuple{len(items)}[{', '.join(items)}]"

    def dict_type(self, key: str, value: str) -> str:
        return f"map[{key}]{value}"

    def optional_type(self, inner: str) -> str:
        return f"*{inner}"

    # Literals: Go's composite literals name their type; psftSome and psftmath are the
    # driver's (a pointer to a fresh copy; the driver's import of "math").
    def none_literal(self, t: Type) -> str:
        return "nil"

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} does not fit Go's int (64 bits)")
        return str(value)

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "psftmath.NaN()"
        if math.isinf(value):
            return f"psftmath.Inf({1 if value > 0 else -1})"
        if value == 0 and math.copysign(1, value) < 0:
            return "psftmath.Copysign(0, -1)"  # Go's constant -0.0 is plain 0
        return repr(value)

    def str_literal(self, value: str) -> str:
        return go_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"{self.type_name(t)}{{{', '.join(items)}}}"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"{self.type_name(t)}{{{', '.join(items)}}}"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return f"{self.type_name(t)}{{{', '.join(f'{k}: {v}' for k, v in pairs)}}}"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"psftSome[{self.type_name(t.args[0])}]({inner})"

    def header(self, sig: Signature, doc: str) -> str:
        lines = doc.strip().splitlines()
        notes = _notes(sig)
        if notes:
            lines += ["", *notes]
        comment = "".join(f"// {line}".rstrip() + "\n" for line in lines)
        return f"package main\n\n{tuple_types(sig)}{comment}{self._func(sig)} {{\n"

    def _func(self, sig: Signature) -> str:
        params = ", ".join(
            f"{n} {self.type_name(t)}"
            for n, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        returns = "" if sig.returns == NONE else " " + self.type_name(sig.returns)
        return f"func {sig.name}({params}){returns}"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        imports, body, defined = prepare(code)
        entry = _entry_name(sig.name, defined)
        writers: dict[str, tuple[str, str]] = {}
        result = self._writer(sig.returns, writers) if sig.returns != NONE else ""
        funcs = []
        for i, args in enumerate(calls):
            values = [self.literal(v, t) for v, (_, t) in zip(args, sig.params, strict=True)]
            call = f"{entry}({', '.join(values)})"
            ret = f"return {result}(nil, {call})" if result else f'{call}\n\treturn []byte("null")'
            funcs.append(f"func psftCall{i}() []byte {{\n\t{ret}\n}}\n")
        table = ", ".join(f"psftCall{i}" for i in range(len(calls)))
        generated = (
            tuple_types(sig, driver=True)
            + "".join(body for _, body in writers.values())
            + "".join(funcs)
            + f"var psftCalls = []func() []byte{{{table}}}\n"
        )
        return (
            driver_template(DRIVER)
            .replace("//@IMPORTS@\n", imports + "//line psft_driver.go:1\n")
            .replace("//@CALLS@\n", generated)
            .replace("//@CANDIDATE@\n", "//line solution.go:1\n" + body)
        )

    def _writer(self, t: Type, writers: dict[str, tuple[str, str]]) -> str:
        """The name of the function that appends `t`'s value as canonical JSON."""
        scalar = {"int": "psftInt", "float": "psftFloat", "bool": "psftBool", "str": "psftString"}
        if t.name in scalar:
            return scalar[t.name]
        go = self.type_name(t)
        if go in writers:
            return writers[go][0]
        name = f"psftW{len(writers)}"
        writers[go] = (name, "")  # reserved: the parts' writers come after
        if t.name == "list":
            item = self._writer(t.args[0], writers)
            body = (
                "\tb = append(b, '[')\n\tfor i, x := range v {\n"
                "\t\tif i > 0 {\n\t\t\tb = append(b, ',')\n\t\t}\n"
                f"\t\tb = {item}(b, x)\n\t}}\n\treturn append(b, ']')\n"
            )
        elif t.name == "dict":
            key = "psftIntKey" if t.args[0].name == "int" else "psftString"
            item = self._writer(t.args[1], writers)
            body = (
                "\tb = append(b, '{')\n\tfirst := true\n\tfor k, x := range v {\n"
                "\t\tif !first {\n\t\t\tb = append(b, ',')\n\t\t}\n\t\tfirst = false\n"
                f"\t\tb = append({key}(b, k), ':')\n\t\tb = {item}(b, x)\n\t}}\n"
                "\treturn append(b, '}')\n"
            )
        elif t.name == "optional":
            inner = self._writer(t.args[0], writers)
            body = (
                '\tif v == nil {\n\t\treturn append(b, "null"...)\n\t}\n'
                f"\treturn {inner}(b, *v)\n"
            )
        elif t.name == "tuple":
            parts = [self._writer(a, writers) for a in t.args]
            writes = "\tb = append(b, ',')\n".join(
                f"\tb = {w}(b, v.F{i})\n" for i, w in enumerate(parts)
            )
            body = f"\tb = append(b, '[')\n{writes}\treturn append(b, ']')\n"
        else:
            raise ValueError(f"no Go writer for {t}")
        writers[go] = (name, f"func {name}(b []byte, v {go}) []byte {{\n{body}}}\n")
        return name

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in KEYWORDS or sig.name in PREDECLARED or sig.name in ("main", "init", "_"):
            return f"{sig.name} cannot name a Go function of a program"
        for name, t in sig.params:
            if t == NONE:
                return f"parameter {name} has type None (Go has no unit value)"
        for t in types_in(sig):
            if any(a == NONE for a in t.args):
                return f"None inside {t} (Go has no unit value)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have a JSON form)"
        return None


def _notes(sig: Signature) -> list[str]:
    """What the header's doc says about the Go spelling of the signature's kinds."""
    kinds = {t.name for t in types_in(sig)}
    notes = []
    if "optional" in kinds:
        notes.append("An Optional value is a pointer: nil for None.")
    return notes


def _arities(sig: Signature) -> list[int]:
    return sorted({len(t.args) for t in types_in(sig) if t.name == "tuple"})


def tuple_types(sig: Signature, *, driver: bool = False) -> str:
    """The generic struct of each tuple arity `sig` uses (the header shows them)."""
    out = []
    for n in _arities(sig):
        params = ", ".join(f"T{i}" for i in range(n))
        fields = "".join(f"\tF{i} T{i}\n" for i in range(n))
        doc = f"// Tuple{n} is a tuple of {n} values (the test driver declares it).\n"
        doc = "" if driver else doc
        out.append(f"{doc}type Tuple{n}[{params} any] struct {{\n{fields}}}\n\n")
    return "".join(out)


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as Go identifiers: a keyword or predeclared name gets a `_`
    (the driver passes arguments by position, so the names are the header's only)."""
    names: list[str] = []
    for name, _ in sig.params:
        while name in KEYWORDS or name in PREDECLARED or name in names:
            name += "_"
        names.append(name)
    return names


def _entry_name(name: str, defined: set[str]) -> str:
    """The candidate's spelling of the entry point: the signature's, else its camelCase
    or PascalCase form where the candidate defines that one."""
    words = [w for w in name.split("_") if w]
    pascal = "".join(w[:1].upper() + w[1:] for w in words)
    camel = pascal[:1].lower() + pascal[1:]
    return next((n for n in (name, camel, pascal) if n in defined), name)


def go_string(value: str) -> str:
    """`value` as a Go interpreted string literal: printable ASCII as itself, the rest as
    escapes (`\\u00e9`, `\\U0001f600`). ValueError for a lone surrogate, which no Go
    string literal can hold.

    >>> print(go_string('say "hi"\\n\\\\ é 😀'))
    "say \\"hi\\"\\n\\\\ \\u00e9 \\U0001f600"
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
            raise ValueError("a lone surrogate in a string (Go strings are UTF-8)")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'


def prepare(code: str) -> tuple[str, str, set[str]]:
    """`code` cut up for the driver: (its imports, one `import` line each with a `//line`
    directive; the rest of its code, with the package clause, the imports, `main`, test
    functions and its own tuple types blanked out line for line; the names of the
    functions it declares). An import only the blanked code used goes too. Code that does
    not parse cleanly keeps all but its package clause and imports (the compiler says
    what is wrong)."""
    root = parse(code, "go")
    if root is None:
        return "", code, set()
    cuts, specs, defined = [], [], set()
    for node in kids(root):
        if node.type == "package_clause":
            cuts.append(node)
        elif node.type == "import_declaration":
            cuts.append(node)
            specs += [s for s in node.children if s.type == "import_spec"]
            for group in kids(node, "import_spec_list"):
                specs += list(kids(group, "import_spec"))
        elif node.type == "function_declaration":
            name = text(node.child_by_field_name("name"))
            if not root.has_error and (name == "main" or _is_test(node, name)):
                cuts.append(node)
            else:
                defined.add(name)
        elif node.type == "type_declaration" and not root.has_error:
            names = {text(s.child_by_field_name("name")) for s in kids(node, "type_spec")}
            if names and all(re.fullmatch(r"Tuple\d+", n) for n in names):
                cuts.append(node)
    kept_nodes = [n for n in kids(root) if n not in cuts]
    used = set().union(*(_names(n) for n in kept_nodes))
    removed = set().union(*(_names(n) for n in cuts if n.type != "import_declaration"))
    imports = []
    for spec in specs:
        name = _import_name(spec)
        if name and name not in used and name in removed:
            continue  # only the stripped main or tests used it
        imports.append(f"//line solution.go:{spec.start_point[0] + 1}\nimport {text(spec)}\n")
    raw = code.encode()
    for node in sorted(cuts, key=lambda n: n.start_byte, reverse=True):
        blank = b"\n" * raw[node.start_byte : node.end_byte].count(b"\n")
        raw = raw[: node.start_byte] + blank + raw[node.end_byte :]
    return "".join(imports), raw.decode(), defined


def _is_test(node: Any, name: str) -> bool:
    """A `go test` function (TestXxx(t *testing.T) and its kin): a model's own tests."""
    params = text(node.child_by_field_name("parameters"))
    return bool(_TEST_FUNC.match(name)) and "testing." in params


def _import_name(spec: Any) -> str:
    """The name an import binds ("" for `_` and `.` imports: those are always kept)."""
    alias = spec.child_by_field_name("name")
    if alias is not None:
        return "" if text(alias) in ("_", ".") else text(alias)
    path = text(spec.child_by_field_name("path")).strip('"`')
    return path.rsplit("/", 1)[-1]


def _names(node: Any) -> set[str]:
    """Every identifier in `node`'s subtree (what a package name is referred to by)."""
    found, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n.type in ("identifier", "package_identifier"):
            found.add(text(n))
        todo.extend(n.children)
    return found
