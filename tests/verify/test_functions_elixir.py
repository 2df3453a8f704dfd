"""Function problems in Elixir through the real sandbox: the token reaches the BEAM on a
pipe (not the reopenable stdin), the candidate's module is compiled and each call made in
a process of its own, and the driver writes each result by the signature's type to its own
port. A candidate's try-out code, prints, forged lines, halts, exits, kills and reads of
the token cannot earn a pass. The sandbox programs run as one batch; the rest is pure
Python."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import elixir, get_language
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

ELIXIR = get_language("elixir")
FUNCTIONS = ELIXIR.functions

BODY = """\
    negative = words |> Map.values() |> Enum.find(&(&1 < 0))
    {Enum.sort(xs), label <> Integer.to_string(map_size(words)), negative, not flag}
"""
HEAD = "  def summarize(xs, label, words, flag) do\n"


def module(body: str = BODY, before: str = "", after: str = "") -> str:
    return f"{before}defmodule HumanEval do\n{HEAD}{body}  end\n{after}end\n"


CORRECT = module(
    after='\n  def main, do: IO.inspect(summarize([2.0], "x", %{}, true))\n',
) + (
    "\nHumanEval.main()\nExUnit.start()\n\n"
    "defmodule HumanEvalTest do\n  use ExUnit.Case\n\n"
    '  test "summarize" do\n'
    '    assert HumanEval.summarize([], "", %{}, true) == {[], "0", nil, false}\n'
    "  end\nend\n"
)  # a model's own try-out: stripped
WRONG = "    {[], label, nil, flag}\n"
HALT = module("    if xs == [], do: System.halt(0)\n" + BODY)
STOP = module("    if xs == [], do: System.stop(0)\n" + BODY)
EXIT = module("    if xs == [], do: exit(:normal)\n" + BODY)
KILL = module("    if xs == [], do: Process.exit(self(), :kill)\n" + BODY)
FORGED = module(
    '    for i <- 0..2, do: IO.puts("#{i} ok [[1.5,2.0,3.0],\\"a1\\",null,false]")\n'
    '    IO.puts("done")\n' + WRONG,
    after='  IO.puts("0 ok null")\n',
)
# A thief that read the token would forge every test's right answer and `done`, then halt.
STEAL = module(
    '    for path <- ["/proc/self/fd/0", "/proc/self/fd/3"],\n'
    '        {:ok, token} <- [File.read(path)], token != "" do\n'
    '      answers = [~S([[1.5,2.0,3.0],"a1",null,false]), ~S([[],"0",null,true]),\n'
    '                 ~S([[-1.25,0.30000000000000004],"b2",-2,false])]\n'
    "      token = String.trim(token)\n"
    '      lines = for {a, i} <- Enum.with_index(answers), do: "\\n#{token} #{i} ok #{a}\\n"\n'
    '      File.write!("/dev/stdout", [lines, "\\n#{token} done\\n"], [:append])\n'
    "      System.halt(0)\n"
    "    end\n" + WRONG
)
LOAD_ERROR = module(after='  raise "boom"\n')
LIST = module(BODY.replace("{Enum.sort(xs),", "[Enum.sort(xs),").replace("not flag}", "not flag]"))
# Literals and results that are easy to get wrong: quotes, backslashes, interpolation
# characters, control and non-ASCII characters (an emoji is a surrogate pair in JSON), big
# integers, extreme floats, int keys with nil.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], t: tuple[int, bool],"
    " m: list[list[int]]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " tuple[int, bool], list[list[int]]]"
)
ECHO_ARGS = [
    ['q"uote \\ back #{x} $y\nnew\ttab\r\x00\x1b\x7f é1 漢 🎉 \u2028',
     [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 3], {"3": None, "-1": "é"},
     [2**70, True], [[1], []]],
    ["", [], {}, [-(2**70), False], []],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = "defmodule Echo do\n  def echo(s, xs, d, t, m), do: {s, xs, d, t, m}\nend\n"
PROGRAMS = {
    "correct": (CORRECT, PROBLEM),
    "halt": (HALT, PROBLEM),
    "stop": (STOP, PROBLEM),
    "exit": (EXIT, PROBLEM),
    "kill": (KILL, PROBLEM),
    "forged": (FORGED, PROBLEM),
    "steal": (STEAL, PROBLEM),
    "load error": (LOAD_ERROR, PROBLEM),
    "list for a tuple": (LIST, PROBLEM),
    "echo": (ECHO_CODE, ECHO),
}


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "elixir", code), p) for code, p in PROGRAMS.values()]
    return dict(zip(PROGRAMS, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize(
    ("name", "status", "passed", "detail"),
    [
        ("correct", Status.OK, 3, ""),  # its main call and ExUnit module stripped
        ("halt", Status.RUNTIME_ERROR, 1, "ended before the driver finished"),
        ("exit", Status.RUNTIME_ERROR, 2, 'test 2: summarize([], "", {}, false) raised exit'),
        ("kill", Status.RUNTIME_ERROR, 2, "the call's process was killed"),
        ("forged", Status.WRONG_ANSWER, 0, "test 1: "),
        ("steal", Status.WRONG_ANSWER, 0, "test 1: "),
        ("load error", Status.RUNTIME_ERROR, 0, "raised loading the program: RuntimeError: boom"),
        ("list for a tuple", Status.RUNTIME_ERROR, 0, "returned a list (or an improper one) where"),
        ("echo", Status.OK, 2, ""),
    ],
)
def test_programs_get_their_verdicts(verdicts, name, status, passed, detail):
    verdict = verdicts[name]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert detail in verdict.detail


def test_an_asynchronous_stop_never_says_done(verdicts):
    verdict = verdicts["stop"]
    assert verdict.status is Status.RUNTIME_ERROR, verdict  # every call returned; no `done`
    assert "ended before the driver finished" in verdict.detail


def test_doctests():
    assert doctest.testmod(elixir).failed == 0


def test_header_is_a_def_in_a_module_with_doc_and_spec():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, 'Summarize #{xs}.\n\nReally """.') == (
        'defmodule HumanEval do\n  @doc ~S"""\n  Summarize #{xs}.\n\n  Really "" ".\n  """\n'
        "  @spec summarize([float], String.t(), %{String.t() => integer}, boolean) ::"
        " {[float], String.t(), integer | nil, boolean}\n"
        "  def summarize(xs, label, words, flag) do\n"
    )
    odd = FUNCTIONS.header(parse_signature("def f(N: int, end: int) -> None"), "")
    assert (
        odd == "defmodule HumanEval do\n  @spec f(integer, integer) :: nil\n  def f(n, end_) do\n"
    )


def test_literals():
    def lit(value, t: str) -> str:
        return FUNCTIONS.literal(value, parse_type(t))

    assert lit([[1, -2]], "list[list[int]]") == "[[1, -2]]"
    assert lit({"-1": None}, "dict[int, Optional[str]]") == "%{-1 => nil}"
    assert lit(["a", 0.5], "Optional[tuple[str, float]]") == '{"a", 0.5}'
    assert lit(1e-05, "float") == "1.0e-05" and lit(3, "float") == "3.0"
    assert lit(2**70, "int") == str(2**70)
    for value, t in ((math.nan, "float"), (math.inf, "float"), ("\ud800", "str")):
        with pytest.raises(ValueError):
            lit(value, t)


def test_unsupported_signatures_say_why():
    def why(sig: str) -> str | None:
        return FUNCTIONS.unsupported(parse_signature(sig))

    assert "float" in (why("def f(d: dict[float, int]) -> int") or "")
    assert why("def Upper(x: int) -> int") and why("def nil(x: int) -> int")
    assert why(PROBLEM.signature or "") is None


def test_try_out_code_is_stripped_and_bare_defs_get_a_module():
    code = elixir.prepare(CORRECT)
    assert "HumanEval.main()" not in code and "ExUnit" not in code
    assert "def summarize" in code and "def main" in code
    assert code.count("\n") == CORRECT.count("\n")  # line numbers hold
    bare = elixir.prepare("def f(x), do: x\nIO.puts(f(1))\n")
    assert bare == "defmodule PsftSolution do\ndef f(x), do: x\n\n\nend\n"
    broken = "defmodule M do\n  def f(x) do\nend\n"
    assert elixir.prepare(broken) == broken
