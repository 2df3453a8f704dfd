"""C# function problems: how the signature's types are written in C#, and the test driver.

A candidate writes a `public static` method in a class, as MultiPL-E's C# prompts have it
(`class Problem`, the method's name in PascalCase as .NET names methods: `RunningMax`; the
signature's own spelling, `running_max`, is taken too, and so is any class, a namespace
around it, an instance method, or a method written bare at the top level, which the
driver wraps in `class Problem`). int is `long`, float `double`, bool `bool`, str
`string`, list[T] `List<T>`, dict[K, V] `Dictionary<K, V>`, a tuple a value tuple
`(string, long)` (`ValueTuple<T>` for one item), Optional[T] `T?` for a value type
(`long?`, `(string, long)?`) and the type itself, null for None, for a reference type
(`string`, `List<long>`). None as a return type is `void`.

unsupported(): None as a parameter or inside a container (C# has no unit value), dict keys
other than int and str, tuples of more than 7 items (mcs's limit), an entry point whose
PascalCase name is empty or `Main`. A test value C# cannot write (an int beyond `long`) is
a ValueError: the problem's counted reason.

The candidate's `static Main` methods, top-level statements (a model's try-out), test
classes (`[TestFixture]`, `[TestClass]`) and test-framework usings go (tree-sitter; their
lines are left blank, so mcs's line numbers hold); usings, types and helpers stay. Code
that does not parse cleanly is left as it is (mcs says what is wrong).
"""

from __future__ import annotations

import math
from typing import Any

from .entry import kids, parse, qualified, text
from .functions import FunctionSupport, driver_template, types_in
from .types import NONE, Signature, Type

# The test driver (see functions.py for the protocol), a class of its own after the
# candidate's code: its C# text lives beside this module as real C# (drivers/
# csharp_driver.cs). Main reads the token and opens fd 1 as its own stream before any
# candidate type is initialised; each call builds its arguments afresh and catches an
# exception as that test's error; the result, of the signature's static type, is written
# by writers generated from that type (a List's or Dictionary's own enumerator, never the
# value's ToString, Equals or GetHashCode); a method of another return type does not
# compile.
DRIVER = "csharp_driver.cs"  # in drivers/, read by driver_template at first use

KEYWORDS = frozenset(
    "abstract as base bool break byte case catch char checked class const continue decimal "
    "default delegate do double else enum event explicit extern false finally fixed float "
    "for foreach goto if implicit in int interface internal is lock long namespace new null "
    "object operator out override params private protected public readonly ref return "
    "sbyte sealed short sizeof stackalloc static string struct switch this throw true try "
    "typeof uint ulong unchecked unsafe ushort using virtual void volatile while".split()
)
MAX_TUPLE = 7
CLASS = "Problem"  # the class of the header, and of a bare method
_LONG = 2**63
_VALUE_TYPES = ("long", "double", "bool")
_GENERIC = "global::System.Collections.Generic."
_TEST_ATTRIBUTES = frozenset({"TestFixture", "TestClass", "TestFixtureAttribute"})
_TEST_USINGS = ("NUnit", "Xunit", "Microsoft.VisualStudio.TestTools")
_NO_INLINING = (
    "[global::System.Runtime.CompilerServices.MethodImpl("
    "global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]"
)


class CSharpFunctions(FunctionSupport):
    conventions = (
        "C# 7 as Mono's mcs compiles it (no records, switch expressions, top-level "
        "statements or other C# 8+ features), standard library only."
    )
    scalar_types = {"int": "long", "float": "double", "bool": "bool", "str": "string"}

    def list_type(self, item: str) -> str:
        return f"List<{item}>"

    def tuple_type(self, items: list[str]) -> str:
        return f"ValueTuple<{items[0]}>" if len(items) == 1 else f"({', '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"Dictionary<{key}, {value}>"

    def optional_type(self, inner: str) -> str:
        return inner + "?" if _is_value_type(inner) else inner  # a reference type: null

    # Literals are the driver's, in a class after the candidate's code: every type named
    # from global:: (the candidate may have no `using System.Collections.Generic`).
    def none_literal(self, t: Type) -> str:
        return f"({full_type(t)})null"

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} does not fit C#'s long")
        return "long.MinValue" if value == -_LONG else f"{value}L"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "double.NaN"
        if math.isinf(value):
            return "double.PositiveInfinity" if value > 0 else "double.NegativeInfinity"
        return repr(value)  # -0.0 stays negative in C#

    def str_literal(self, value: str) -> str:
        return csharp_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"new {full_type(t)} {{ {', '.join(items)} }}"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"new {full_type(t)}({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        entries = ", ".join(f"{{ {k}, {v} }}" for k, v in pairs)
        return f"new {full_type(t)} {{ {entries} }}"

    def header(self, sig: Signature, doc: str) -> str:
        lines = [_xml(line) for line in doc.strip().splitlines()]
        body = "".join(f"    /// {line}".rstrip() + "\n" for line in lines)
        summary = f"    /// <summary>\n{body}    /// </summary>\n"
        remarks = "".join(f"    /// <remarks>{_xml(n)}</remarks>\n" for n in _notes(sig))
        return (
            "using System;\nusing System.Collections.Generic;\n\n"
            f"class {CLASS} {{\n{summary}{remarks}    public static {self._signature(sig)} {{\n"
        )

    def _signature(self, sig: Signature) -> str:
        params = ", ".join(
            f"{self.type_name(t)} {n}"
            for n, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        returns = "void" if sig.returns == NONE else self.type_name(sig.returns)
        return f"{returns} {pascal(sig.name)}({params})"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        code, target = prepare(code, sig.name)
        writers: dict[str, tuple[str, str]] = {}
        result = self._writer(sig.returns, writers) if sig.returns != NONE else ""
        methods = []
        for i, args in enumerate(calls):
            values = [self.literal(v, t) for v, (_, t) in zip(args, sig.params, strict=True)]
            call = f"{target}({', '.join(values)})"
            if result:
                body = f"        {result}(o, {call});\n"
            else:
                body = f'        {call};\n        o.Append("null");\n'
            methods.append(
                f"    {_NO_INLINING}\n    static string Call{i}()\n    {{\n"
                "        var o = new global::System.Text.StringBuilder();\n"
                f"{body}        return o.ToString();\n    }}\n\n"
            )
        cases = "".join(f"            case {i}: return Call{i}();\n" for i in range(len(calls)))
        generated = (
            f"const int Count = {len(calls)};\n\n    {_NO_INLINING}\n"
            "    static string Call(int index)\n    {\n        switch (index)\n        {\n"
            f"{cases}            default: throw new global::System.InvalidOperationException();\n"
            "        }\n    }\n\n"
            + "".join(methods)
            + "".join(body for _, body in writers.values())
        )
        program = driver_template(DRIVER).replace("// @CALLS@\n", generated)
        return code.rstrip() + "\n\n" + program

    def _writer(self, t: Type, writers: dict[str, tuple[str, str]]) -> str:
        """The name of the method that writes `t`'s value as canonical JSON."""
        scalar = {"int": "WriteLong", "float": "WriteDouble", "bool": "WriteBool",
                  "str": "WriteString"}  # fmt: skip
        if t.name in scalar:
            return scalar[t.name]
        cs = full_type(t)
        if str(t) in writers:  # by the signature's type: Optional[list] is a List too
            return writers[str(t)][0]
        name = f"W{len(writers)}"
        writers[str(t)] = (name, "")  # reserved: the parts' writers come after
        null = f'        if (v == null) throw Bad("null where the signature has {t}");\n'
        if t.name == "list":
            item = self._writer(t.args[0], writers)
            body = (
                f"{null}        o.Append('[');\n        bool first = true;\n"
                "        foreach (var item in v)\n        {\n"
                "            if (!first) o.Append(',');\n            first = false;\n"
                f"            {item}(o, item);\n        }}\n        o.Append(']');\n"
            )
        elif t.name == "dict":
            key = "WriteLongKey" if t.args[0].name == "int" else "WriteString"
            item = self._writer(t.args[1], writers)
            body = (
                f"{null}        var seen = new {_GENERIC}HashSet<string>();\n"
                "        o.Append('{');\n        bool first = true;\n"
                "        foreach (var pair in v)\n        {\n"
                "            if (!first) o.Append(',');\n            first = false;\n"
                f"            int at = o.Length;\n            {key}(o, pair.Key);\n"
                "            CheckKey(seen, o.ToString(at, o.Length - at));\n"
                f"            o.Append(':');\n            {item}(o, pair.Value);\n        }}\n"
                "        o.Append('}');\n"
            )
        elif t.name == "optional":
            inner = self._writer(t.args[0], writers)
            value = "v.Value" if _is_value_type(full_type(t.args[0])) else "v"
            body = f'        if (v == null) o.Append("null");\n        else {inner}(o, {value});\n'
        elif t.name == "tuple":
            parts = [self._writer(a, writers) for a in t.args]
            writes = "        o.Append(',');\n".join(
                f"        {w}(o, v.Item{i + 1});\n" for i, w in enumerate(parts)
            )
            body = f"        o.Append('[');\n{writes}        o.Append(']');\n"
        else:
            raise ValueError(f"no C# writer for {t}")
        writers[str(t)] = (
            name,
            f"    static void {name}(global::System.Text.StringBuilder o, {cs} v)\n"
            f"    {{\n{body}    }}\n\n",
        )
        return name

    def unsupported(self, sig: Signature) -> str | None:
        if pascal(sig.name) in ("", "Main"):
            return f"{sig.name} cannot name a C# method beside the test driver's Main"
        for name, t in sig.params:
            if t == NONE:
                return f"parameter {name} has type None (C# has no unit value)"
        for t in types_in(sig):
            if any(a == NONE for a in t.args):
                return f"None inside {t} (C# has no unit value)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return f"dict keys of type {t.args[0]} (only int and str keys have a JSON form)"
            if t.name == "tuple" and len(t.args) > MAX_TUPLE:
                return f"tuples of more than {MAX_TUPLE} items (mcs's limit)"
        return None


def _notes(sig: Signature) -> list[str]:
    """What the header's doc says about the signature's kinds: mcs's gaps in C# 7 tuples
    among them (a model writes modern C#)."""
    notes = ["A None is null."] if _has(sig, "optional") else []
    if _has(sig, "tuple"):
        notes.append(
            "Tuples are value tuples; mcs takes `var t = (a, b);` but not a local declared "
            "`(string, long) t` or `foreach (var (a, b) in ...)`, and a tuple literal "
            "returned as a `(...)?` needs its items' exact types: `(word, (long)i)`."
        )
    return notes


def _has(sig: Signature, kind: str) -> bool:
    return any(t.name == kind for t in types_in(sig))


def _is_value_type(cs: str) -> bool:
    """Whether the C# type `cs` is a struct (Nullable takes it): a scalar or a tuple."""
    bare = cs.removeprefix("global::System.")
    return bare in _VALUE_TYPES or bare.startswith(("(", "ValueTuple<")) or cs.endswith("?")


def full_type(t: Type) -> str:
    """`t` as the driver writes it: generic collections qualified from `global::`."""
    if t.name in CSharpFunctions.scalar_types:
        return CSharpFunctions.scalar_types[t.name]
    parts = [full_type(a) for a in t.args]
    if t.name == "list":
        return f"{_GENERIC}List<{parts[0]}>"
    if t.name == "dict":
        return f"{_GENERIC}Dictionary<{parts[0]}, {parts[1]}>"
    if t.name == "tuple":
        return f"global::System.ValueTuple<{', '.join(parts)}>"
    if t.name == "optional":
        return parts[0] + "?" if _is_value_type(parts[0]) else parts[0]
    raise ValueError(f"no C# type for {t}")


def pascal(name: str) -> str:
    """The .NET spelling of a Python function name: `running_max` -> `RunningMax`."""
    return "".join(w[:1].upper() + w[1:] for w in name.split("_") if w)


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as C# identifiers: a keyword gets C#'s own `@` (`@string`)."""
    return ["@" + name if name in KEYWORDS else name for name, _ in sig.params]


def _xml(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def csharp_string(value: str) -> str:
    """`value` as a C# string literal: printable ASCII as itself, every other UTF-16 unit
    as a `\\u` escape (a lone surrogate too: C# strings are UTF-16).

    >>> print(csharp_string('say "hi"\\n\\\\ é {0}'))
    "say \\"hi\\"\\n\\\\ \\u00e9 {0}"
    """
    out = ['"']
    units = value.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(units), 2):
        code = units[i] | units[i + 1] << 8
        ch = chr(code)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out) + '"'


def prepare(code: str, entry: str) -> tuple[str, str]:
    """(`code` ready to sit before the driver; the expression that names the method to
    call). Cut: every static `Main`, top-level statements other than methods, test classes
    and test-framework usings, their lines left blank; methods written at the top level
    are wrapped in `class Problem`. The method is the first whose name is the PascalCase
    or the signature's spelling (made `internal` where it is private, for the driver to
    call); where none is found, the PascalCase name (mcs says it does not exist)."""
    names = (pascal(entry), entry)
    root = parse(code, "csharp")
    if root is None or root.has_error:
        return code, f"{CLASS}.{pascal(entry)}"
    cuts: list[Any] = []
    bare: list[Any] = []
    for node in kids(root):
        if node.type == "using_directive":
            if text(node).removeprefix("using").strip().startswith(_TEST_USINGS):
                cuts.append(node)
        elif node.type == "global_statement":
            inner = next(kids(node), None)
            method = inner is not None and inner.type == "local_function_statement"
            main = method and text(inner.child_by_field_name("name")) == "Main"
            (bare if method and not main else cuts).append(node)
    found = _find(root, "", names, cuts)
    for node in bare:
        method = next(kids(node))
        if found is None and text(method.child_by_field_name("name")) in names:
            found = (f"global::{CLASS}", method)
    # (start, end, order among edits at one place, new bytes)
    edits = [(n.start_byte, n.end_byte, 0, b"\n" * text(n).count("\n")) for n in cuts]
    if bare:
        edits += [(bare[0].start_byte, bare[0].start_byte, 0, f"class {CLASS} {{ ".encode()),
                  (bare[-1].end_byte, bare[-1].end_byte, 0, b" }")]  # fmt: skip
    target = pascal(entry)
    if found is not None:
        owner, method = found
        edits += _accessible(method)
        static = "static" in {text(m) for m in kids(method, "modifier")}
        name = text(method.child_by_field_name("name"))
        target = f"{owner}.{name}" if static else f"new {owner}().{name}"
    raw = code.encode()
    for start, end, _, new in sorted(edits, reverse=True):
        raw = raw[:start] + new + raw[end:]
    return raw.decode(), target


def _accessible(method: Any) -> list[tuple[int, int, int, bytes]]:
    """The edits that make `method` internal where it is private or protected (the
    default in a class): the driver's class must be able to call it."""
    mods = list(kids(method, "modifier"))
    access = [m for m in mods if text(m) in ("public", "internal", "private", "protected")]
    if any(text(m) in ("public", "internal") for m in access):
        return []
    if access:
        first, *rest = access
        return [(first.start_byte, first.end_byte, 1, b"internal")] + [
            (m.start_byte, m.end_byte, 1, b"") for m in rest
        ]
    head = next(c for c in kids(method) if c.type not in ("attribute_list", "modifier"))
    at = mods[0].start_byte if mods else head.start_byte
    return [(at, at, 1, b"internal ")]


_SCOPES = ("namespace_declaration", "declaration_list")
_TYPES = ("class_declaration", "struct_declaration")


def _find(node: Any, scope: str, names: tuple[str, str], cuts: list[Any]) -> Any:
    """Walk the types under `node`: cut each static Main and each test class, and return
    (the qualified owner, the method) of the first method named one of `names`."""
    found = None
    for child in kids(node):
        if child.type in _SCOPES:
            name = text(child.child_by_field_name("name"))
            inner = _find(child, qualified(scope, name) if name else scope, names, cuts)
            found = found or inner
        elif child.type in _TYPES:
            attributes = {
                text(a.child_by_field_name("name")) or text(next(kids(a), None))
                for group in kids(child, "attribute_list")
                for a in kids(group, "attribute")
            }
            if attributes & _TEST_ATTRIBUTES:
                cuts.append(child)
                continue
            name = qualified(scope, text(child.child_by_field_name("name")))
            body = child.child_by_field_name("body")
            if body is None:
                continue
            for method in kids(body, "method_declaration"):
                mods = {text(m) for m in kids(method, "modifier")}
                method_name = text(method.child_by_field_name("name"))
                if method_name == "Main" and "static" in mods:
                    cuts.append(method)
                elif found is None and method_name in names:
                    found = (f"global::{name}", method)
            inner = _find(body, name, names, cuts)
            found = found or inner
    return found
