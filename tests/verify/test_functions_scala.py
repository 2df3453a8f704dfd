"""Scala function problems: the writers of types, literals and headers, the stripping of a
model's own `main`, `extends App` and test statements (pure Python), and the test driver
through the real sandbox, two programs in one batch (scalac is slow): values round-trip
exactly, and forged lines, a token read by the candidate's object and an early exit earn
nothing. Scala's List and Map are immutable: an argument cannot be mutated, so there is
nothing to leak between tests (the driver builds each test's arguments afresh anyway)."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, scala_functions
from parallel_sft.languages.scala_functions import prepare
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

from .test_function_fixtures import PROBLEMS

SCALA = get_language("scala")
FUNCTIONS = SCALA.functions
NAMES = ["runningMax", "running_max"]


def test_doctests():
    assert doctest.testmod(scala_functions).failed == 0


def test_types_and_header_are_scalas():
    sig = parse_signature(
        "def first_word(text: str, type: int, d: dict[str, list[float]], one: tuple[int]) "
        "-> Optional[tuple[str, int]]"
    )
    assert FUNCTIONS.header(sig, "Find it.\n\nNot /* nested */ comments, \\u002a/.") == (
        "object Problem {\n  /**\n   * Find it.\n   *\n"
        "   * Not /&#42; nested *&#47; comments, \\\\u002a/.\n   */\n"
        "  def firstWord(text: String, `type`: Long, d: Map[String, List[Double]], "
        "one: Tuple1[Long]): Option[(String, Long)] = {\n"
    )
    void = parse_signature("def log_all(x_: bool) -> None")
    assert FUNCTIONS.header(void, "").endswith("  def logAll(x_ : Boolean): Unit = {\n")


@pytest.mark.parametrize(
    ("value", "type_", "literal"),
    [
        ('q"$x\\\n\x01é🎉', "str", '"q\\"$x\\\\\\n\\001\\u00e9\\ud83c\\udf89"'),
        (-(2**63), "int", "-9223372036854775808L"),
        (math.nan, "float", "_root_.scala.Double.NaN"),
        (math.inf, "float", "_root_.scala.Double.PositiveInfinity"),
        (2, "float", "2.0"),
        (None, "Optional[int]", "_root_.scala.None"),
        (3, "Optional[int]", "_root_.scala.Some[_root_.scala.Long](3L)"),
        ([], "list[int]", "_root_.scala.collection.immutable.List[_root_.scala.Long]()"),
        (["a", True], "tuple[str, bool]",
         '_root_.scala.Tuple2[_root_.java.lang.String, _root_.scala.Boolean]("a", true)'),
        ({"3": "x"}, "dict[int, str]",
         '_root_.scala.collection.immutable.Map[_root_.scala.Long, _root_.java.lang.String]'
         '((3L, "x"))'),
    ],
)  # fmt: skip
def test_literals(value, type_, literal):
    assert FUNCTIONS.literal(value, parse_type(type_)) == literal


def test_an_int_beyond_long_is_a_counted_reason_not_a_wrong_literal():
    problem = Problem(
        id="t/f", source="t", statement="", kind="function", entry_point="f",
        signature="def f(n: int) -> int", tests=[call_test([-(2**63) - 1], 1)],
    )  # fmt: skip
    with pytest.raises(FunctionProblemError, match="outside Scala's Long"):
        function_program("object Problem { def f(n: Long): Long = n }\n", SCALA, problem)


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (f"def f(x: tuple[{', '.join(['int'] * 23)}]) -> int", "a tuple of 23"),
        ("def f(x: dict[bool, int]) -> int", "dict keys"),
        ("def f(x: Optional[list[None]]) -> int", "None inside a container"),
        ("def f(x: None) -> int", "a None parameter"),
        ("def match(x: int) -> int", "match cannot name"),
        ("def main(x: int) -> int", "main cannot name"),
    ],
)
def test_unsupported_signatures_say_why(signature, reason):
    assert reason in (FUNCTIONS.unsupported(parse_signature(signature)) or "")
    assert FUNCTIONS.unsupported(parse_signature("def f(x: tuple[int]) -> None")) is None


MODEL_STYLE = """\
package demo

import scala.collection.mutable
import org.scalatest.funsuite.AnyFunSuite

object Solution extends App {
  val Limit = 10
  def runningMax(numbers: List[Long]): List[Long] = numbers
  println(runningMax(List(1L)))
  assert(runningMax(Nil) == Nil)
}

object Main {
  def main(args: Array[String]): Unit = println(Solution.runningMax(Nil))
}

class RunningMaxTest extends AnyFunSuite {
  test("empty") { assert(Solution.runningMax(Nil).isEmpty) }
}
"""


def test_a_models_main_app_and_test_code_are_stripped_and_the_rest_kept():
    found = prepare(MODEL_STYLE, NAMES)
    for gone in ("println", "assert", "extends", "def main", "AnyFunSuite"):
        assert gone not in found.code, gone
    for kept in ("import scala.collection.mutable", "val Limit = 10", "object Main {"):
        assert kept in found.code, kept
    assert found.code.count("\n") == MODEL_STYLE.count("\n")  # line numbers hold
    assert (found.name, found.target) == ("runningMax", "Solution.")
    broken = "object Problem {\n  def runningMax(xs: List[Long]) = xs +\n"
    assert prepare(broken, NAMES).code == broken


def test_bare_code_is_wrapped_and_owners_are_found():
    bare = prepare("import scala.math._\ndef running_max(xs: List[Long]) = xs\nprintln(1)\n", NAMES)
    assert bare.code == (
        "import scala.math._\nobject Problem {\ndef running_max(xs: List[Long]) = xs\n\n\n}\n"
    )
    assert (bare.name, bare.target) == ("running_max", "Problem.")
    taken = prepare("object Problem\ndef runningMax(xs: List[Long]) = xs\n", NAMES)
    assert "object Psft_Problem {" in taken.code and taken.target == "Psft_Problem."
    assert prepare("class S { def runningMax() = 1 }", NAMES).target == "new S()."
    blocks = prepare("package a { package b { object O { def runningMax() = 1 } } }", NAMES)
    assert blocks.target == "a.b.O."


def test_the_driver_program_starts_the_drivers_object():
    sig = parse_signature(PROBLEMS["running_max"].signature or "")
    program = FUNCTIONS.driver(MODEL_STYLE, sig, [[[1, 2]]])
    assert "Solution.runningMax(_root_.scala.collection.immutable.List" in program
    assert SCALA.entry_point(program).values == {"main_class": "demo.Psft_Driver"}


ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], m: list[list[int]],"
    " t: tuple[bool, Optional[float]]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " list[list[int]], tuple[bool, Optional[float]]]"
)
ECHO_ARGS = [
    ['a"b\\c\nd\te\r\x01\x7f */ $x ${y} \\u0041 \\\\u0022', [0.1, 1e300, 5e-324, -0.0, math.inf],
     {"3": None, "-1": "é"}, [[1], []], [True, None]],
    ["é 😀 \u2028 \ud7ff 漢", [math.nan, -math.inf, 1e-05, 1e16], {},
     [[-(2**63), 2**63 - 1]], [False, 2.5]],
    ["", [], {"0": "x"}, [], [True, -0.5]],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, time_limit_s=2.0, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
object Echo {
  def echo(s: String, xs: List[Double], d: Map[Long, Option[String]], m: List[List[Long]],
           t: (Boolean, Option[Double])) = (s, xs, d, m, t)
}
"""
# Forged lines without the token, a token read by the object's initialiser (it runs at the
# first call: the driver has read the token by then), and an exit at the third test.
HOSTILE = """\
object Problem {
  val stolen: String = scala.io.StdIn.readLine()

  def runningMax(numbers: List[Long]): List[Long] = {
    println("0 ok [1,3,3]\\n1 ok []\\n2 ok [-5,-5,0]\\ndone")
    if (stolen != null) {
      for (line <- Seq("0 ok [1,3,3]", "1 ok []", "2 ok [-5,-5,0]", "done"))
        println(s"$stolen $line")
      sys.exit(0)
    }
    if (numbers.exists(_ < 0)) sys.exit(0)
    if (numbers.isEmpty) Nil else numbers.tail.scanLeft(numbers.head)(math.max)
  }
}
"""


def test_the_driver_in_the_sandbox():
    echo, hostile = verify_batch(
        [
            (Candidate("test/echo", "scala", ECHO_CODE), ECHO),
            (Candidate("fn/running_max", "scala", HOSTILE), PROBLEMS["running_max"]),
        ],
        progress=False,
    )
    assert (echo.status, echo.tests_passed) == (Status.OK, 3), echo.detail
    assert (hostile.status, hostile.tests_passed) == (Status.RUNTIME_ERROR, 2), hostile.detail
    assert "ended before the driver finished" in hostile.detail
