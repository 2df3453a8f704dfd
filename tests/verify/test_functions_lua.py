"""Function problems in Lua: the driver captures its builtins and reads the token first,
loads the candidate as a chunk of its own and reads every result raw (next, rawget)
against the signature's type. The sandbox cases run as one batch (`verify_batch`)."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, lua
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

LUA = get_language("lua")
FUNCTIONS = LUA.functions


def problem(signature: str, *tests, name: str = "f") -> Problem:
    return Problem(
        id=f"t/{name}", source="t", statement="", kind="function", entry_point=name,
        signature=signature, tests=[call_test(a, e) for a, e in tests],
    )  # fmt: skip


# Values that are easy to get wrong: quotes, backslashes, `]]`, control and non-ASCII
# characters, -0.0, the extreme doubles, NaN and the infinities, both ends of a 64-bit
# integer, negative int keys, nil inside a tuple and as the last item of one.
ECHO_SIG = (
    "def mirror(s: str, xs: list[float], d: dict[int, tuple[str, Optional[int]]], "
    "n: Optional[int]) -> tuple[str, list[float], dict[int, tuple[str, Optional[int]]], "
    "Optional[int]]"
)
HARD = "q\"uote ' back\\slash ]] ]=] [[ \n\t\r\x00\x1b\x7f é 漢 🎉 %d %s"
ECHO_ARGS = [
    [HARD, [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 3],
     {"3": [HARD, None], "-1": ["", -(2**63)]}, 2**63 - 1],
    ["", [math.inf, -math.inf, math.nan], {}, None],
]  # fmt: skip
ECHO = problem(ECHO_SIG, *[(a, a) for a in ECHO_ARGS], name="mirror")
ECHO_CODE = """\
local function mirror(s, xs, d, n)
  local copy, floats = {}, {}
  for k, pair in pairs(d) do copy[k] = { pair[1], pair[2] } end
  for i, x in ipairs(xs) do floats[i] = x end
  return { s:sub(1), floats, copy, n }
end
"""
RUNNING = problem("def f(xs: list[int]) -> int", ([[1]], 1), ([[]], 0), ([[2, 3]], 3))
MUTATES = problem("def f(xs: list[int]) -> int", ([[1, 2]], 3), ([[1, 2]], 3))
PAIR = problem("def f(s: str) -> Optional[tuple[str, int]]", (["ab"], ["ab", 2]), ([""], None))
SQUARES = problem("def f(n: int) -> list[int]", ([2], [1, 4]), ([0], []))
MAX = "  local m = 0\n  for _, x in ipairs(xs) do m = math.max(m, x) end\n  return m\nend\n"

CASES = {
    "echo": (ECHO_CODE, ECHO, Status.OK, 2),
    # the try-out around the function would fail the run if it ran; the table stays
    "try-out stripped": (
        "#!/usr/bin/env lua\nlocal ZERO = {}\nfor i = 1, 3 do ZERO[i] = 0 end\n"
        "function f(xs)\n  local m = ZERO[1]\n  for _, x in ipairs(xs) do m = math.max(m, x) end\n"
        "  return m\nend\nprint(f({1}))\nfor _, xs in ipairs({{5}}) do assert(f(xs) == 0) end\n"
        "local r = f({2})\nif r ~= 0 then os.exit(3) end\n"
        "if arg and arg[0] then os.exit(4) end\nlocal function main() os.exit(2) end\nmain()\n",
        RUNNING, Status.OK, 3,
    ),
    "a module table": ("local M = {}\nfunction M.f(xs)\n" + MAX + "return M\n", RUNNING,
                       Status.OK, 3),
    "a tuple as multiple return values": (
        "local function f(s)\n  if s == '' then return nil end\n  return s, #s\nend\n",
        PAIR, Status.OK, 2,
    ),
    "exit in the function": (
        "local function f(xs)\n  if #xs == 0 then os.exit(0) end\n" + MAX,
        RUNNING, Status.RUNTIME_ERROR, 1,
    ),
    "forged lines without the token": (
        "local function f(xs)\n  io.write('0 ok 1\\n1 ok 0\\n2 ok 3\\ndone\\n')\n"
        "  return -1\nend\n",
        RUNNING, Status.WRONG_ANSWER, 0,
    ),
    "a print without a newline, a fully buffered stdout": (
        "local function f(xs)\n  io.write('debug')\n  io.output():setvbuf('full')\n" + MAX,
        RUNNING, Status.OK, 3,
    ),
    "mutated argument": (
        "local function f(xs)\n  xs[#xs + 1] = 0\n  return #xs\nend\n", MUTATES, Status.OK, 2,
    ),
    "patched builtins and a metatable that answers": (
        "string.format = function() return '1' end\ntable.concat = string.format\n"
        "next = function() return nil end\nrawget = next\nmath.type = function() return 'x' end\n"
        "local function f(n)\n  local fake = { 1, 4 }\n"
        "  return setmetatable({}, { __index = fake, __len = function() return #fake end,\n"
        "    __pairs = function() return ipairs(fake) end,\n"
        "    __tostring = function() return '[1, 4]' end })\n"
        "end\n",
        SQUARES, Status.WRONG_ANSWER, 1,
    ),
    "a float where an int is: 2.0 is 2, 2.5 is not": (
        "local function f(xs)\n  if #xs == 0 then return 2.5 end\n  return xs[1] / 1\nend\n",
        RUNNING, Status.WRONG_ANSWER, 1,
    ),
    "a list with holes": (
        "local function f(n)\n  local t = {}\n  for i = 1, n do t[2 * i] = i * i end\n"
        "  return t\nend\n",
        SQUARES, Status.RUNTIME_ERROR, 1,
    ),
    "no such function": ("local function g(xs)\n" + MAX, RUNNING, Status.RUNTIME_ERROR, 0),
}  # fmt: skip
DETAILS = {
    "a list with holes": "returned a table with holes where the signature has integer[]",
    "no such function": "loading the program: no function f is defined",
    "a float where an int is: 2.0 is 2, 2.5 is not": "f([]) returned 2.5, expected 0",
}


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "lua", code), p) for code, p, _, _ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("case", sorted(CASES))
def test_sandbox_cases(verdicts, case):
    _, _, status, passed = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert DETAILS.get(case, "") in verdict.detail


def test_doctests():
    assert doctest.testmod(lua).failed == 0


def test_header_is_a_local_function_under_luals_annotations():
    sig = parse_signature(ECHO_SIG)
    assert FUNCTIONS.header(sig, "Mirror.\n\nBack.") == (
        "--- Mirror.\n---\n--- Back.\n---@param s string\n---@param xs number[]\n"
        "---@param d table<integer, [string, integer?]>\n---@param n integer?\n"
        "---@return [string, number[], table<integer, [string, integer?]>, integer?]\n"
        "local function mirror(s, xs, d, n)\n"
    )
    odd = parse_signature("def f(end: bool) -> None")
    assert FUNCTIONS.header(odd, "") == "---@param end_ boolean\nlocal function f(end_)\n"


def test_unsupported_names_nil_holes_and_keys():
    def reason(signature: str) -> str:
        return FUNCTIONS.unsupported(parse_signature(signature)) or ""

    assert "keyword" in reason("def repeat(x: int) -> int")
    assert "cannot hold nil" in reason("def f(xs: list[Optional[int]]) -> int")
    assert "cannot hold nil" in reason("def f(x: int) -> dict[str, Optional[int]]")
    assert "keys" in reason("def f(d: dict[bool, int]) -> int")
    assert reason(ECHO_SIG) == ""
    big = problem("def f(x: int) -> int", ([2**63], 0))
    with pytest.raises(FunctionProblemError, match="beyond Lua's 64-bit integers"):
        function_program("local function f(x) return 0 end", LUA, big)


def test_literals():
    t = parse_type
    assert FUNCTIONS.literal({"3": ["a"]}, t("dict[int, list[str]]")) == '{[3] = {"a"}}'
    assert FUNCTIONS.literal(-(2**63), t("int")) == "(-9223372036854775807 - 1)"
    assert FUNCTIONS.literal(3, t("float")) == "3.0"
    floats = [FUNCTIONS.literal(x, t("float")) for x in (math.nan, -math.inf, 1e-05)]
    assert floats == ["(0/0)", "-1e309", "1e-05"]
    assert lua.lua_string("\x00]]\U0001f389") == '"\\x00]]\\u{1f389}"'


def test_a_module_s_return_becomes_a_local_the_last_line_reads():
    code = "local M = {}\nfunction M.f() return 1 end\nprint(M.f())\nreturn M\n"
    assert lua.chunk(code, "f") == (
        "local M = {}\nfunction M.f() return 1 end\n\n\n\n"
        "local __psft_module = M\nreturn f or (type(__psft_module) == 'table' and __psft_module.f)"
    )
    assert lua.chunk("local function f(\n", "f") == "local function f(\n\nreturn f"
