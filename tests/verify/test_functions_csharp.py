"""Function problems in C# through the real sandbox: the C# test driver (a class after the
candidate's code, compiled by mcs, run by mono) reads the token before any candidate type
is initialised, runs every test in one process, writes each result from the signature's
type, and the candidate's Main, tests, prints, static constructors and early exits cannot
talk their way to a pass. Every sandbox program runs in one `verify_batch`."""

from __future__ import annotations

import doctest
import math
from dataclasses import replace

import pytest

from parallel_sft.languages import csharp_functions, get_language
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

CSHARP = get_language("csharp")
FUNCTIONS = CSHARP.functions
RET = "(List<double>, string, long?, bool)"
EXPECTED_1 = '[[1.5,2.0,3.0],"a1",null,false]'

CORRECT = f"""\
using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace Answers {{
    class Problem {{
        static Problem() {{  // the driver writes to fd 1 itself
            Console.SetOut(System.IO.TextWriter.Null);
        }}

        public static {RET} Summarize(List<double> xs, string label,
                                      Dictionary<string, long> words, bool flag) {{
            var sorted = xs.OrderBy(x => x).ToList();
            long? negative = null;
            foreach (var v in words.Values) {{
                if (v < 0) negative = v;
            }}
            return (sorted, label + words.Count, negative, !flag);
        }}

        static void Main(string[] args) {{  // a model's own try-out: stripped
            Console.WriteLine(Summarize(new List<double> {{ 1 }}, "x", null, true));
            throw new Exception("Main ran");
        }}
    }}

    [TestFixture]
    public class ProblemTests {{
        [Test]
        public void Works() {{ Assert.Fail("a test ran"); }}
    }}
}}
"""
BODY_START = "            var sorted"

# The round trip: every kind of value, nested, through a literal and back through the
# writers (a tuple in a tuple, int-keyed dicts with nulls, hard strings and floats; C#
# strings are UTF-16, so even a lone surrogate makes the trip).
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], m: list[list[int]],"
    " t: tuple[str, float]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " list[list[int]], tuple[str, float]]"
)
NASTY = 'q"uote \\ back {0} ${x} @"v" #{y}\nnew\ttab\r\x00\x01\x7f é 漢 😀 \u2028 \x85 \ud800'
FLOATS = [0.1, 1 / 3, 1e300, 5e-324, -0.0, 1e16, 1e-05, 1.7976931348623157e308, math.inf,
          -math.inf, math.nan]  # fmt: skip
ECHO_ARGS = [
    [NASTY, FLOATS, {"3": None, "-1": "é", str(2**63 - 1): NASTY}, [[1], [], [-(2**63)]],
     ["", -2.5]],
    ["", [], {}, [], [NASTY, 0.0]],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
using System.Collections.Generic;

class Echoes {
    public static (string, List<double>, Dictionary<long, string>, List<List<long>>,
                   (string, double)) Echo(string s, List<double> xs,
                                          Dictionary<long, string> d, List<List<long>> m,
                                          (string, double) t) {
        return (s, xs, d, m, t);
    }
}
"""
# Each call mutates its arguments: a driver that shared the values would see 102, then 202.
MUTATE = Problem(
    id="test/mutate", source="test", statement="Bump.", kind="function", entry_point="bump",
    signature="def bump(xs: list[int], d: dict[str, int]) -> int",
    tests=[call_test([[1], {"a": 1}], 102)] * 3,
)  # fmt: skip
MUTATE_CODE = """\
using System.Collections.Generic;

class Problem {
    static long Bump(List<long> xs, Dictionary<string, long> d) {  // private: still called
        xs[0] += 100;
        d["a"]++;
        return xs[0] + d["a"] - 1;
    }
}
"""
# A reference type's Optional is the type itself: its writer must still be its own.
MAYBE = Problem(
    id="test/maybe", source="test", statement="Maybe.", kind="function", entry_point="maybe",
    signature="def maybe(x: Optional[list[int]]) -> Optional[dict[str, list[int]]]",
    tests=[call_test([None], None), call_test([[1, 2]], {"x": [1, 2]})],
)  # fmt: skip
MAYBE_CODE = """\
using System.Collections.Generic;

class Problem {
    public static Dictionary<string, List<long>> Maybe(List<long> x) {
        return x == null ? null : new Dictionary<string, List<long>> { { "x", x } };
    }
}
"""
WRONG = f"""\
using System;
using System.Collections.Generic;

class Problem {{
    MEMBERS
    public static {RET} Summarize(List<double> xs, string label,
                                  Dictionary<string, long> words, bool flag) {{
        return (new List<double>(), "", null, false);
    }}
}}
"""
STEAL = """\
static Problem() {  // runs at the class's first use: after the driver read the token
        string token = (Console.In.ReadLine() ?? "").Trim();
        for (int i = 0; i < 3; i++) Console.WriteLine(token + " " + i + " ok EXPECTED");
        Console.WriteLine(token + " done");
        Console.Out.Flush();
        Environment.Exit(0);  // with the token, test 1 would pass
    }
""".replace("EXPECTED", EXPECTED_1.replace('"', '\\"'))

CASES: dict[str, tuple[str, Problem]] = {
    "correct": (CORRECT, PROBLEM),
    "echo": (ECHO_CODE, ECHO),
    "mutate": (MUTATE_CODE, MUTATE),
    "an Optional of a reference type": (MAYBE_CODE, MAYBE),
    "exit in the method": (
        CORRECT.replace(
            BODY_START, "            if (xs.Count == 0) Environment.Exit(0);\n" + BODY_START
        ),
        PROBLEM,
    ),  # fmt: skip
    "throw on the empty list": (
        CORRECT.replace(
            BODY_START,
            '            if (xs.Count == 0) throw new ArgumentException("no xs");\n' + BODY_START,
        ),
        PROBLEM,
    ),  # fmt: skip
    "a static constructor steals stdin and forges lines": (
        WRONG.replace("MEMBERS", STEAL),
        PROBLEM,
    ),
    "no such method": ("class Problem { static void Other() {} }\n", PROBLEM),
}


@pytest.fixture(scope="module")
def verdicts():
    names = sorted(CASES)
    items = [(Candidate(CASES[n][1].id, "csharp", CASES[n][0]), CASES[n][1]) for n in names]
    return dict(zip(names, verify_batch(items, progress=False), strict=True))


def _got(verdict) -> tuple[Status, int]:
    return verdict.status, verdict.tests_passed


def test_a_correct_method_passes_and_its_main_and_tests_do_not_run(verdicts):
    assert _got(verdicts["correct"]) == (Status.OK, 3), verdicts["correct"]


def test_values_round_trip_exactly(verdicts):
    assert _got(verdicts["echo"]) == (Status.OK, 2), verdicts["echo"]


def test_an_optional_list_or_dict_is_null_or_the_value(verdicts):
    verdict = verdicts["an Optional of a reference type"]
    assert _got(verdict) == (Status.OK, 2), verdict


def test_a_mutated_argument_does_not_leak_into_the_next_test(verdicts):
    assert _got(verdicts["mutate"]) == (Status.OK, 3), verdicts["mutate"]


@pytest.mark.parametrize(
    ("case", "status", "passed", "detail"),
    [
        ("exit in the method", Status.RUNTIME_ERROR, 1, "ended before the driver finished"),
        ("throw on the empty list", Status.RUNTIME_ERROR, 2,
         'test 2: summarize([], "", {}, false) raised System.ArgumentException: no xs'),
        ("a static constructor steals stdin and forges lines", Status.RUNTIME_ERROR, 0,
         "ended before the driver finished"),
        ("no such method", Status.COMPILE_ERROR, 0, "`Summarize' does not exist"),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(verdicts, case, status, passed, detail):
    verdict = verdicts[case]
    assert _got(verdict) == (status, passed), verdict
    assert detail in verdict.detail, verdict.detail


def test_a_value_csharp_cannot_hold_is_the_problems_counted_reason():
    big = replace(MUTATE, tests=[call_test([[2**63], {}], 1)])
    with pytest.raises(Exception, match="cannot write a test value: .* long"):
        function_program(MUTATE_CODE, CSHARP, big)


def test_header_is_a_documented_static_method():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize <all>.\n\nReally.") == (
        "using System;\nusing System.Collections.Generic;\n\nclass Problem {\n"
        "    /// <summary>\n    /// Summarize &lt;all&gt;.\n    ///\n    /// Really.\n"
        "    /// </summary>\n    /// <remarks>A None is null.</remarks>\n"
        "    /// <remarks>Tuples are value tuples; mcs takes `var t = (a, b);` but not a local "
        "declared `(string, long) t` or `foreach (var (a, b) in ...)`, and a tuple literal "
        "returned as a `(...)?` needs its items' exact types: `(word, (long)i)`.</remarks>\n"
        f"    public static {RET} Summarize(List<double> xs, string label, "
        "Dictionary<string, long> words, bool flag) {\n"
    )
    odd = parse_signature("def f(string: Optional[str], t: tuple[int]) -> None")
    assert "public static void F(string @string, ValueTuple<long> t) {" in FUNCTIONS.header(
        odd, "Odd."
    )


def test_literals_are_csharp_expressions():
    lit, t = FUNCTIONS.literal, parse_type
    generic = "global::System.Collections.Generic."
    assert lit([[1, 2], []], t("list[list[int]]")) == (
        f"new {generic}List<{generic}List<long>> {{ new {generic}List<long> {{ 1L, 2L }}, "
        f"new {generic}List<long> {{  }} }}"
    )
    assert lit({"3": None, "-1": 2}, t("dict[int, Optional[int]]")) == (
        f"new {generic}Dictionary<long, long?> {{ {{ 3L, (long?)null }}, {{ -1L, 2L }} }}"
    )
    assert lit(None, t("Optional[list[str]]")) == f"({generic}List<string>)null"
    assert lit(["a", 1.0], t("tuple[str, float]")) == (
        'new global::System.ValueTuple<string, double>("a", 1.0)'
    )
    assert [lit(x, t("float")) for x in (-0.0, math.inf, math.nan, 1e16)] == [
        "-0.0", "double.PositiveInfinity", "double.NaN", "1e+16"
    ]  # fmt: skip
    assert lit(-(2**63), t("int")) == "long.MinValue"
    assert lit('a"\\\n{0}é😀\ud800', t("str")) == ('"a\\"\\\\\\n{0}\\u00e9\\ud83d\\ude00\\ud800"')


def test_unsupported_signatures_have_a_reason():
    reason = FUNCTIONS.unsupported
    float_keys = replace(MUTATE, signature="def bump(d: dict[float, int]) -> int")
    with pytest.raises(FunctionProblemError, match="cannot express .*: dict keys of type float"):
        function_program(MUTATE_CODE, CSHARP, float_keys)  # the verdict: COMPILE_ERROR, counted
    assert "None" in reason(parse_signature("def f(x: None) -> int"))
    assert "None inside" in reason(parse_signature("def f(x: list[None]) -> int"))
    assert "keys" in reason(parse_signature("def f(d: dict[float, int]) -> int"))
    assert "7 items" in reason(parse_signature(f"def f(t: tuple[{', '.join(['int'] * 8)}]) -> int"))
    assert "Main" in reason(parse_signature("def main() -> int"))
    assert reason(parse_signature("def __() -> int"))
    assert reason(parse_signature(ECHO_SIG)) is None
    assert reason(parse_signature("def f(x: int) -> None")) is None


def test_main_tests_and_top_level_statements_are_stripped():
    code, target = csharp_functions.prepare(CORRECT, "summarize")
    assert target == "global::Answers.Problem.Summarize"
    assert "static void Main" not in code and "ProblemTests" not in code
    assert "NUnit" not in code and "using System.Linq;" in code
    assert code.count("\n") == CORRECT.count("\n")
    bare = "using System;\nlong Twice(long x) => 2 * x;\nConsole.WriteLine(Twice(2));\n"
    code, target = csharp_functions.prepare(bare, "twice")
    assert code == "using System;\nclass Problem { internal long Twice(long x) => 2 * x; }\n\n"
    assert target == "new global::Problem().Twice"
    broken = "class A { static void Main() { }\n"
    assert csharp_functions.prepare(broken, "f") == (broken, "Problem.F")


def test_doctests():
    assert doctest.testmod(csharp_functions).failed == 0
