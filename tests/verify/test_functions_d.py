"""D function problems: the Phobos types and literals, the header, the cut of a model's
`main`, and the test driver through the real sandbox (every call in one process, each
result written by the signature's types, reports on a copy of stdout that the candidate's
prints never reach). The sandbox cases run in one batch."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import d, get_language
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

FUNCTIONS = get_language("d").functions

CORRECT = """\
module solution;

import std.algorithm : sort;
import std.conv : to;
import std.stdio : writeln;
import std.typecons : Nullable, Tuple, tuple;

static this()
{
    writeln("0 ok [[1.5, 2.0, 3.0], \\"a1\\", null, false]");  // not a report: no token
}

Tuple!(double[], string, Nullable!(long), bool) summarize(
    in double[] xs, string label, long[string] words, bool flag)
{
    auto sorted = xs.dup;
    sorted.sort();
    Nullable!long negative;
    foreach (word, n; words)
        if (n < 0 && negative.isNull)
            negative = n;
    return tuple(sorted, label ~ words.length.to!string, negative, !flag);
}

unittest
{
    assert(summarize([2.0, 1.0], "x", null, true)[0] == [1.0, 2.0]);
}

void main()  // a model's own try-out: cut
{
    writeln(summarize([3, 1.5, 2], "a", ["x": 1], true));
}
"""
WRONG = """\
import std.stdio : stdout, write, writeln;
import std.typecons : Nullable, Tuple;
import core.sys.posix.unistd : posixWrite = write;

Tuple!(double[], string, Nullable!(long), bool) summarize(
    double[] xs, string label, long[string] words, bool flag)
{
    enum line = "0 ok [[1.5, 2.0, 3.0], \\"a1\\", null, false]\\n";
    write(line);
    stdout.flush();
    posixWrite(1, line.ptr, line.length);
    return typeof(return).init;
}
"""
# Every composite and the values that are easy to get wrong: quotes, backslashes, a NUL,
# control and non-ASCII characters, look-alikes of escapes and formats, subnormal and
# extreme floats (D reads no subnormal in decimal), extreme longs, empty containers.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], "
    "t: tuple[str, list[list[int]]], o: Optional[float]) -> tuple[str, list[float], "
    "dict[int, Optional[str]], tuple[str, list[list[int]]], Optional[float]]"
)
NASTY = 'a"b\\c\nd\te\r\x00\x01\x7f é 漢 😀 \\x41 %d %s $x #{y} */ +/'
FLOATS = [0.1, -0.0, 1e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
          math.inf, -math.inf, math.nan, 1 / 3, 1e16, 1e-05]  # fmt: skip
ECHO_ARGS = [
    [NASTY, FLOATS, {"-3": NASTY, "7": None, str(2**63 - 1): ""}, ["", [[-(2**63), 0], []]], 2.5],
    ["", [], {}, ["x", []], None],
]
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
import std.typecons;

auto echo(string s, double[] xs, Nullable!(string)[long] d, Tuple!(string, long[][]) t,
          Nullable!double o)
{
    return tuple(s, xs, d, t, o);
}
"""
# Two equal tests: what the first call does to its argument must not reach the second.
MUTATE = Problem(
    id="test/mutate", source="test", statement="Size.", kind="function", entry_point="size",
    signature="def size(xs: list[int], d: dict[str, int]) -> int",
    tests=[call_test([[1, 2], {"a": 1}], 3), call_test([[1, 2], {"a": 1}], 3)],
)  # fmt: skip
MUTATE_CODE = """\
long size(ref long[] xs, long[string] d)
{
    xs ~= 7;
    xs[0] = 9;
    d["b"] = 2;
    return cast(long) xs.length + cast(long) d.length - 2;
}
"""


def _before_sort(line: str) -> str:
    return CORRECT.replace("    auto sorted =", f"    {line}\n    auto sorted =")


CASES = {
    "correct, its main cut": (CORRECT, PROBLEM, Status.OK, 3, ""),
    "values round-trip": (ECHO_CODE, ECHO, Status.OK, 2, ""),
    "mutated arguments": (MUTATE_CODE, MUTATE, Status.OK, 2, ""),
    "forged lines without the token": (WRONG, PROBLEM, Status.WRONG_ANSWER, 0, "test 1:"),
    "exit(0) in a call": (
        _before_sort("import core.stdc.stdlib : exit; if (!xs.length) exit(0);"),
        PROBLEM, Status.RUNTIME_ERROR, 1, "ended before the driver finished",
    ),
    "exit(0) in a module constructor": (
        CORRECT.replace("static this()\n{\n", "static this()\n{\n    import core.stdc.stdlib;\n"
                        "    exit(0);\n"),
        PROBLEM, Status.RUNTIME_ERROR, 0, "ended before the driver finished",
    ),
    "an exception": (
        _before_sort('if (!xs.length) throw new Exception("no xs");'),
        PROBLEM, Status.RUNTIME_ERROR, 2, "raised object.Exception: no xs",
    ),
    "an assertion": (
        _before_sort("assert(xs.length, \"no xs\");"),
        PROBLEM, Status.RUNTIME_ERROR, 2, "raised core.exception.AssertError: no xs",
    ),
    "no such function": (
        CORRECT.replace("bool) summarize(", "bool) summarise("), PROBLEM,
        Status.COMPILE_ERROR, 0, "summarize",
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "d", code), p) for code, p, *_ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("case", list(CASES))
def test_driver_verdicts(verdicts, case):
    _, problem, status, passed, detail = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert verdict.tests_total == len(problem.tests)
    assert detail in verdict.detail, verdict.detail


def test_doctests():
    assert doctest.testmod(d).failed == 0


def test_header_is_imports_a_doc_comment_and_the_signature():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nReally.") == (
        "import std.typecons : Nullable, Tuple;\n\n/// Summarize.\n///\n/// Really.\n"
        "Tuple!(double[], string, Nullable!(long), bool) summarize(double[] xs, "
        "string label, long[string] words, bool flag)\n{\n"
    )
    odd = parse_signature("def f(ref: int, out_: list[dict[int, str]], out: bool) -> None")
    assert FUNCTIONS.header(odd, "") == "void f(long ref_, string[long][] out_, bool out__)\n{\n"


def test_literals():
    lit = FUNCTIONS.literal
    assert lit('a"\\\n$é\x00', parse_type("str")) == '"a\\"\\\\\\n$\\xC3\\xA9\\x00"'
    assert lit(None, parse_type("Optional[int]")) == "Nullable!(long).init"
    assert lit(3, parse_type("Optional[int]")) == "Nullable!(long)(3L)"
    assert lit([], parse_type("list[list[int]]")) == "cast(long[][]) null"
    assert lit({}, parse_type("dict[str, float]")) == "(double[string]).init"
    assert lit({"2": [["a", True]]}, parse_type("dict[int, list[tuple[str, bool]]]")) == (
        '[2L: [Tuple!(string, bool)("a", true)]]'
    )
    assert lit(-(2**63), parse_type("int")) == "long.min"
    assert lit(5e-324, parse_type("float")) == "0x0.0000000000001p-1022"
    assert lit(-math.inf, parse_type("float")) == "-double.infinity"
    with pytest.raises(ValueError, match="does not fit"):
        lit(2**63, parse_type("int"))


def test_unsupported():
    reason = FUNCTIONS.unsupported
    assert "only int and str keys" in reason(parse_signature("def f(d: dict[bool, int]) -> int"))
    assert "None" in reason(parse_signature("def f(x: None) -> int"))
    assert "None inside" in reason(parse_signature("def f(x: dict[str, None]) -> int"))
    assert "keyword" in reason(parse_signature("def foreach(x: int) -> int"))
    assert reason(parse_signature(ECHO_SIG)) is None


def test_the_candidates_main_is_cut_and_its_lines_kept():
    code = d.without_main(CORRECT)
    assert "void main" not in code and "summarize([3" not in code
    assert "unittest" in code and "static this" in code and "module solution;" in code
    assert code.count("\n") == CORRECT.count("\n")
    plain = "int main(string[] args)\n{\n    return 0;\n}\nlong f() { return 1; }\n"
    assert d.without_main(plain) == "\n\n\n\nlong f() { return 1; }\n"
    broken = "long f() { return 1 }\nvoid main() {}\n"
    assert d.without_main(broken) == broken
