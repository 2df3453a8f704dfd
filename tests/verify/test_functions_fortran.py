"""Fortran function problems: the declarations, literals and header (a module procedure;
several results as a subroutine's out-arguments), what Fortran leaves out, the cut of a
model's `program`, and the test driver through the real sandbox (each call in a fork()ed
child, so an `error stop` or a `stop` fails that test only). The sandbox cases run in one
batch."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import fortran, get_language
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM as SHARED

FUNCTIONS = get_language("fortran").functions

# Every form a result takes (Optional, a tuple with an Optional item, arrays of each kind)
# and the values that are easy to get wrong: quotes, a backslash, a NUL, control and
# non-ASCII characters, a str and a list longer than a free-form line, extreme floats
# and integers, empty arrays.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], ns: list[int], flags: list[bool], k: int) -> "
    "Optional[tuple[str, list[float], list[int], list[bool], Optional[int]]]"
)
NASTY = "a\"b'c\\d\ne\tf\r\x00\x01\x7f é 漢 😀 ! & // %d $x"
FLOATS = [0.1, -0.0, 1e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
          math.inf, -math.inf, math.nan, 1 / 3, 1e16, 1e-05, 123456.789]  # fmt: skip
LONG_S = ("é'" * 150) + "x" * 200
LONG_XS = [i / 7 for i in range(300)]
ECHO_ARGS = [
    [NASTY, FLOATS, [-(2**63), 2**63 - 1, 0], [True, False], 5],
    [LONG_S, LONG_XS, list(range(-150, 150)), [], -1],
    ["", [], [], [], 0],
]


def _echoed(args):
    s, xs, ns, flags, k = args
    return None if k == 0 else [s, xs, ns, flags, k if k > 0 else None]


ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, _echoed(a)) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
module solution
  use, intrinsic :: iso_fortran_env, only: int64, real64
  implicit none
contains

  subroutine echo(s, xs, ns, flags, k, found, r1, r2, r3, r4, has_r5, r5)
    character(len=*), intent(in) :: s
    real(real64), intent(in) :: xs(:)
    integer(int64), intent(in) :: ns(:)
    logical, intent(in) :: flags(:)
    integer(int64), intent(in) :: k
    logical, intent(out) :: found
    character(len=:), allocatable, intent(out) :: r1
    real(real64), allocatable, intent(out) :: r2(:)
    integer(int64), allocatable, intent(out) :: r3(:)
    logical, allocatable, intent(out) :: r4(:)
    logical, intent(out) :: has_r5
    integer(int64), intent(out) :: r5
    found = k /= 0
    if (.not. found) return
    r1 = s
    r2 = xs
    r3 = ns
    r4 = flags
    has_r5 = k > 0
    r5 = k
  end subroutine echo

end module solution

program try_it
  use solution
  print *, "0 ok null"
end program try_it
"""
# A bare function (no module), its try-out program cut; the argument it changes is built
# afresh for the next test.
TWICE = Problem(
    id="test/twice", source="test", statement="Double.", kind="function", entry_point="twice",
    signature="def twice(xs: list[int]) -> int",
    tests=[call_test([[1, 2]], 6), call_test([[1, 2]], 6), call_test([[]], 0)],
)  # fmt: skip
TWICE_CODE = """\
integer(8) function twice(xs)
  integer(8), intent(inout) :: xs(:)
  xs = 2 * xs
  twice = sum(xs)
end function twice

program main
  print *, "0 ok 6"
end program main
"""
CASES = {
    "values round-trip": (ECHO_CODE, ECHO, Status.OK, 3, ""),
    "a bare function, its argument changed": (TWICE_CODE, TWICE, Status.OK, 3, ""),
    "forged lines without the token": (
        TWICE_CODE.replace("  twice = sum(xs)", "  print '(A)', '0 ok 6'\n  twice = 0"),
        TWICE, Status.WRONG_ANSWER, 1, 'test 1: twice([1, 2]) returned 0, expected 6',
    ),
    "stop (exit code 0) in one call": (
        TWICE_CODE.replace("  xs = 2 * xs", "  if (size(xs) == 0) stop\n  xs = 2 * xs"),
        TWICE, Status.RUNTIME_ERROR, 2, "ended the process (exit code 0) before returning",
    ),
    "a crash in one call": (
        TWICE_CODE.replace(
            "  xs = 2 * xs", "  integer, pointer :: p => null()\n  if (size(xs) == 0) p = 1\n"
            "  xs = 2 * xs"
        ),
        TWICE, Status.RUNTIME_ERROR, 2, "killed by signal 11 (SIGSEGV)",
    ),
    "no such procedure": (
        TWICE_CODE.replace("function twice", "function thrice").replace("twice =", "thrice ="),
        TWICE, Status.COMPILE_ERROR, 0, "twice",
    ),
    "a dict it cannot express": (TWICE_CODE, SHARED, Status.COMPILE_ERROR, 0, "cannot express"),
}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "fortran", code), p) for code, p, *_ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("case", list(CASES))
def test_driver_verdicts(verdicts, case):
    _, problem, status, passed, detail = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert verdict.tests_total == len(problem.tests)
    assert detail in verdict.detail, verdict.detail


def test_doctests():
    assert doctest.testmod(fortran).failed == 0


def test_header_is_a_module_procedure():
    sig = parse_signature("def running_max(numbers: list[int]) -> list[int]")
    assert FUNCTIONS.header(sig, "Running max.") == (
        "module solution\n  use, intrinsic :: iso_fortran_env, only: int64\n"
        "  implicit none\ncontains\n\n  ! Running max.\n"
        "  function running_max(numbers) result(r)\n"
        "    integer(int64), intent(in) :: numbers(:)\n"
        "    integer(int64), allocatable :: r(:)\n"
    )
    sig = parse_signature("def f(R: str, found: float) -> Optional[tuple[Optional[bool], str]]")
    assert FUNCTIONS.header(sig, "") == (
        "module solution\n  use, intrinsic :: iso_fortran_env, only: real64\n"
        "  implicit none\ncontains\n\n"
        "  ! Results: found_ is .false. for None (the rest is then not read); r1, r2 are "
        "the tuple's items; has_rI is .false. where item I is None.\n"
        "  subroutine f(R, found, found_, has_r1, r1, r2)\n"
        "    character(len=*), intent(in) :: R\n    real(real64), intent(in) :: found\n"
        "    logical, intent(out) :: found_\n    logical, intent(out) :: has_r1\n"
        "    logical, intent(out) :: r1\n"
        "    character(len=:), allocatable, intent(out) :: r2\n"
    )
    unsupported = FUNCTIONS.header(parse_signature(SHARED.signature or ""), "Summarize.")
    assert "no Fortran form: a parameter: a dict" in unsupported


def test_literals():
    lit = FUNCTIONS.literal
    assert lit("it's\n", parse_type("str")) == "'it''s' // achar(10)"
    assert lit("", parse_type("str")) == "''"
    assert lit([1, -2], parse_type("list[int]")) == "[integer(int64) :: 1_int64, -2_int64]"
    assert lit([], parse_type("list[bool]")) == "[logical :: ]"
    assert lit(1e-05, parse_type("float")) == "1e-05_real64"
    assert lit(-math.inf, parse_type("float")) == "ieee_value(0.0_real64, ieee_negative_inf)"
    assert lit(-(2**63), parse_type("int")) == "(-9223372036854775807_int64 - 1_int64)"
    with pytest.raises(ValueError, match="does not fit"):
        lit(2**63, parse_type("int"))


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("def f(d: dict[str, int]) -> int", "a parameter: a dict"),
        ("def f(x: int) -> dict[str, int]", "the result: a dict"),
        ("def f(xs: list[str]) -> int", "one length for all items"),
        ("def f(xs: list[list[int]]) -> int", "no jagged"),
        ("def f(x: int) -> list[Optional[int]]", "no jagged or mixed"),
        ("def f(p: tuple[int, int]) -> int", "a result's out-arguments only"),
        ("def f(x: int) -> tuple[int, tuple[int, int]]", "not nested"),
        ("def f(x: Optional[int]) -> int", "a result's flag only"),
        ("def f(x: None) -> int", "None"),
        ("def _f(x: int) -> int", "not a Fortran name"),
    ],
)
def test_unsupported(signature, reason):
    assert reason in (FUNCTIONS.unsupported(parse_signature(signature)) or "")


def test_supported():
    for signature in (ECHO_SIG, "def f(x: int) -> None", "def f(x: int) -> Optional[str]"):
        assert FUNCTIONS.unsupported(parse_signature(signature)) is None


def test_the_program_is_cut_and_loose_procedures_moved_into_a_module():
    code, module, wrap = fortran.prepare(ECHO_CODE, "echo")
    assert module == "solution" and wrap == "" and "program try_it" not in code
    assert code.count("\n") == ECHO_CODE.count("\n")
    inner = (
        "program main\n  use iso_fortran_env\n  implicit none\n  integer, parameter :: k = int64\n"
        "  print *, f(1_k)\ncontains\n  integer(k) function f(x)\n    integer(k) :: x\n"
        "    f = x\n  end function f\nend program main\n"
    )
    code, module, wrap = fortran.prepare(inner, "f")
    assert module is None and code.strip() == ""
    assert wrap.startswith(
        "module psft_solution\n  use iso_fortran_env\n  implicit none\n"
        "  integer, parameter :: k = int64\ncontains\n  integer(k) function f(x)\n"
    )
    assert "print" not in wrap
    broken = "module m\ncontains\n  function f(x\nend module m\nprogram p\nend program p\n"
    assert fortran.prepare(broken, "f") == (broken, "m", "")
