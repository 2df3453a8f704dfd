"""Kotlin function problems: the writers of types, literals and headers, the stripping of a
model's own `main` (pure Python), and the test driver through the real sandbox, two
programs in one batch (kotlinc is slow): values round-trip exactly, an argument the
candidate mutates does not leak into the next test, forged lines and an early exit earn
nothing, and the token is read before the candidate's top-level code runs."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, kotlin_functions
from parallel_sft.languages.kotlin_functions import camel, prepare
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

from .test_function_fixtures import PROBLEMS

KOTLIN = get_language("kotlin")
FUNCTIONS = KOTLIN.functions


def test_doctests():
    assert doctest.testmod(kotlin_functions).failed == 0


def test_types_and_header_are_kotlins():
    sig = parse_signature(
        "def first_word(text: str, min_len: int, fun: dict[str, list[float]]) "
        "-> Optional[tuple[str, int]]"
    )
    assert FUNCTIONS.header(sig, "Find it.\n\nNot /* nested */ comments.") == (
        "/**\n * Find it.\n *\n * Not /&#42; nested *&#47; comments.\n */\n"
        "fun firstWord(text: String, minLen: Long, fun_: Map<String, List<Double>>)"
        ": Pair<String, Long>? {\n"
    )
    void = parse_signature("def log_all(xs: tuple[int, bool, str]) -> None")
    assert FUNCTIONS.header(void, "").endswith("fun logAll(xs: Triple<Long, Boolean, String>) {\n")
    assert camel("__x__") == "__x__" and camel("a__b") == "aB"


@pytest.mark.parametrize(
    ("value", "type_", "literal"),
    [
        ('q"$x${y}\\\n\t\x01é🎉', "str",
         '"q\\"\\$x\\${y}\\\\\\n\\u0009\\u0001\\u00e9\\ud83c\\udf89"'),
        (-(2**63), "int", "kotlin.Long.MIN_VALUE"),
        (2**63 - 1, "int", "9223372036854775807L"),
        (math.nan, "float", "kotlin.Double.NaN"),
        (-math.inf, "float", "kotlin.Double.NEGATIVE_INFINITY"),
        (3, "float", "3.0"),
        (None, "Optional[int]", "null"),
        ([], "list[list[int]]",
         "kotlin.collections.arrayListOf<kotlin.collections.List<kotlin.Long>>()"),
        (["a", 1], "tuple[str, int]", 'kotlin.Pair<kotlin.String, kotlin.Long>("a", 1L)'),
        ({"3": None}, "dict[int, Optional[str]]",
         "kotlin.collections.linkedMapOf<kotlin.Long, kotlin.String?>"
         "(kotlin.Pair<kotlin.Long, kotlin.String?>(3L, null))"),
    ],
)  # fmt: skip
def test_literals(value, type_, literal):
    assert FUNCTIONS.literal(value, parse_type(type_)) == literal


def test_an_int_beyond_long_is_a_counted_reason_not_a_wrong_literal():
    with pytest.raises(ValueError, match="outside Kotlin's Long"):
        FUNCTIONS.literal(2**63, parse_type("int"))
    problem = Problem(
        id="t/f", source="t", statement="", kind="function", entry_point="f",
        signature="def f(n: int) -> int", tests=[call_test([2**70], 1)],
    )  # fmt: skip
    with pytest.raises(FunctionProblemError, match="cannot write a test value"):
        function_program("fun f(n: Long): Long = n\n", KOTLIN, problem)


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("def f(x: tuple[int, int, int, int]) -> int", "a tuple of 4"),
        ("def f(x: dict[float, int]) -> int", "dict keys"),
        ("def f(x: list[None]) -> int", "None inside a container"),
        ("def f(x: None) -> int", "a None parameter"),
        ("def when(x: int) -> int", "when cannot name"),
        ("def main(x: int) -> int", "main cannot name"),
    ],
)
def test_unsupported_signatures_say_why(signature, reason):
    assert reason in (FUNCTIONS.unsupported(parse_signature(signature)) or "")
    assert FUNCTIONS.unsupported(parse_signature("def f(x: Optional[int]) -> None")) is None


MODEL_STYLE = """\
package demo

import kotlin.math.max
import kotlin.test.assertEquals

const val LIMIT = 10

class Solution {
    fun runningMax(numbers: MutableList<Long>): List<Long> = numbers

    companion object {
        @JvmStatic
        fun main(args: Array<String>) {
            assertEquals(listOf(1L), Solution().runningMax(mutableListOf(1L)))
        }
    }
}

fun main() {
    println(Solution().runningMax(mutableListOf(1L)))
}
"""


def test_a_models_main_and_test_imports_are_stripped_and_the_rest_kept():
    found = prepare(MODEL_STYLE, ["runningMax", "running_max"])
    assert "main" not in found.code and "assertEquals" not in found.code
    assert "import kotlin.math.max" in found.code and "const val LIMIT" in found.code
    assert found.code.count("\n") == MODEL_STYLE.count("\n")  # line numbers hold
    assert (found.name, found.target, found.declared) == (
        "runningMax", "Solution().", ("MutableList<Long>",)
    )  # fmt: skip
    assert prepare("object O {\n fun running_max() = 1\n}\n", ["runningMax", "running_max"]) == (
        kotlin_functions.Found("object O {\n fun running_max() = 1\n}\n", "running_max", "O.", ())
    )
    broken = "fun runningMax(xs: List<Long>): List<Long> {\n    return xs +\n\nfun main() {}\n"
    assert prepare(broken, ["runningMax"]).code == broken


def test_the_driver_program_starts_the_drivers_object():
    sig = parse_signature(PROBLEMS["running_max"].signature or "")
    program = FUNCTIONS.driver(MODEL_STYLE, sig, [[[1, 2]]])
    assert "Solution().runningMax((kotlin.collections.arrayListOf<kotlin.Long>(1L, 2L)" in program
    assert KOTLIN.entry_point(program).values == {"main_class": "demo.Psft_Driver"}


# Hard values, round trip: the function returns what it was given, after appending to one
# argument (a MutableList, as the candidate declared it), which must not reach the next test.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], m: list[list[int]])"
    " -> tuple[tuple[str, list[float]], dict[int, Optional[str]], list[list[int]]]"
)
ECHO_ARGS = [
    ['a"b\\c\nd\te\r\x01\x7f */ $x ${y} \\u0041', [0.1, 1e300, 5e-324, -0.0, math.inf],
     {"3": None, "-1": "é"}, [[1], []]],
    ["é 😀 \u2028 \ud7ff 漢", [math.nan, -math.inf, 1e-05, 1e16], {},
     [[-(2**63), 2**63 - 1]]],
    ["", [], {"0": "x"}, [[1], []]],  # test 1's `m` again: a shared one would show [7] twice
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, time_limit_s=2.0,
    tests=[call_test(a, [[a[0], a[1]], a[2], [*a[3], [7]]]) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
fun echo(s: String, xs: List<Double>, d: Map<Long, String?>, m: MutableList<MutableList<Long>>):
        Triple<Pair<String, List<Double>>, Map<Long, String?>, List<List<Long>>> {
    m.add(mutableListOf(7L))
    return Triple(Pair(s, xs), d, m)
}
"""
# Forged lines without the token, a token read by top-level code (it runs at the first
# call: the driver has read the token by then), and an exit at the third test.
HOSTILE = """\
import kotlin.system.exitProcess

val stolen: String? = readLine()

fun runningMax(numbers: List<Long>): List<Long> {
    println("0 ok [1,3,3]\\n1 ok []\\n2 ok [-5,-5,0]\\ndone")
    if (stolen != null) {
        println("$stolen 0 ok [1,3,3]\\n$stolen 1 ok []\\n$stolen 2 ok [-5,-5,0]\\n$stolen done")
        exitProcess(0)
    }
    if (numbers.any { it < 0 }) exitProcess(0)
    val out = mutableListOf<Long>()
    for (x in numbers) out.add(if (out.isEmpty()) x else maxOf(out.last(), x))
    return out
}
"""


def test_the_driver_in_the_sandbox():
    verdicts = verify_batch(
        [
            (Candidate("test/echo", "kotlin", ECHO_CODE), ECHO),
            (Candidate("fn/running_max", "kotlin", HOSTILE), PROBLEMS["running_max"]),
        ],
        progress=False,
    )
    echo, hostile = verdicts
    assert (echo.status, echo.tests_passed) == (Status.OK, 3), echo.detail
    assert (hostile.status, hostile.tests_passed) == (Status.RUNTIME_ERROR, 2), hostile.detail
    assert "ended before the driver finished" in hostile.detail
