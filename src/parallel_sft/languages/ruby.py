"""Ruby (MRI). ``ruby -c`` checks syntax without running.

Function problems: the candidate writes a top-level method (``def running_max(numbers)
... end``) under a YARD doc comment that gives the types, as MultiPL-E's Ruby prompts do.
The test driver (`DRIVER`) keeps the candidate out of the process that reports: see there.
"""

from __future__ import annotations

import math
from typing import Any

from .base import Language
from .entry import kids, parse, text
from .functions import FunctionSupport, driver_template
from .types import Signature, Type

# The test driver (protocol: functions.py). Ruby lets a program reopen any class, so no
# code that shares a process with the candidate can be trusted to serialise honestly. Two
# processes, then: the parent compiles the candidate (a SyntaxError is `TOKEN compile`),
# makes itself non-dumpable (no /proc/PID/mem or fd/0 for the child to read the token
# from), forks, and only then reads the token. The child points stdin at /dev/null and
# stdout at stderr, waits for the go, loads the candidate (as "solution.rb", so an
# `if __FILE__ == $0` block it kept stays off), calls the method on fresh arguments per
# test and sends each result as Marshal bytes (C code: no to_s, ==, to_json or each of the
# value is called; a subclass, an extended or a custom object carries its class name).
# The parent, where no candidate code ever ran, reads the bytes with its own parser of
# the plain subset of Marshal (nil, true, false, Integer, Float, String, Array, Hash; any
# class name, link cycle or other ivar is refused), checks the value against the
# signature exactly and writes the canonical JSON, token-prefixed, to fd 1.
# The driver's Ruby text lives beside this module as real Ruby (drivers/ruby_driver.rb).
DRIVER = "ruby_driver.rb"  # in drivers/, read by driver_template at first use

_KEYWORDS = frozenset(
    "BEGIN END __ENCODING__ __END__ __FILE__ __LINE__ alias and begin break case class def "
    "defined? do else elsif end ensure false for if in module next nil not or redo rescue "
    "retry return self super then true undef unless until when while yield".split()
)
# Top-level calls a definition needs; every other call (puts f(1), main, a test's assert)
# is a model's own try-out and goes.
_KEPT_CALLS = frozenset(
    "require require_relative include extend prepend using private public module_function "
    "private_constant refine".split()
)
_KEPT = frozenset(
    "comment method singleton_method class module singleton_class assignment "
    "operator_assignment alias undef begin_block if unless case while until for begin".split()
)
_MODIFIERS = frozenset(
    "if_modifier unless_modifier while_modifier until_modifier rescue_modifier".split()
)
_TEST_LIBRARIES = ("minitest", "test/unit", "rspec")
_TEST_CLASSES = ("Minitest::Test", "Test::Unit::TestCase", "MiniTest::Unit::TestCase")


class RubyFunctions(FunctionSupport):
    """A top-level `def` under a doc comment, like the prompts of MultiPL-E's Ruby, with
    YARD `@param`/`@return` tags whose types are in RBS, Ruby's own type notation
    (`Array[Integer]`, tuples `[String, Integer]`, `Hash[String, Float]`, `Integer?`).
    A tuple's value is an Array of its length, a dict's a Hash, an Optional's nil or it."""

    def type_name(self, t: Type) -> str:
        if t.name == "optional":
            return f"{self.type_name(t.args[0])}?"
        if t.name == "list":
            return f"Array[{self.type_name(t.args[0])}]"
        if t.name == "tuple":
            return f"[{', '.join(self.type_name(a) for a in t.args)}]"
        if t.name == "dict":
            return f"Hash[{self.type_name(t.args[0])}, {self.type_name(t.args[1])}]"
        return _SCALARS[t.name]

    def literal(self, value: Any, t: Type) -> str:
        if value is None:
            return "nil"
        if t.name == "optional":
            return self.literal(value, t.args[0])
        if t.name == "bool":
            return "true" if value else "false"
        if t.name == "int":
            return str(int(value))
        if t.name == "float":
            value = float(value)
            if math.isnan(value):
                return "Float::NAN"
            if math.isinf(value):
                return "Float::INFINITY" if value > 0 else "-Float::INFINITY"
            return repr(value)  # shortest round-trip digits; Ruby reads 1e-05 and 1e+16 too
        if t.name == "str":
            return ruby_string(value)
        if t.name in ("list", "tuple"):
            parts = t.args * len(value) if t.name == "list" else t.args
            return (
                "[" + ", ".join(self.literal(v, a) for v, a in zip(value, parts, strict=True)) + "]"
            )
        if t.name == "dict":
            key, item = t.args
            pairs = [f"{self.literal(int(k) if key.name == 'int' else k, key)} => "
                     f"{self.literal(v, item)}" for k, v in value.items()]  # fmt: skip
            return "{" + ", ".join(pairs) + "}"
        raise ValueError(f"no Ruby literal for {t}")

    def header(self, sig: Signature, doc: str) -> str:
        lines = [f"# {line}".rstrip() for line in doc.strip().splitlines()]
        names = param_names(sig)
        lines += ["#"] if lines else []
        lines += [
            f"# @param {n} [{self.type_name(t)}]"
            for n, (_, t) in zip(names, sig.params, strict=True)
        ]
        lines.append(f"# @return [{self.type_name(sig.returns)}]")
        return "\n".join(lines) + f"\ndef {sig.name}({', '.join(names)})\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        rows = [
            "    -> { ["
            + ", ".join(self.literal(v, t) for v, t in zip(args, types, strict=True))
            + "] },\n"
            for args in calls
        ]
        head = (
            "module PsftDriver\n"
            f"  SOURCE = {ruby_string(without_top_level_calls(code))}\n"
            f"  ENTRY = {ruby_string(sig.name)}\n"
            f"  RETURNS = {_descriptor(self, sig.returns)}\n"
        )
        return head + "  CALLS = [\n" + "".join(rows) + "  ]\nend\n" + driver_template(DRIVER)

    def unsupported(self, sig: Signature) -> str | None:
        for t in [t for _, t in sig.params] + [sig.returns]:
            bad = _bad_key(t)
            if bad is not None:
                why = "only Integer and String keys have one JSON form"
                return f"a Hash with {self.type_name(bad)} keys ({why})"
        return None


_SCALARS = {"int": "Integer", "float": "Float", "bool": "bool", "str": "String", "None": "nil"}


def _bad_key(t: Type) -> Type | None:
    if t.name == "dict" and t.args[0].name not in ("int", "str"):
        return t.args[0]
    return next((b for b in map(_bad_key, t.args) if b is not None), None)


def _descriptor(support: RubyFunctions, t: Type) -> str:
    """`t` for the driver's `emit`: [kind, its Ruby name, *parts]."""
    kind = "none" if t.name == "None" else t.name
    parts = "".join(", " + _descriptor(support, a) for a in t.args)
    return f"[:{kind}, {ruby_string(support.type_name(t))}{parts}]"


def param_names(sig: Signature) -> list[str]:
    """The parameters' names as Ruby local variables: a constant-like `N` or a Ruby
    keyword (`end`, `begin`) would not parse; the driver passes arguments by position."""
    names: list[str] = []
    for name, _ in sig.params:
        name = name[:1].lower() + name[1:]
        while name in _KEYWORDS or name in names:
            name += "_"
        names.append(name)
    return names


def ruby_string(value: str) -> str:
    """`value` as a double-quoted Ruby literal: printable ASCII as itself (with `"`, `\\`
    and `#` escaped: no interpolation), everything else as an escape.

    >>> print(ruby_string('say "hi" #{x}\\n\\\\ é'))
    "say \\"hi\\" \\#{x}\\n\\\\ \\u{e9}"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\#':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif 0xD800 <= code < 0xE000:  # a lone surrogate: its generalized UTF-8 bytes
            out.append("".join(f"\\x{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(f"\\u{{{code:x}}}")
    return "".join(out) + '"'


def without_top_level_calls(code: str) -> str:
    """`code` without what a model writes around a method to try it: top-level calls
    (`puts running_max([1])`, `main`), expressions, `if __FILE__ == $0` blocks, `END {}`,
    test-framework requires and test classes. Definitions, constants, requires and control
    structures stay; a dropped statement leaves its newlines (line numbers hold). Code
    that does not parse cleanly is left as it is (the driver reports its SyntaxError).

    >>> without_top_level_calls("def f = 1\\nputs f\\nX = 2\\n")
    'def f = 1\\n\\nX = 2\\n'
    """
    root = parse(code, "ruby")
    if root is None or root.has_error:
        return code
    raw = code.encode()
    spans = [(n.start_byte, n.end_byte) for n in kids(root) if not _kept(n)]
    for start, end in reversed(spans):
        raw = raw[:start] + b"\n" * raw[start:end].count(b"\n") + raw[end:]
    return raw.decode()


def _kept(node: Any) -> bool:
    kind = node.type
    if kind in _MODIFIERS:
        body, condition = node.child_by_field_name("body"), node.child_by_field_name("condition")
        return body is not None and _kept(body) and not _is_guard(condition)
    if kind == "call":
        method = text(node.child_by_field_name("method"))
        args = text(node.child_by_field_name("arguments")).strip("()'\" ")
        test_require = method == "require" and args.startswith(_TEST_LIBRARIES)
        plain = node.child_by_field_name("receiver") is None
        return plain and method in _KEPT_CALLS and not test_require
    if kind == "class":
        return (
            not text(node.child_by_field_name("superclass")).lstrip("< ").startswith(_TEST_CLASSES)
        )
    if kind in ("if", "unless"):
        return not _is_guard(node.child_by_field_name("condition"))
    return kind in _KEPT


def _is_guard(condition: Any) -> bool:
    """`__FILE__ == $0` and its spellings: the script-only block."""
    found = text(condition)
    return "__FILE__" in found or "$0" in found or "$PROGRAM_NAME" in found


LANGUAGE = Language(
    name="ruby",
    compile_s=0.01,
    start_s=0.058,
    display="Ruby",
    aliases=("rb",),
    source_file="main.rb",
    compile=("ruby", "-c", "{src}"),
    compiled=False,
    run=("ruby", "{src}"),
    tools=("ruby",),
    debian_packages=("ruby",),
    grammar="ruby",
    fence_tags=("Ruby",),
    time_factor=1.5,
    oom_markers=("NoMemoryError", "failed to allocate memory"),
    conventions=(
        "Ruby 3.1: read with gets or STDIN.read, write with puts/print. Standard library "
        "only (no gems)."
    ),
    example="a, b = gets.split.map(&:to_i)\nputs a + b\n",
    functions=RubyFunctions(),
)
