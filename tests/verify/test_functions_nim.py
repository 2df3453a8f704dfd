"""Nim function problems: the types and literals, the header, the cut of a model's
top-level try-out code, and the test driver through the real sandbox (every call in one
process, each result written by the signature's types with writers the candidate's
declarations cannot reach, reports on a copy of stdout that its echo never reaches).
The sandbox cases run in one batch."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, nim
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

FUNCTIONS = get_language("nim").functions

CORRECT = """\
import std/[algorithm, options, tables]

const Sep = ""

proc `$`(x: int): string = "0 ok [[1.5, 2.0, 3.0], \\"a1\\", null, false]"  # not the driver's

proc summarize(xs: seq[float], label: string, words: Table[string, int],
               flag: bool): (seq[float], string, Option[int], bool) =
  var negative = none(int)
  for word, n in words:
    if n < 0 and negative.isNone:
      negative = some(n)
  (xs.sorted, label & Sep & system.`$`(words.len), negative, not flag)

echo summarize(@[3.0, 1.5, 2.0], "a", {"x": 1}.toTable, true)  # a model's try-out: cut
doAssert summarize(@[], "", initTable[string, int](), false)[3]
when isMainModule:
  quit(1)
"""
WRONG = """\
import std/[options, tables]

proc write(fd: cint, buf: cstring, n: csize_t): int {.importc, header: "<unistd.h>".}

proc summarize(xs: seq[float], label: string, words: Table[string, int],
               flag: bool): (seq[float], string, Option[int], bool) =
  const line = "0 ok [[1.5, 2.0, 3.0], \\"a1\\", null, false]\\n"
  stdout.write line
  stdout.flushFile
  discard write(1, line, csize_t(line.len))
"""
# Every composite and the values that are easy to get wrong: quotes, backslashes, a NUL,
# control and non-ASCII characters, `$`/`{}` of Nim's formatting, extreme floats and
# ints (one past int32 is an int64 literal in Nim), empty containers.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], "
    "t: tuple[str, list[list[int]]], o: Optional[float]) -> tuple[str, list[float], "
    "dict[int, Optional[str]], tuple[str, list[list[int]]], Optional[float]]"
)
NASTY = 'a"b\\c\nd\te\r\x00\x01\x7f é 漢 😀 \\x41 %d $x ${y} {z} #[ ]#'
FLOATS = [0.1, -0.0, 1e300, 5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan,
          1 / 3, 1e16, 1e-05]  # fmt: skip
ECHO_ARGS = [
    [NASTY, FLOATS, {"-3": NASTY, "7": None, str(2**63 - 1): "", str(2**31): "x"},
     ["", [[-(2**63), 0, -(2**31) - 1], []]], 2.5],
    ["", [], {}, ["x", []], None],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
import std/[options, tables]

func echo(s: string, xs: seq[float], d: Table[int, Option[string]],
          t: tuple[name: string, rows: seq[seq[int]]], o: Option[float]):
    (string, seq[float], Table[int, Option[string]], (string, seq[seq[int]]), Option[float]) =
  (s, xs, d, (t.name, t.rows), o)
"""
# Two equal tests: what the first call does to its argument must not reach the second.
MUTATE = Problem(
    id="test/mutate", source="test", statement="Size.", kind="function", entry_point="size",
    signature="def size(xs: list[int], d: dict[str, int]) -> int",
    tests=[call_test([[1, 2], {"a": 1}], 3), call_test([[1, 2], {"a": 1}], 3)],
)  # fmt: skip
MUTATE_CODE = """\
import std/tables

proc size(xs: var seq[int], d: var Table[string, int]): int =
  xs.add 7
  xs[0] = 9
  d["b"] = 2
  xs.len + d.len - 2
"""


def _before_var(line: str, code: str = CORRECT) -> str:
    return code.replace("  var negative", f"  {line}\n  var negative")


CASES = {
    "correct, its try-out cut": (CORRECT, PROBLEM, Status.OK, 3, ""),
    "values round-trip": (ECHO_CODE, ECHO, Status.OK, 2, ""),
    "mutated arguments": (MUTATE_CODE, MUTATE, Status.OK, 2, ""),
    "forged lines without the token": (WRONG, PROBLEM, Status.WRONG_ANSWER, 0, "test 1:"),
    "quit(0) in a call": (
        _before_var("if xs.len == 0: quit(0)"), PROBLEM, Status.RUNTIME_ERROR, 1,
        "ended before the driver finished",
    ),
    "quit(0) at load time": (
        "proc stop(): int = quit(0)\nlet stopped = stop()\n" + CORRECT, PROBLEM,
        Status.RUNTIME_ERROR, 0, "ended before the driver finished",
    ),
    "an exception": (
        _before_var('if xs.len == 0: raise newException(ValueError, "no xs")'), PROBLEM,
        Status.RUNTIME_ERROR, 2, "raised ValueError: no xs",
    ),
    "a failed assertion": (
        _before_var('assert xs.len > 0, "no xs"'), PROBLEM, Status.RUNTIME_ERROR, 2,
        "raised AssertionDefect: ",
    ),
    "no such function": (
        CORRECT.replace("proc summarize(", "proc summarise("), PROBLEM, Status.COMPILE_ERROR,
        0, "summarize",
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "nim", code), p) for code, p, *_ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("case", list(CASES))
def test_driver_verdicts(verdicts, case):
    _, problem, status, passed, detail = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert verdict.tests_total == len(problem.tests)
    assert detail in verdict.detail, verdict.detail


def test_doctests():
    assert doctest.testmod(nim).failed == 0


def test_header_is_imports_the_proc_and_its_doc_comment():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nReally.") == (
        "import std/[options, tables]\n\n"
        "proc summarize(xs: seq[float], label: string, words: Table[string, int], "
        "flag: bool): (seq[float], string, Option[int], bool) =\n"
        "  ## Summarize.\n  ##\n  ## Really.\n"
    )
    odd = parse_signature("def f(type: int, min_len: int, minLen: int, _x: tuple[int]) -> None")
    assert FUNCTIONS.header(odd, "") == (
        "proc f(type2: int, min_len: int, minLen2: int, x: (int,)) =\n"
    )


def test_literals():
    lit = FUNCTIONS.literal
    assert lit('a"\\\n${x}é\x00', parse_type("str")) == '"a\\"\\\\\\x0A${x}\\xC3\\xA9\\x00"'
    assert lit(None, parse_type("Optional[tuple[str, int]]")) == "none((string, int))"
    assert lit(3, parse_type("Optional[int]")) == "some(3)"
    assert lit([], parse_type("list[list[int]]")) == "newSeq[seq[int]]()"
    assert lit({}, parse_type("dict[str, float]")) == "initTable[string, float]()"
    assert lit({"2": [["a", True]]}, parse_type("dict[int, list[tuple[str, bool]]]")) == (
        '{2: @[("a", true)]}.toTable'
    )
    assert lit(-(2**63), parse_type("int")) == "low(int)"
    assert lit(2**40, parse_type("int")) == f"int({2**40})"
    assert lit(-math.inf, parse_type("float")) == "-Inf"
    with pytest.raises(ValueError, match="does not fit"):
        lit(2**63, parse_type("int"))


def test_unsupported():
    reason = FUNCTIONS.unsupported
    assert "only int and str keys" in reason(parse_signature("def f(d: dict[bool, int]) -> int"))
    assert "None" in reason(parse_signature("def f(x: None) -> int"))
    assert "None inside" in reason(parse_signature("def f(x: list[None]) -> int"))
    for name in ("iterator", "is_not", "_f", "f_", "f__g"):
        assert "not a Nim proc name" in reason(parse_signature(f"def {name}(x: int) -> int"))
    assert reason(parse_signature(ECHO_SIG)) is None


def test_top_level_code_is_cut_and_its_lines_kept():
    code = nim.without_top_level_code(CORRECT)
    assert "echo summarize" not in code and "doAssert" not in code and "quit" not in code
    assert 'const Sep = ""' in code and "proc summarize" in code and "import std/" in code
    assert code.count("\n") == CORRECT.count("\n")
    kept = "when defined(release):\n  const Mode = 1\nfor i in 0..2: echo i\n"
    assert nim.without_top_level_code(kept) == "when defined(release):\n  const Mode = 1\n\n"
    broken = "proc f(): int =\n  (1\necho f()\n"
    assert nim.without_top_level_code(broken) == broken
