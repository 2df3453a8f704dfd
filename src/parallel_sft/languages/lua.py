"""Lua 5.4. ``luac -p`` parses only. Lua 5.4 has 64-bit integers and `//` division.

Function problems: the candidate writes `local function running_max(numbers)` (MultiPL-E's
shape; a global function or a field of a module table it returns works too) under `---`
doc lines with LuaLS annotations, the type notation of Lua's language server:
`integer`, `number`, `boolean`, `string`, `nil`, `integer[]`, tuples `[string,
integer]`, dicts `table<string, number>`, `T?` for Optional. Lists and tuples are
sequence tables, dicts are tables; a tuple may also be returned as multiple values
(`return word, i`). Lua's own `2 == 2.0` holds for results too: an int slot takes a
float (the host compares 2.0 with 2 exactly), a float slot an integer.

Not expressible: nil inside a list or as a dict's value (a table cannot hold nil: `{1,
nil, 3}` has no reliable length, `{a = nil}` no key `a`), dicts with keys other than
integers or strings (no JSON form), ints beyond 64 bits, an entry point named like a
Lua keyword.
"""

from __future__ import annotations

import math
from typing import Any

from .base import Language
from .entry import parse, text
from .functions import FunctionSupport, driver_template
from .tryout import blank_out, calls_in
from .types import Signature, Type

# The test driver (protocol: functions.py): drivers/lua_driver.lua after four locals
# written here. It reads the token and captures every builtin it uses, then loads the
# candidate's code as a chunk of its own (`load`: a syntax error is its `compile`
# report), whose appended last line returns the entry point (a local function is in
# scope there; a module's `return M` becomes a local the appended line looks into).
DRIVER = "lua_driver.lua"  # in drivers/, read by driver_template at first use

_KEYWORDS = frozenset(
    "and break do else elseif end false for function goto if in local nil not or repeat "
    "return then true until while".split()
)
_MODULE = "__psft_module"
_FUNCTIONS = frozenset({"function_declaration", "function_definition"})
_TRYOUT_CALLS = frozenset({"print", "io.write", "assert", "os.exit", "error"})
_GUARDS = ("arg", "debug.getlocal", "...")


class LuaFunctions(FunctionSupport):
    """A function under LuaLS annotations (see above)."""

    conventions = (
        "Lua 5.4, standard library only: integers and floats are distinct (`//` is integer "
        "division); lists and tuples are sequence tables, dicts are tables."
    )
    scalar_types = {
        "int": "integer", "float": "number", "bool": "boolean", "str": "string", "None": "nil",
    }  # fmt: skip

    def list_type(self, item: str) -> str:
        return f"{item}[]"

    def tuple_type(self, items: list[str]) -> str:
        return f"[{', '.join(items)}]"

    def dict_type(self, key: str, value: str) -> str:
        return f"table<{key}, {value}>"

    def optional_type(self, inner: str) -> str:
        return f"{inner}?"

    def none_literal(self, t: Type) -> str:
        return "nil"

    def int_literal(self, value: int) -> str:
        if value == -(2**63):
            return "(-9223372036854775807 - 1)"  # 9223372036854775808 would read as a float
        if not -(2**63) < value < 2**63:
            raise ValueError(f"{value} is beyond Lua's 64-bit integers")
        return str(value)

    def float_literal(self, value: float) -> str:
        if math.isnan(value):
            return "(0/0)"
        if math.isinf(value):
            return "1e309" if value > 0 else "-1e309"  # no global (math.huge) to rebind
        return repr(value)  # shortest round-trip digits, always with a `.` or an `e`

    def str_literal(self, value: str) -> str:
        return lua_string(value)

    def list_literal(self, items: list[str], t: Type) -> str:
        return "{" + ", ".join(items) + "}"

    def tuple_literal(self, items: list[str], t: Type) -> str:
        return "{" + ", ".join(items) + "}"

    def dict_literal(self, pairs: list[tuple[str, str]], t: Type) -> str:
        return "{" + ", ".join(f"[{k}] = {v}" for k, v in pairs) + "}"

    def header(self, sig: Signature, doc: str) -> str:
        lines = [f"--- {line}".rstrip() for line in doc.strip().splitlines()]
        names = param_names(sig)
        lines += [f"---@param {n} {self.type_name(t)}"
                  for n, (_, t) in zip(names, sig.params, strict=True)]  # fmt: skip
        if sig.returns.name != "None":
            lines.append(f"---@return {self.type_name(sig.returns)}")
        return "\n".join(lines) + f"\nlocal function {sig.name}({', '.join(names)})\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        rows = [
            "  function() return "
            + ", ".join(self.literal(v, t) for v, t in zip(args, types, strict=True))
            + " end,\n"
            for args in calls
        ]
        head = (
            f"local SOURCE = {lua_string(chunk(code, sig.name))}\n"
            f"local ENTRY = {lua_string(sig.name)}\n"
            f"local RETURNS = {self._descriptor(sig.returns)}\n"
            "local CALLS = {\n" + "".join(rows) + "}\n"
        )
        return head + driver_template(DRIVER)

    def _descriptor(self, t: Type) -> str:
        """`t` for the driver's emit: {kind, its LuaLS name, parts...}."""
        parts = "".join(", " + self._descriptor(a) for a in t.args)
        return f"{{{lua_string(t.name)}, {lua_string(self.type_name(t))}{parts}}}"

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in _KEYWORDS:
            return f"{sig.name} is a Lua keyword"
        for t in [t for _, t in sig.params] + [sig.returns]:
            if reason := _unsupported_type(t):
                return reason
        return None


def _unsupported_type(t: Type) -> str | None:
    if t.name == "list" and t.args[0].name in ("optional", "None"):
        return "a Lua sequence cannot hold nil (its length would be undefined)"
    if t.name == "dict" and t.args[1].name in ("optional", "None"):
        return "a Lua table cannot hold nil as a value"
    if t.name == "dict" and t.args[0].name not in ("int", "str"):
        return f"only integer and string keys have one JSON form, not {t.args[0]}"
    return next((r for r in map(_unsupported_type, t.args) if r), None)


def param_names(sig: Signature) -> list[str]:
    """The parameters as Lua names: a keyword (`end`) gets a `_`."""
    return [name + "_" if name in _KEYWORDS else name for name, _ in sig.params]


def lua_string(value: str) -> str:
    """`value` as a double-quoted Lua string: printable ASCII as itself (`"` and `\\`
    escaped), everything else as an escape (`\\u{e9}` is its UTF-8).

    >>> print(lua_string('say "hi"\\n\\\\ é'))
    "say \\"hi\\"\\n\\\\ \\u{e9}"
    """
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{{{code:x}}}")
    return "".join(out) + '"'


def chunk(code: str, entry: str) -> str:
    """The candidate's code as the chunk the driver loads: what a model writes around a
    function to try it dropped (tryout.py: bare calls other than `require`, and loops,
    `if`s or assignments that call `entry` or print, assert, exit or raise; an `if arg`
    script guard; a `#!` line), each leaving its line breaks, and a last line that
    returns the entry point. A closing `return M` (a module) is kept as a local that
    line looks into. Code that does not parse is left as it is (`load` reports it).

    >>> print(chunk("local function f() return 1 end\\nprint(f())\\n", "f"))
    local function f() return 1 end
    <BLANKLINE>
    <BLANKLINE>
    return f
    """
    returns = f"return {entry}"
    root = parse(code, "lua")
    if root is None or root.has_error:
        return f"{code}\n{returns}"
    drop: list[tuple[int, int]] = []
    for node in root.children:
        if node.type == "return_statement":  # `return M`: a module, its last statement
            value = text(node).removeprefix("return").strip() or "nil"
            returns = (f"local {_MODULE} = {value}\nreturn {entry} "
                       f"or (type({_MODULE}) == 'table' and {_MODULE}.{entry})")  # fmt: skip
            drop.append((node.start_byte, node.end_byte))
        elif node.type == "hash_bang_line" or _is_tryout(node, entry):
            drop.append((node.start_byte, node.end_byte))
    body = blank_out(code, drop)
    return f"{body}\n{returns}"


def _is_tryout(node: Any, entry: str) -> bool:
    kind = node.type
    if kind in ("function_declaration", "comment", "label_statement", "empty_statement"):
        return False
    if kind == "function_call":
        return _callee(node) != "require"
    if kind == "if_statement":
        condition = text(node.child_by_field_name("condition"))
        if any(guard in condition for guard in _GUARDS):
            return True
    names = calls_in(node, call_types=frozenset({"function_call"}),
                     function_types=_FUNCTIONS, callee=_callee)  # fmt: skip
    return any(
        name in _TRYOUT_CALLS or name.endswith(":write") or name.split(".")[-1] == entry
        for name in names
    )


def _callee(call: Any) -> str:
    return "".join(text(call.child_by_field_name("name")).split())


LANGUAGE = Language(
    name="lua",
    compile_s=0.01,
    start_s=0.001,
    display="Lua",
    aliases=("lua5.4", "lua54"),
    source_file="main.lua",
    compile=("luac5.4", "-p", "{src}"),
    compiled=False,
    run=("lua5.4", "{src}"),
    tools=("lua5.4", "luac5.4"),
    version_args=("-v",),
    debian_packages=("lua5.4",),
    grammar="lua",
    fence_tags=("Lua",),
    oom_markers=("not enough memory",),
    conventions=(
        "Lua 5.4: read with io.read('n'), io.read('l') or io.read('a'); write with print or "
        "io.write. Integer division is `//`; standard library only."
    ),
    example='local a, b = io.read("n", "n")\nprint(math.tointeger(a + b) or (a + b))\n',
    functions=LuaFunctions(),
)
