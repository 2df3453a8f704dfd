"""Scala function problems: the signature's types in Scala 2.11, and the test driver.

The candidate writes a method of `object Problem` under a Scaladoc comment (MultiPL-E's
Scala shape), named in camelCase (`running_max` is `runningMax`; a candidate that kept the
Python name is called by that). Python's `int` is `Long`, `float` `Double`, `bool`
`Boolean`, `str` `String`, `list` the immutable `List` (another sequence of the library
is taken back: a `Vector`, an `ArrayBuffer`), `dict` the immutable `Map` (a mutable one
is taken back), a tuple a Scala tuple (`(String, Long)`), `Optional[T]` `Option[T]`
(`None` or `Some`: a null is no Option), and None, as a return type, `Unit`. The method
may sit in any top-level object (`object Solution`), in a class (`class Solution`,
called on `new Solution()`), or bare at the top (wrapped in `object Problem`, as Scala 2
needs).

A model's `def main`, an `extends App` and the statements of an object's body (its
`println`s and `assert`s), top-level statements and test-library imports are cut; code
tree-sitter cannot parse keeps them (its `main` is never run: the driver's object is the
program's entry point).

unsupported(): tuples of more than 22 (Scala has no more), None as a parameter or inside a
container, dict keys other than int and str, an entry point that is a Scala keyword or
`main`. An int test value outside `Long` is a ValueError.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .entry import first, kids, parse, text
from .functions import FunctionSupport, driver_template, types_in
from .java import java_string
from .kotlin_functions import Found, camel
from .types import Signature, Type

# The test driver (protocol: functions.py), a top-level object after the candidate's code
# in the one file scalac builds. Scala 2 has no top-level code: the candidate's objects
# initialise at their first use, by the first call, after the driver has read the token
# from fd 0 and opened fd 1. Each test's arguments are built afresh in a method of their
# own; the result is serialised by the signature's type with exact classes (boxed Long,
# Double, Boolean, String, Some/None, and sequences, maps and tuples of the Scala
# library's jar or the JDK), never the value's own equals or toString, every name from
# `_root_` (a candidate's `object scala` or class `List` cannot reach it). After `done` the
# driver halts the JVM. The driver's Scala text lives beside this module as real Scala.
DRIVER = "scala_driver.scala"  # in drivers/, read by driver_template at first use
DRIVER_OBJECT = "Psft_Driver"
DRIVER_END = "// psft: end of the Scala test driver"  # its last line (see scala.entry_point)
WRAPPER = "Problem"  # the object the header puts the method in, and bare code is wrapped in

KEYWORDS = frozenset(
    "abstract case catch class def do else extends false final finally for forSome if "
    "implicit import lazy macro match new null object override package private protected "
    "return sealed super this throw trait try true type val var while with yield".split()
)
_LONG = 2**63
_MAX_TUPLE = 22
_TEST_IMPORTS = ("org.scalatest", "org.junit", "munit", "org.scalacheck", "utest")
# Definitions that stay in an object's body; anything else there (a statement) is test code.
_MEMBERS = frozenset(
    "function_definition function_declaration val_definition val_declaration var_definition "
    "var_declaration class_definition object_definition trait_definition type_definition "
    "import_declaration comment block_comment".split()
)
_TOP = _MEMBERS | {"package_clause", "package_object"}
_BARE = ("function_definition", "val_definition", "var_definition", "type_definition")


class ScalaFunctions(FunctionSupport):
    """Long, Double, Boolean, String, List[T], Map[K, V], tuples, Option[T] and Unit;
    `qualified` spells every name from `_root_`, as the driver's literals do."""

    conventions = (
        "Scala 2.11 (not 2.12+, not Scala 3), standard library only: write the method in "
        "`object Problem` with exactly the header's name and types; no `main`, no `extends "
        "App`. No API newer than 2.11."
    )

    def __init__(self, qualified: bool = False) -> None:
        self.qualified = qualified
        s, j = ("_root_.scala.", "_root_.java.lang.") if qualified else ("", "")
        self.scalar_types = {
            "int": s + "Long", "float": s + "Double", "bool": s + "Boolean",
            "str": j + "String", "None": s + "Unit",
        }  # fmt: skip
        immutable = s + "collection.immutable." if qualified else ""
        self._list, self._map, self._scala = immutable + "List", immutable + "Map", s

    def list_type(self, item: str) -> str:
        return f"{self._list}[{item}]"

    def tuple_type(self, items: list[str]) -> str:
        if self.qualified or len(items) == 1:
            return f"{self._scala}Tuple{len(items)}[{', '.join(items)}]"
        return f"({', '.join(items)})"

    def dict_type(self, key: str, value: str) -> str:
        return f"{self._map}[{key}, {value}]"

    def optional_type(self, inner: str) -> str:
        return f"{self._scala}Option[{inner}]"

    # Literals are the driver's: names from `_root_`, explicit type arguments.
    def none_literal(self, t: Type) -> str:
        return "_root_.scala.None" if t.name == "optional" else "()"

    def int_literal(self, value: int) -> str:
        if not -_LONG <= value < _LONG:
            raise ValueError(f"{value} is outside Scala's Long")
        return f"{value}L"

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "_root_.scala.Double.NaN"
        if math.isinf(value):
            return f"_root_.scala.Double.{'Positive' if value > 0 else 'Negative'}Infinity"
        return repr(value)  # Scala reads 1e-05 and 1e+16 as Doubles

    def str_literal(self, value: str) -> str:
        return java_string(value)  # Scala 2.11 translates `\u` escapes early, as javac does

    def list_literal(self, items: list[str], t: Type) -> str:
        return f"{QUALIFIED.type_name(t)}({', '.join(items)})"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return f"{QUALIFIED.type_name(t)}({', '.join(items)})"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return f"{QUALIFIED.type_name(t)}({', '.join(f'({k}, {v})' for k, v in pairs)})"

    def some_literal(self, inner: str, t: Type) -> str:
        return f"_root_.scala.Some[{QUALIFIED.type_name(t.args[0])}]({inner})"

    def header(self, sig: Signature, doc: str) -> str:
        lines = doc.strip().replace("*/", "*&#47;").replace("/*", "/&#42;").splitlines()
        body = "".join(f"   * {_even_backslashes(line)}".rstrip() + "\n" for line in lines)
        params = ", ".join(
            f"{name}{' ' if name.endswith('_') else ''}: {self.type_name(t)}"
            for name, (_, t) in zip(param_names(sig), sig.params, strict=True)
        )
        returns = self.type_name(sig.returns)
        return (
            f"object {WRAPPER} {{\n  /**\n{body}   */\n"
            f"  def {camel(sig.name)}({params}): {returns} = {{\n"
        )

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        found = prepare(code, list(dict.fromkeys([camel(sig.name), sig.name])))
        cases = "".join(f"    case {i} => psftCall{i}()\n" for i in range(len(calls)))
        methods = "".join(
            f"\n  private def psftCall{i}(): _root_.scala.Any = {found.target}{found.name}("
            + ", ".join(self.literal(v, t) for v, (_, t) in zip(args, sig.params, strict=True))
            + ")\n"
            for i, args in enumerate(calls)
        )
        program = (
            driver_template(DRIVER)
            .replace("@RETURNS@", _descriptor(sig.returns))
            .replace("@COUNT@", str(len(calls)))
            .replace("@CASES@", cases)
            .replace("@METHODS@", methods)
        )
        return found.code.rstrip() + "\n\n" + program

    def unsupported(self, sig: Signature) -> str | None:
        name = camel(sig.name)
        if name in KEYWORDS or name == "main" or not name.strip("_"):
            return f"{name} cannot name a Scala method here"
        for t in types_in(sig):
            if t.name == "tuple" and len(t.args) > _MAX_TUPLE:
                return f"a tuple of {len(t.args)} (Scala's have at most {_MAX_TUPLE})"
            if t.name == "dict" and t.args[0].name not in ("int", "str"):
                return "dict keys other than int or str"
            if any(a.name == "None" for a in t.args):
                return "None inside a container (Scala has no value for it but ())"
        if any(t.name == "None" for _, t in sig.params):
            return "a None parameter (Scala has no value for it but ())"
        return None


QUALIFIED = ScalaFunctions(qualified=True)


def _descriptor(t: Type) -> str:
    """`t` for the driver's `psftWrite`: new PsftType(kind, parts...)."""
    parts = "".join(", " + _descriptor(a) for a in t.args)
    return f'new PsftType("{t.name}"{parts})'


def param_names(sig: Signature) -> list[str]:
    """The parameters in camelCase; a Scala keyword in backticks (`` `type` ``), as Scala
    programmers write it; a repeat gets `_`."""
    names: list[str] = []
    for name, _ in sig.params:
        name = camel(name)
        name = f"`{name}`" if name in KEYWORDS else name
        while name in names:
            name += "_"
        names.append(name)
    return names


def _even_backslashes(line: str) -> str:
    """A doc line Scala 2.11's early `\\u` translation leaves alone (it reads comments too).

    >>> print(_even_backslashes("a \\\\u002a/ b \\\\\\\\u0041"))
    a \\\\u002a/ b \\\\u0041
    """
    return re.sub(r"\\+(?=u)", lambda m: m.group() + "\\" * (len(m.group()) % 2), line)


def prepare(code: str, names: list[str]) -> Found:
    """Find the method (the first of `names` declared: in a top-level object, in a class,
    or bare at the top) and strip what a model writes around it to try it: `def main`,
    `extends App`, the statements of an object's body, top-level statements, test-library
    imports, top-level definitions named `scala`, `java` or the driver's. Bare definitions
    are wrapped in `object Problem` (after the package and imports). A dropped part
    leaves its newlines (line numbers hold). Code that does not parse cleanly is left as
    it is, its method called where it seems to be (scalac says what is wrong)."""
    root = parse(code, "scala")
    if root is None:
        return Found(code, names[0], WRAPPER + ".")
    if root.has_error:
        return Found(code, *(_locate(root, names, "") or (names[0], WRAPPER + ".")))
    spans: list[tuple[int, int]] = []
    edits: list[tuple[int, int, str]] = []
    taken = {text(first(n, "identifier")) for n in kids(root)}
    wrapper = WRAPPER if WRAPPER not in taken else "Psft_" + WRAPPER
    bare = any(_name(n) != "main" for n in kids(root, *_BARE))
    outer = wrapper + "." if bare else ""  # everything is in the wrapper then
    name, target = _locate(root, names, outer) or (names[0], outer)
    _strip(root, spans)
    if bare:
        heads = [n for n in kids(root) if n.type in ("package_clause", "import_declaration")]
        heads = [n for n in heads if first(n, "template_body") is None]
        start = max((n.end_byte for n in heads), default=0)
        end = len(code.encode())
        edits += [(start, start, f"\nobject {wrapper} {{"), (end, end, "\n}\n")]
    return Found(_apply(code, spans, edits), name, target)


def _locate(root: Any, names: list[str], outer: str) -> tuple[str, str] | None:
    """(name, how the driver reaches it: `outer` + its object or `new` its class) of the
    first of `names` the code declares."""
    for name in names:
        for node in kids(root):
            if node.type == "function_definition" and _name(node) == name:
                return name, outer
            if node.type not in ("object_definition", "class_definition"):
                continue
            body = first(node, "template_body")
            defs = kids(body, "function_definition") if body is not None else ()
            if any(_name(f) == name for f in defs):
                owner = outer + _name(node)
                is_object = node.type == "object_definition"
                return name, (owner + "." if is_object else f"new {owner}().")
        for block in kids(root, "package_clause"):
            body = first(block, "template_body")
            if body is not None:
                inner = outer + text(first(block, "package_identifier")) + "."
                found = _locate(body, [name], inner)
                if found:
                    return found
    return None


def _strip(root: Any, spans: list[tuple[int, int]]) -> None:
    """Collect the spans to cut at the top of `root` (a file or a package block)."""
    for node in kids(root):
        if node.type == "import_declaration":
            cut = _test_import(node)
        elif node.type in ("class_definition", "object_definition") and _test_suite(node):
            cut = True
        else:
            cut = node.type not in _TOP or _name(node) in ("main", "scala", "java", DRIVER_OBJECT)
        if cut:
            spans.append((node.start_byte, node.end_byte))
        elif node.type == "package_clause" and first(node, "template_body") is not None:
            _strip(first(node, "template_body"), spans)
        elif node.type == "object_definition":
            _strip_object(node, spans)


def _strip_object(obj: Any, spans: list[tuple[int, int]]) -> None:
    """An object's `main`, `extends App` and body statements go."""
    extends = first(obj, "extends_clause")
    if extends is not None and text(extends).split()[1:] in (["App"], ["scala.App"]):
        spans.append((extends.start_byte, extends.end_byte))
    body = first(obj, "template_body")
    for node in kids(body) if body is not None else ():
        main = node.type == "function_definition" and _name(node) == "main"
        if main or node.type not in _MEMBERS:
            spans.append((node.start_byte, node.end_byte))


def _test_suite(decl: Any) -> bool:
    """A ScalaTest, MUnit or ScalaCheck suite: `class T extends AnyFunSuite`."""
    extends = first(decl, "extends_clause")
    parents = text(extends).replace("{", " ").split()[1:] if extends is not None else []
    return any(p.endswith(("Suite", "Spec", "Properties")) for p in parents)


def _apply(code: str, spans: list[tuple[int, int]], edits: list[tuple[int, int, str]]) -> str:
    """`code` with the byte `spans` blanked (their newlines kept), then the insertions
    `edits` (start, start, text) made."""
    data = code.encode()
    changes = [(s, e, "\n" * data[s:e].count(b"\n")) for s, e in spans] + edits
    for start, end, new in sorted(changes, reverse=True):
        data = data[:start] + new.encode() + data[end:]
    return data.decode()


def _name(node: Any) -> str:
    return text(first(node, "identifier"))


def _test_import(node: Any) -> bool:
    name = ".".join(text(c) for c in kids(node, "identifier"))
    return any(name == lib or name.startswith(lib + ".") for lib in _TEST_IMPORTS)
