"""Function problems in Go through the real sandbox: the Go test driver (one file with the
candidate's code, its own imports, its own fd 1) runs every test in one process, writes
each result from the signature's type, and the candidate's main, tests and early exits
cannot talk their way to a pass. Every sandbox program runs in one `verify_batch`."""

from __future__ import annotations

import doctest
import math
from dataclasses import replace

import pytest

from parallel_sft.languages import get_language, go_functions
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

GO = get_language("go")
FUNCTIONS = GO.functions
RET = "Tuple4[[]float64, string, *int, bool]"

CORRECT = f"""\
package summary

import (
\t"fmt"
\t"sort"
\t"strconv"
\t"testing"
)

func summarize(xs []float64, label string, words map[string]int, flag bool) {RET} {{
\tsorted := append([]float64{{}}, xs...)
\tsort.Float64s(sorted)
\tvar negative *int
\tfor _, v := range words {{
\t\tif v < 0 {{
\t\t\tv := v
\t\t\tnegative = &v
\t\t}}
\t}}
\treturn {RET}{{sorted, label + strconv.Itoa(len(words)), negative, !flag}}
}}

func main() {{ // a model's own try-out: stripped, and fmt with it
\tfmt.Println(summarize([]float64{{1}}, "x", nil, true))
\tpanic("main ran")
}}

func TestSummarize(t *testing.T) {{
\tt.Fatal("a test ran")
}}
"""
BODY_START = "\tsorted := append"
EXPECTED_1 = '[[1.5,2.0,3.0],"a1",null,false]'

# The round trip: every kind of value, nested, through a literal and back through the
# writers (a tuple in a tuple, int-keyed maps with nils, hard strings and floats).
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], m: list[list[int]],"
    " t: tuple[str, float]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " list[list[int]], tuple[str, float]]"
)
NASTY = 'q"uote \\ back ${x} #{y} %v %s\nnew\ttab\r\x01\x7f é 漢 😀 \u2028'
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
ECHO_RET = "Tuple5[string, []float64, map[int]*string, [][]int, Tuple2[string, float64]]"
ECHO_CODE = f"""\
package main

// Copied from the header: the driver's own declaration wins.
type Tuple2[T0, T1 any] struct {{
\tF0 T0
\tF1 T1
}}

func echo(s string, xs []float64, d map[int]*string, m [][]int, t Tuple2[string, float64]) {ECHO_RET} {{
\treturn {ECHO_RET}{{s, xs, d, m, t}}
}}
"""  # noqa: E501
# Each call mutates its argument: a driver that shared the values would see 101, then 201.
MUTATE = Problem(
    id="test/mutate", source="test", statement="Bump.", kind="function", entry_point="bump",
    signature="def bump(xs: list[int], d: dict[str, int]) -> int",
    tests=[call_test([[1], {"a": 1}], 102)] * 3,
)  # fmt: skip
MUTATE_CODE = """\
package main

func bump(xs []int, d map[string]int) int {
\txs[0] += 100
\td["a"]++
\treturn xs[0] + d["a"] - 1
}
"""
BIG = replace(MUTATE, tests=[call_test([[2**63], {}], 1)])
WRONG = f"func summarize(xs []float64, label string, words map[string]int, flag bool) {RET} {{\n"
WRONG += f"\treturn {RET}{{}}\n}}\n"

CASES: dict[str, tuple[str, Problem]] = {
    "correct": (CORRECT, PROBLEM),
    "echo": (ECHO_CODE, ECHO),
    "mutate": (MUTATE_CODE, MUTATE),
    "too big an int": (MUTATE_CODE, BIG),
    "exit in the function": (
        CORRECT.replace('"testing"', '"testing"\n\t"os"').replace(
            BODY_START, "\tif len(xs) == 0 {\n\t\tos.Exit(0)\n\t}\n" + BODY_START
        ),
        PROBLEM,
    ),
    "exit in init": (
        CORRECT.replace('"testing"\n)\n', '"testing"\n\t"os"\n)\n\nfunc init() { os.Exit(0) }\n'),
        PROBLEM,
    ),
    "panic on the empty list": (
        CORRECT.replace(
            BODY_START,
            '\tif len(xs) == 0 {\n\t\tpanic(fmt.Errorf("no %s", "xs"))\n\t}\n' + BODY_START,
        ),
        PROBLEM,
    ),  # fmt: skip
    "forged lines without the token": (
        'import "fmt"\n\nfunc init() {\n\tfor i := 0; i < 3; i++ {\n'
        f'\t\tfmt.Printf("%d ok %s\\n", i, `{EXPECTED_1}`)\n\t}}\n\tfmt.Println("done")\n}}\n\n'
        + WRONG,
        PROBLEM,
    ),
    "steal the token in init": (  # with the token, test 1 would pass
        'import (\n\t"bufio"\n\t"fmt"\n\t"os"\n\t"strings"\n)\n\nfunc init() {\n'
        "\ttoken, _ := bufio.NewReader(os.Stdin).ReadString('\\n')\n"
        "\ttoken = strings.TrimSpace(token)\n"
        f'\tfmt.Printf("\\n%s 0 ok %s\\n%s done\\n", token, `{EXPECTED_1}`, token)\n'
        "\tos.Exit(0)\n}\n\n" + WRONG,
        PROBLEM,
    ),
    "a string that is not UTF-8": (
        CORRECT.replace("label + strconv.Itoa", 'label + "\\xff" + strconv.Itoa'),
        PROBLEM,
    ),
    "print the expected output": (
        'import "fmt"\n\n' + WRONG.replace("\treturn", f"\tfmt.Print(`{EXPECTED_1}`)\n\treturn"),
        PROBLEM,
    ),
    "another return type": (
        "func summarize(xs []float64, label string, words map[string]int, flag bool) []float64 {\n"
        "\treturn xs\n}\n",
        PROBLEM,
    ),
    "no such function": ("func other() {}\n", PROBLEM),
}


@pytest.fixture(scope="module")
def verdicts():
    names = sorted(CASES)
    items = [(Candidate(CASES[n][1].id, "go", CASES[n][0]), CASES[n][1]) for n in names]
    return dict(zip(names, verify_batch(items, progress=False), strict=True))


def _got(verdict) -> tuple[Status, int]:
    return verdict.status, verdict.tests_passed


def test_a_correct_function_passes_and_its_main_and_tests_do_not_run(verdicts):
    assert _got(verdicts["correct"]) == (Status.OK, 3), verdicts["correct"]


def test_values_round_trip_exactly(verdicts):
    assert _got(verdicts["echo"]) == (Status.OK, 2), verdicts["echo"]


def test_a_mutated_argument_does_not_leak_into_the_next_test(verdicts):
    assert _got(verdicts["mutate"]) == (Status.OK, 3), verdicts["mutate"]


def test_an_int_beyond_64_bits_is_the_problems_counted_reason(verdicts):
    verdict = verdicts["too big an int"]
    assert verdict.status is Status.COMPILE_ERROR
    assert "cannot write a test value" in verdict.detail and "64 bits" in verdict.detail


@pytest.mark.parametrize(
    ("case", "status", "passed", "detail"),
    [
        ("exit in the function", Status.RUNTIME_ERROR, 1, "ended before the driver finished"),
        ("exit in init", Status.RUNTIME_ERROR, 0, "ended before the driver finished"),
        ("panic on the empty list", Status.RUNTIME_ERROR, 2,
         'test 2: summarize([], "", {}, false) raised panic: no xs'),
        ("forged lines without the token", Status.WRONG_ANSWER, 0, "test 1:"),
        ("steal the token in init", Status.RUNTIME_ERROR, 0, "ended before the driver"),
        ("a string that is not UTF-8", Status.RUNTIME_ERROR, 0,
         "raised returned a string that is not UTF-8"),
        ("print the expected output", Status.WRONG_ANSWER, 0, "test 1:"),
        ("another return type", Status.COMPILE_ERROR, 0, "psft_driver.go"),
        ("no such function", Status.COMPILE_ERROR, 0, "undefined: summarize"),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(verdicts, case, status, passed, detail):
    verdict = verdicts[case]
    assert _got(verdict) == (status, passed), verdict
    assert detail in verdict.detail, verdict.detail


def test_header_is_a_documented_go_function():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nReally.") == (
        "package main\n\n"
        "// Tuple4 is a tuple of 4 values (the test driver declares it).\n"
        "type Tuple4[T0, T1, T2, T3 any] struct {\n\tF0 T0\n\tF1 T1\n\tF2 T2\n\tF3 T3\n}\n\n"
        "// Summarize.\n//\n// Really.\n//\n// An Optional value is a pointer: nil for None.\n"
        f"func summarize(xs []float64, label string, words map[string]int, flag bool) {RET} {{\n"
    )
    odd = parse_signature("def f(type: int, len: str, len_: bool) -> None")
    assert FUNCTIONS.header(odd, "Odd.").endswith("func f(type_ int, len_ string, len__ bool) {\n")


def test_literals_are_go_expressions():
    lit, t = FUNCTIONS.literal, parse_type
    assert lit([[1, 2], []], t("list[list[int]]")) == "[][]int{[]int{1, 2}, []int{}}"
    assert lit({"3": None, "-1": 2}, t("dict[int, Optional[int]]")) == (
        "map[int]*int{3: nil, -1: psftSome[int](2)}"
    )
    assert lit(["a", 1.0], t("Optional[tuple[str, float]]")) == (
        'psftSome[Tuple2[string, float64]](Tuple2[string, float64]{"a", 1.0})'
    )
    assert lit(-0.0, t("float")) == "psftmath.Copysign(0, -1)"
    assert lit(math.nan, t("float")) == "psftmath.NaN()"
    assert lit(1e16, t("float")) == "1e+16"
    assert lit('a"\\\n\té😀', t("str")) == '"a\\"\\\\\\n\\t\\u00e9\\U0001f600"'
    with pytest.raises(ValueError, match="64 bits"):
        lit(-(2**63) - 1, t("int"))
    with pytest.raises(ValueError, match="surrogate"):
        lit("\ud800", t("str"))


def test_unsupported_signatures_have_a_reason():
    reason = FUNCTIONS.unsupported
    float_keys = replace(MUTATE, signature="def bump(d: dict[float, int]) -> int")
    with pytest.raises(FunctionProblemError, match="cannot express .*: dict keys of type float"):
        function_program(MUTATE_CODE, GO, float_keys)  # the verdict: COMPILE_ERROR, counted
    assert "None" in reason(parse_signature("def f(x: None) -> int"))
    assert "None inside" in reason(parse_signature("def f(x: list[None]) -> int"))
    assert "keys" in reason(parse_signature("def f(d: dict[float, int]) -> int"))
    assert "Go function" in reason(parse_signature("def range(x: int) -> int"))
    assert "Go function" in reason(parse_signature("def main() -> int"))
    assert "Go function" in reason(parse_signature("def _() -> int"))
    assert reason(parse_signature(ECHO_SIG)) is None
    assert reason(parse_signature("def f(x: int) -> None")) is None


def test_main_tests_and_their_imports_are_stripped():
    imports, body, defined = go_functions.prepare(CORRECT)
    assert imports == (
        '//line solution.go:5\nimport "sort"\n//line solution.go:6\nimport "strconv"\n'
    )
    assert "package" not in body and "func main" not in body and "TestSummarize" not in body
    assert "func summarize" in body and body.count("\n") == CORRECT.count("\n")
    assert defined == {"summarize"}
    broken = 'package main\nimport "fmt"\nfunc main() {\n\tfmt.Println(\n'
    imports, body, _ = go_functions.prepare(broken)  # does not parse: main stays
    assert imports == '//line solution.go:2\nimport "fmt"\n' and "func main()" in body


def test_doctests():
    assert doctest.testmod(go_functions).failed == 0
