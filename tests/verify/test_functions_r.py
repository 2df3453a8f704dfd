"""Function problems in R through the real sandbox: R's own values in (vectors, lists,
named lists, NULL), results read by the signature's type, and a candidate that quits
early, forges lines, sinks the output, shadows base functions or returns classed objects
cannot talk its way to a pass. Without a sandbox: the writers of types, literals, headers
and reasons, and the stripping of a model's try-outs."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, r
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

R = get_language("r")
FUNCTIONS = R.functions

HARD = 'q"uote \\ back $x #{x} `b` \\u00e9 %s\nnew\ttab\r\x01\x1b\x7f é 漢 🎉'


def problem(name: str, signature: str, tests: list, time_limit_s: float = 1.0) -> Problem:
    return Problem(
        id=f"test/{name}", source="test", statement="", kind="function", entry_point=name,
        signature=signature, tests=tests, time_limit_s=time_limit_s,
    )  # fmt: skip


SAME_TYPES = (
    "str, list[float], int, dict[int, Optional[str]], list[list[int]], bool, Optional[float]"
)
SAME = problem(
    "same",
    f"def same(s: str, xs: list[float], n: int, d: dict[int, Optional[str]], "
    f"m: list[list[int]], flag: bool, o: Optional[float]) -> tuple[{SAME_TYPES}]",
    [
        call_test(a, a)
        for a in [
            [HARD, [0.1, 1e-05, 1e300, -0.0, 5e-324, math.inf, math.nan, 3], 2**53,
             {"3": None, "-1": "é"}, [[1], []], True, None],
            ["", [], -(2**53), {}, [], False, 2.5],
            ["x", [2.5], 0, {"0": "a"}, [[7]], True, -math.inf],
        ]
    ],
)  # fmt: skip
SAME_CODE = "same <- function(s, xs, n, d, m, flag, o) list(s, xs, n, d, m, flag, o)\n"
RUNNING_MAX = "running_max <- function(numbers) {\n  cummax(numbers)\n}\n"
SHARED = problem(
    "running_max",
    "def running_max(numbers: list[int]) -> list[int]",
    [call_test([[1, 3, 2]], [1, 3, 3]), call_test([[]], []), call_test([[-5, 0]], [-5, 0])],
)
PAIR = problem("pair", "def pair(a: int) -> tuple[int, int]", [call_test([4], [4, 5])])
WORDS = problem(
    "words", "def words(n: int) -> dict[str, float]", [call_test([2], {"a": 2.0, "b": 0.5})]
)
MAYBE = problem(
    "maybe", "def maybe(x: int) -> Optional[int]", [call_test([0], None), call_test([3], 3)]
)
COUNT = problem("count_up", "def count_up(xs: list[int]) -> int", [call_test([[1, 2]], 4)] * 3)
SHADOWS = (
    "cat <- function(...) invisible(NULL)\nwriteLines <- function(...) invisible(NULL)\n"
    "paste0 <- function(...) 'x'\nlength <- function(x) 0L\nsprintf <- function(...) '0'\n"
    "format.numeric <- function(x, ...) '0'\nas.character.numeric <- function(x, ...) '0'\n"
)

# name: (code, problem, status, tests_passed, a piece of the detail)
CASES = {
    "values round-trip": (SAME_CODE, SAME, Status.OK, 3, ""),
    "a tuple as an atomic vector": ("pair <- function(a) c(a, a + 1L)\n", PAIR, Status.OK, 1, ""),
    "a dict as a named vector": ("words <- function(n) c(a = n, b = 1 / n)\n", WORDS,
                                 Status.OK, 1, ""),
    "NA and NULL are an Optional's none": (
        "maybe <- function(x) if (x == 0) NA else if (x == 1) NULL else x\n", MAYBE,
        Status.OK, 2, ""),
    "shadowed base functions, a sink left open, a print without a newline": (
        'running_max <- function(numbers) {\n  base::cat("debug")\n  sink("/dev/null")\n'
        "  cummax(numbers)\n}\n" + SHADOWS,
        SHARED, Status.OK, 3, ""),
    "mutating an argument does not leak": (
        "count_up <- function(xs) {\n  xs[1] <- xs[1] + 1\n  sum(xs)\n}\n", COUNT,
        Status.OK, 3, ""),
    "quit in the function ends the run": (
        "running_max <- function(numbers) {\n  if (!length(numbers)) quit(status = 0)\n"
        "  cummax(numbers)\n}\n",
        SHARED, Status.RUNTIME_ERROR, 1, "the program ended before the driver finished"),
    "forged lines without the token do not count": (
        'running_max <- function(numbers) {\n  cat("0 ok [1, 3, 3]\\n1 ok []\\ndone\\n")\n'
        "  c(1, 3, 3)\n}\n",
        SHARED, Status.WRONG_ANSWER, 1, "test 2: running_max([]) returned [1, 3, 3]"),
    "a classed object is refused, its methods never run": (
        'length.fake <- function(x) 3L\n"[[.fake" <- function(x, i) c(1, 3, 3)[i]\n'
        'running_max <- function(numbers) structure(list(), class = "fake")\n',
        SHARED, Status.RUNTIME_ERROR, 0, "returned an object of class fake"),
    "a factor is refused": (
        "running_max <- function(numbers) factor(cummax(numbers))\n",
        SHARED, Status.RUNTIME_ERROR, 0, "returned an object of class factor"),
    "a fraction where the signature has an int": (
        "running_max <- function(numbers) cummax(numbers) + 0.5\n",
        SHARED, Status.RUNTIME_ERROR, 1, "returned 1.5 where the signature has integer"),
    "an error is R's message": (
        'running_max <- function(numbers) {\n  if (!length(numbers)) stop("empty")\n'
        "  cummax(numbers)\n}\n",
        SHARED, Status.RUNTIME_ERROR, 2, "raised Error in running_max(numeric(0)): empty"),
    "no such function": ("other <- function(x) x\n", SHARED, Status.RUNTIME_ERROR, 0,
                         "loading the program: no function running_max is defined"),
    "a parse error is the driver's compile report": (
        "running_max <- function(numbers) {\n  cummax(numbers\n}\n", SHARED,
        Status.COMPILE_ERROR, 0, "solution.R:3:1: unexpected '}'"),
    "an int beyond 2^53 cannot be written": (
        RUNNING_MAX, problem("running_max", SHARED.signature or "",
                             [call_test([[2**53 + 1]], [2**53 + 1])]),
        Status.COMPILE_ERROR, 0, "cannot write a test value"),
}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "r", code), p) for code, p, *_ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_driver_verdicts(verdicts, name):
    _, p, status, passed, detail = CASES[name]
    verdict = verdicts[name]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert verdict.tests_total == len(p.tests)
    assert detail in verdict.detail, verdict.detail


def test_doctests():
    assert doctest.testmod(r).failed == 0


def test_header_is_roxygen_with_the_types_in_r_words():
    sig = parse_signature(SAME.signature or "")
    assert FUNCTIONS.header(sig, "Gives it back.\n\nAll of it.") == (
        "#' Gives it back.\n#'\n#' All of it.\n#'\n"
        "#' @param s character\n#' @param xs numeric vector\n#' @param n integer\n"
        "#' @param d named list of character or NULL (names are integers)\n"
        "#' @param m list of integer vectors\n#' @param flag logical\n"
        "#' @param o numeric or NULL\n"
        "#' @return list(character, numeric vector, integer, named list of character or NULL "
        "(names are integers), list of integer vectors, logical, numeric or NULL)\n"
        "same <- function(s, xs, n, d, m, flag, o) {\n"
    )
    odd = parse_signature("def f(function: int, _n: int, n: int) -> None")
    assert FUNCTIONS.header(odd, "").endswith(
        "#' @return NULL\nf <- function(function_, n, n_) {\n"
    )


@pytest.mark.parametrize(
    ("t", "value", "literal"),
    [
        ("list[int]", [1, -2], "c(1, -2)"),
        ("list[int]", [], "numeric(0)"),
        ("list[str]", [], "character(0)"),
        ("list[bool]", [True], "c(TRUE)"),
        ("list[Optional[int]]", [1, None], "list(1, NULL)"),
        ("list[list[float]]", [[0.1], []], "list(c(0.1), numeric(0))"),
        ("tuple[str, int]", ["a", 1], 'list("a", 1)'),
        ("dict[str, list[int]]", {"a b": [1], "c": []}, 'list("a b" = c(1), "c" = numeric(0))'),
        ("dict[int, bool]", {"3": True}, 'list("3" = TRUE)'),
        ("dict[str, int]", {"": 1, "x": 2}, 'setNames(list(1, 2), c("", "x"))'),
        ("dict[str, int]", {}, "list()"),
        ("Optional[float]", None, "NULL"),
        ("float", math.nan, "NaN"),
        ("float", -math.inf, "-Inf"),
        ("float", 1e-05, "1e-05"),
        ("str", "é\n🎉\x01", '"\\u{e9}\\n\\U{1f389}\\u{1}"'),
    ],
)
def test_literals_are_r_values(t, value, literal):
    assert FUNCTIONS.literal(value, parse_type(t)) == literal


@pytest.mark.parametrize(("t", "value"), [("int", 2**53 + 1), ("str", "a\x00"), ("str", "\ud800")])
def test_values_r_cannot_write_raise(t, value):
    with pytest.raises(ValueError):
        FUNCTIONS.literal(value, parse_type(t))


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("def f(d: dict[float, int]) -> int", "a named list's names are strings"),
        ("def f(x: int) -> dict[bool, int]", "a named list's names are strings"),
        ("def function(x: int) -> int", "not a name an R function can have"),
        ("def _f(x: int) -> int", "not a name an R function can have"),
    ],
)
def test_unsupported_signatures_have_a_reason(signature, reason):
    sig = parse_signature(signature)
    assert reason in (FUNCTIONS.unsupported(sig) or "")
    with pytest.raises(FunctionProblemError, match="cannot express"):
        function_program("f <- function(x) x", R, problem(sig.name, signature, []))
    assert FUNCTIONS.unsupported(parse_signature(SAME.signature or "")) is None


def test_top_level_calls_are_stripped_and_definitions_kept():
    code = (
        "library(stats)\nsuppressPackageStartupMessages(library(utils))\nlibrary(testthat)\n"
        "# a helper\nhelper <- function(x) x + 1\ng = \\(x) helper(x)\nLIMIT <- 3\n"
        "f <- function(x) if (x > 0) f(x - 1) else helper(x)\n"
        "print(f(1))\nstopifnot(f(0) == 1)\nresult <- f(2)\ncat(result, '\\n')\n"
        "main <- function() print(f(3))\nmain()\n"
        "if (sys.nframe() == 0) {\n  main()\n}\nfor (i in 1:2) print(i)\n"
        'test_that("f", {\n  expect_equal(f(0), 1)\n})\nquit(status = 0)\n'
    )
    kept = r.without_top_level_calls(code, "f")
    for line in ("library(stats)", "suppressPackageStartupMessages", "# a helper",
                 "helper <- function", "g = \\(x)", "LIMIT <- 3", "f <- function(x) if",
                 "main <- function"):  # fmt: skip
        assert line in kept, line
    for gone in ("testthat", "print(f(1))", "stopifnot", "result <-", "cat(", "main()\n",
                 "sys.nframe", "for (i", "test_that", "quit"):  # fmt: skip
        assert gone not in kept, gone
    assert kept.count("\n") == code.count("\n")  # line numbers hold
    broken = "f <- function(x {\nprint(1)\n"
    assert r.without_top_level_calls(broken, "f") == broken
