"""Kotlin function problems: the signature's types in Kotlin, and the test driver.

The candidate writes a top-level function under a KDoc comment (MultiPL-E's Kotlin
shape), named in Kotlin's camelCase (`running_max` is `runningMax`; a candidate that kept
the Python name is called by that). Python's `int` is `Long`, `float` `Double`, `bool`
`Boolean`, `str` `String`, `list` `List`, `dict` `Map`, a tuple `Pair` or `Triple`,
`Optional[T]` the nullable `T?`, and None, as a return type, `Unit`. A function in an
`object`, a companion object or a class (`class Solution { fun ... }`) is called there;
a parameter it declared as `MutableList`, `ArrayList` or `HashMap` gets the driver's
ArrayList or LinkedHashMap cast to that (any other mismatch is kotlinc's to report).
A model's `main` (top-level, or `@JvmStatic` in an object or companion), top-level
statements and test-library imports are cut; code tree-sitter cannot parse keeps them
(its `main` is never run: the driver's own object is the program's entry point).

unsupported(): tuples other than pairs and triples (Kotlin has no other), None as a
parameter or inside a container, dict keys other than int and str, an entry point that
is a Kotlin keyword or `main`. An int test value outside `Long` is a ValueError.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .entry import first, kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .types import Signature, Type

# The test driver (protocol: functions.py), written after the candidate's code in the one
# file kotlinc builds. Its `main` is in an object of its own (`Psft_Driver`), not in the
# file's facade class, whose static initialiser runs the candidate's top-level property
# initialisers: so the token is read from fd 0, and fd 1 opened, before any candidate code
# runs. Each test's arguments are built afresh in a method of their own; the result is
# serialised by the signature's type with exact classes (Long, Double, Boolean, String,
# Pair, Triple, lists and maps of the JDK or the Kotlin library), through members and Java
# methods only, every name fully qualified: a candidate's class `Pair` or extension
# `String.trim()` in the file's package cannot reach the driver. After `done` the driver
# halts the JVM (no shutdown hook of the candidate's runs). The driver's Kotlin text lives
# beside this module as real Kotlin.
DRIVER = "kotlin_driver.kt"  # in drivers/, read by driver_template at first use
DRIVER_OBJECT = "Psft_Driver"
DRIVER_END = "// psft: end of the Kotlin test driver"  # its last line (see kotlin.entry_point)

KEYWORDS = frozenset(
    "as break class continue do else false for fun if in interface is null object package "
    "return super this throw true try typealias typeof val var when while".split()
)
_LONG = 2**63
# Imports of test libraries a model's own `main` used (not in the Kotlin runtime).
_TEST_IMPORTS = ("kotlin.test", "org.junit", "org.testng", "io.kotest")
# Top-level declarations that stay; anything else at the top (a statement) is test code.
_KEPT = frozenset(
    "package_header import_list file_annotation function_declaration class_declaration "
    "object_declaration property_declaration type_alias line_comment multiline_comment "
    "shebang_line".split()
)


class KotlinFunctions(FunctionSupport):
    """Long, Double, Boolean, String, List<T>, Map<K, V>, Pair/Triple, T? and Unit;
    `qualified` spells every name from its package (`kotlin.collections.List`), as the
    driver's literals do."""

    conventions = (
        "Kotlin 1.3 (JVM), standard library only: no `readln()`, `sumOf`, `Char.code`, "
        "`lowercase()`/`uppercase()` or other API added after 1.3. Write the function as a "
        "top-level `fun` with exactly the header's name and types, and no `main`."
    )

    def __init__(self, qualified: bool = False) -> None:
        k, c = ("kotlin.", "kotlin.collections.") if qualified else ("", "")
        self.scalar_types = {
            "int": k + "Long", "float": k + "Double", "bool": k + "Boolean",
            "str": k + "String", "None": k + "Unit",
        }  # fmt: skip
        self._list, self._map, self._tuple = c + "List", c + "Map", k

    def list_type(self, item: str) -> str:
        return f"{self._list}<{item}>"

    def tuple_type(self, items: list[str]) -> str:
        return f"{self._tuple}{_TUPLES[len(items)]}<{', '.join(items)}>"

    def dict_type(self, key: str, value: str) -> str:
        return f"{self._map}<{key}, {value}>"

    def optional_type(self, inner: str) -> str:
        return inner + "?"

    # Literals are the driver's: qualified names, explicit type arguments (an empty list
    # has no other), ArrayList and LinkedHashMap (a parameter may be MutableList, HashMap).
    def none_literal(self, t: Type) -> str:
        return "null"

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} is outside Kotlin's Long")
        return "kotlin.Long.MIN_VALUE" if value == -_LONG else f"{value}L"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "kotlin.Double.NaN"
        if math.isinf(value):
            return f"kotlin.Double.{'POSITIVE' if value > 0 else 'NEGATIVE'}_INFINITY"
        return repr(value)  # Kotlin reads 1e-05 and 1e+16 as Doubles

    def str_literal(self, value: str) -> str:
        return kotlin_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        item = QUALIFIED.type_name(t.args[0])
        return f"kotlin.collections.arrayListOf<{item}>({', '.join(items)})"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"{QUALIFIED.type_name(t)}({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        kv = ", ".join(QUALIFIED.type_name(a) for a in t.args)
        entries = ", ".join(f"kotlin.Pair<{kv}>({k}, {v})" for k, v in pairs)
        return f"kotlin.collections.linkedMapOf<{kv}>({entries})"

    def header(self, sig: Signature, doc: str) -> str:
        lines = doc.strip().replace("*/", "*&#47;").replace("/*", "/&#42;").splitlines()
        body = "".join(f" * {line}".rstrip() + "\n" for line in lines)
        params = ", ".join(
            f"{name}: {self.type_name(t)}"
            for name, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        returns = "" if sig.returns.name == "None" else f": {self.type_name(sig.returns)}"
        return f"/**\n{body} */\nfun {camel(sig.name)}({params}){returns} {{\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        found = prepare(code, list(dict.fromkeys([camel(sig.name), sig.name])))
        cases = "".join(f"            {i} -> return psftCall{i}()\n" for i in range(len(calls)))
        methods = "".join(self._call(i, args, sig, found) for i, args in enumerate(calls))
        program = (
            driver_template(DRIVER)
            .replace("@RETURNS@", _descriptor(sig.returns))
            .replace("@COUNT@", str(len(calls)))
            .replace("@CASES@", cases)
            .replace("@METHODS@", methods)
        )
        return found.code.rstrip() + "\n\n" + program

    def _call(self, i: int, args: list[Any], sig: Signature, found: Found) -> str:
        passed = []
        declared = found.declared if len(found.declared or ()) == len(sig.params) else None
        for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True)):
            expr = self.literal(value, t)
            if declared and _mutable_spelling(declared[j], self.type_name(t)):
                # As the candidate declared it (MutableList<MutableList<Long>>, HashMap):
                # the driver built ArrayLists and LinkedHashMaps, which are all of those.
                expr = f"({expr} as kotlin.Any?) as {declared[j]}"
            passed.append(expr)
        call = f"{found.target}{found.name}({', '.join(passed)})"
        return f"\n    private fun psftCall{i}(): kotlin.Any? = {call}\n"

    def unsupported(self, sig: Signature) -> str | None:
        name = camel(sig.name)
        if name in KEYWORDS or name == "main" or not name.strip("_"):
            return f"{name} cannot name a Kotlin function here"
        for t in types_in(sig):
            if t.name == "tuple" and len(t.args) not in _TUPLES:
                return f"a tuple of {len(t.args)} (Kotlin has Pair and Triple)"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return "dict keys other than int or str"
            if any(a.name == "None" for a in t.args):
                return "None inside a container (Kotlin has no value for it)"
        if any(t.name == "None" for _, t in sig.params):
            return "a None parameter (Kotlin has no value for it)"
        return None


_TUPLES = {2: "Pair", 3: "Triple"}
QUALIFIED = KotlinFunctions(qualified=True)


def _mutable_spelling(declared: str, header: str) -> bool:
    """Whether `declared` is the header's type with mutable or concrete collections
    (`MutableList`, `ArrayList`, `HashMap`): what the driver's cast to it makes right.
    Any other difference (`List<Int>`) is left to kotlinc to report.

    >>> _mutable_spelling("MutableList<MutableList<Long>>", "List<List<Long>>")
    True
    >>> _mutable_spelling("List<Int>", "List<Long>"), _mutable_spelling("List<Long>", "List<Long>")
    (False, False)
    """
    plain = re.sub(r"\b(?:Mutable|Array|LinkedHash|Hash)(List|Map)\b", r"\1", declared)
    return declared != header and re.sub(r"\s", "", plain) == re.sub(r"\s", "", header)


def _descriptor(t: Type) -> str:
    """`t` for the driver's `psftWrite`: PsftType(kind, parts...)."""
    parts = "".join(", " + _descriptor(a) for a in t.args)
    return f'PsftType("{t.name}"{parts})'


def camel(name: str) -> str:
    """A Python name in Kotlin's (and Scala's) camelCase, its outer underscores kept.

    >>> camel("running_max"), camel("get_HTTP_code"), camel("_private_x_"), camel("f")
    ('runningMax', 'getHTTPCode', '_privateX_', 'f')
    """
    lead, core, trail = re.fullmatch(r"(_*)(.*?)(_*)", name).groups()  # type: ignore[union-attr]
    parts = [p for p in core.split("_") if p]
    if not parts:
        return name
    return lead + parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:]) + trail


def param_names(sig: Signature) -> list[str]:
    """The parameters in camelCase; a Kotlin keyword (`in`, `fun`) or a repeat gets `_`."""
    names: list[str] = []
    for name, _ in sig.params:
        name = camel(name)
        while name in KEYWORDS or name in names or not name.strip("_"):
            name += "_"
        names.append(name)
    return names


def kotlin_string(value: str) -> str:
    """`value` as a Kotlin string literal: printable ASCII as itself (`"`, `\\` and `$`
    escaped: no templates), everything else as a UTF-16 `\\u` escape.

    >>> print(kotlin_string('say "hi" $x ${y}\\n\\\\ é'))
    "say \\"hi\\" \\$x \\${y}\\n\\\\ \\u00e9"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\$':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out) + '"'


@dataclass(frozen=True)
class Found:
    """The candidate's code ready for the driver, and how the driver calls the function:
    `target` + `name` (`""`, `"Solution."` for an object or companion, `"Solution()."`
    for a class), `declared` its parameter types as written (None: not known)."""

    code: str
    name: str
    target: str = ""
    declared: tuple[str, ...] | None = None


def prepare(code: str, names: list[str]) -> Found:
    """Find the function (the first of `names` declared; top level, then objects, then
    classes) and strip what a model writes around it to try it: every `main`, top-level
    statements, test-library imports, declarations named `kotlin` or `java` (they would
    shadow the driver's qualified names). A dropped part leaves its newlines (line
    numbers hold). Code that does not parse cleanly keeps everything; the driver then
    calls the function at the top level (kotlinc says what is wrong)."""
    root = parse(code, "kotlin")
    if root is None:
        return Found(code, names[0])
    name, target, declared = _locate(root, names) or (names[0], "", None)
    if root.has_error:
        return Found(code, name, target, declared)
    cuts = []
    for node in kids(root):
        if node.type == "import_list":
            cuts += [i for i in kids(node, "import_header") if _test_import(i)]
        elif node.type not in _KEPT or _name(node) in ("main", "kotlin", "java", DRIVER_OBJECT):
            cuts.append(node)
        else:
            cuts += [f for body in _bodies(node) for f in _functions(body) if _name(f) == "main"]
    return Found(blank_out(code, [(n.start_byte, _end(n)) for n in cuts]), name, target, declared)


def _locate(root: Any, names: list[str]) -> tuple[str, str, tuple[str, ...] | None] | None:
    """(name, target, declared types) of the first of `names` the code declares."""
    for name in names:
        for node in kids(root, "function_declaration"):
            if _name(node) == name:
                return name, "", _declared(node)
        for node in kids(root, "object_declaration", "class_declaration"):
            for body, target in _owners(node, _name(node)):
                for f in _functions(body):
                    if _name(f) == name:
                        return name, target, _declared(f)
    return None


def _owners(decl: Any, owner: str) -> list[tuple[Any, str]]:
    """(body, how the driver reaches its functions) for an object or a class."""
    body = first(decl, "class_body")
    if body is None:
        return []
    if decl.type == "object_declaration":
        return [(body, owner + ".")]
    return [*((b, owner + ".") for b in _companions(body)), (body, owner + "().")]


def _bodies(decl: Any) -> list[Any]:
    """The bodies where a `main` can live: an object's, a class's companion's."""
    body = first(decl, "class_body")
    if body is None or decl.type not in ("object_declaration", "class_declaration"):
        return []
    return [body] if decl.type == "object_declaration" else _companions(body)


def _companions(body: Any) -> list[Any]:
    return [b for c in kids(body, "companion_object") for b in kids(c, "class_body")]


def _functions(body: Any) -> list[Any]:
    return list(kids(body, "function_declaration"))


def _name(node: Any) -> str:
    if node.type == "function_declaration":
        return text(first(node, "simple_identifier"))
    if node.type in ("class_declaration", "object_declaration"):
        return text(first(node, "type_identifier"))
    return ""


def _declared(function: Any) -> tuple[str, ...] | None:
    """The function's parameter types as written, or None where it is generic."""
    if first(function, "type_parameters") is not None:
        return None
    params = first(function, "function_value_parameters")
    found = []
    for param in kids(params, "parameter") if params is not None else ():
        types = [c for c in kids(param) if c.type.endswith("_type")]
        if not types:
            return None
        found.append(text(types[0]))
    return tuple(found)


def _test_import(node: Any) -> bool:
    name = text(first(node, "identifier"))
    return any(name == lib or name.startswith(lib + ".") for lib in _TEST_IMPORTS)


def blank_out(code: str, spans: list[tuple[int, int]]) -> str:
    """`code` without the byte `spans`, each left as its newlines (line numbers hold).

    >>> blank_out("keep\\ndrop\\nme\\nkeep", [(5, 12)])
    'keep\\n\\n\\nkeep'
    """
    data = code.encode()
    for start, end in sorted(spans, reverse=True):
        data = data[:start] + b"\n" * data[start:end].count(b"\n") + data[end:]
    return data.decode()


def _end(node: Any) -> int:
    """Where `node` ends without the comments tree-sitter hangs on its end (an import's
    next doc comment)."""
    named = [c for c in node.children if c.type not in ("line_comment", "multiline_comment")]
    return named[-1].end_byte if named else node.end_byte
