"""Function problems in OCaml through the real sandbox: the candidate's code is the body
of a functor the driver applies inside `try`, after the token is read and out of its
reach, and each result is written by the signature's type. A candidate's main, prints,
forged lines, early exits and load-time exceptions cannot earn a pass. The sandbox programs
run as one batch; the rest is pure Python."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, ocaml
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

OCAML = get_language("ocaml")
FUNCTIONS = OCAML.functions

SUMMARIZE = """\
let summarize (xs : float list) (label : string) (words : (string * int) list) (flag : bool)
    : float list * string * int option * bool =
  let negative = List.find_opt (fun v -> v < 0) (List.map snd words) in
  (List.sort compare xs, label ^ string_of_int (List.length words), negative, not flag)
"""
CORRECT = f"""\
open Printf

(** A model's version, with its own try-out: stripped. *)
{SUMMARIZE}
let () =
  let _, label, _, _ = summarize [ 1. ] "x" [] true in
  printf "%s\\n" label;
  exit 3

let _ = assert (summarize [] "" [] true = ([], "0", None, false));;

print_endline "done"
"""
EXIT = SUMMARIZE.replace("let negative =", "if xs = [] then exit 0;\n  let negative =")
FORGED = (
    'let () = for i = 0 to 2 do Printf.printf "%d ok [[1.5,2.0,3.0],\\"a1\\",null,false]\\n" i'
    ' done; print_endline "done"\n'
    'let table = List.iter print_endline ["0 ok null"; "done"]\n'
    + SUMMARIZE.replace("(List.sort compare xs,", "([],").replace("not flag)", "flag)")
)
# A thief that read the token would forge every test's right answer and `done`, then exit.
STEAL = (
    "let stolen =\n"
    '  try String.trim (input_line (open_in "/proc/self/fd/0")) with _ -> ""\n\n'
    "let answers =\n"
    '  [ {|[[1.5,2.0,3.0],"a1",null,false]|}; {|[[],"0",null,true]|};\n'
    '    {|[[-1.25,0.30000000000000004],"b2",-2,false]|} ]\n\n'
    "let forged =  (* a definition: kept, runs when the module does *)\n"
    '  if stolen <> "" then (\n'
    '    List.iteri (fun i a -> Printf.printf "\\n%s %d ok %s\\n" stolen i a) answers;\n'
    '    Printf.printf "\\n%s done\\n" stolen;\n'
    "    exit 0)\n\n"
    + SUMMARIZE.replace("(List.sort compare xs,", "([],").replace("not flag)", "flag)")
)
LOAD_ERROR = 'let table : (string, int) Hashtbl.t = failwith "boom"\n' + SUMMARIZE
WRONG_TYPE = SUMMARIZE.replace("(List.sort compare xs,", "(Array.of_list xs,").replace(
    ": float list * string", ": float array * string"
)
TOKEN = SUMMARIZE.replace("let negative =", "print_string psft_token;\n  let negative =")

# Literals and results that are easy to get wrong: quotes, backslashes, interpolation
# characters, control and non-ASCII bytes, extreme ints and floats, int keys with None.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], t: tuple[int, bool],"
    " m: list[list[int]]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " tuple[int, bool], list[list[int]]]"
)
ECHO_ARGS = [
    ['q"uote \\ back #{x} $y\nnew\ttab\r\x00\x1b\x7f é1 漢 🎉 \u2028',
     [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan, 3],
     {"3": None, "-1": "é"}, [2**62 - 1, True], [[1], []]],
    ["", [], {}, [-(2**62), False], []],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = "let echo s xs d t m = (s, xs, d, t, m)\n"
PROGRAMS = {
    "correct": (CORRECT, PROBLEM),
    "exit": (EXIT, PROBLEM),
    "forged": (FORGED, PROBLEM),
    "load error": (LOAD_ERROR, PROBLEM),
    "steal": (STEAL, PROBLEM),
    "wrong type": (WRONG_TYPE, PROBLEM),
    "token": (TOKEN, PROBLEM),
    "echo": (ECHO_CODE, ECHO),
}


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "ocaml", code), p) for code, p in PROGRAMS.values()]
    return dict(zip(PROGRAMS, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize(
    ("name", "status", "passed", "detail"),
    [
        ("correct", Status.OK, 3, ""),  # its `let () =` (and its exit) stripped
        ("exit", Status.RUNTIME_ERROR, 1, "ended before the driver finished"),
        ("forged", Status.WRONG_ANSWER, 0, "test 1: "),
        ("steal", Status.WRONG_ANSWER, 0, "test 1: "),
        ("load error", Status.RUNTIME_ERROR, 0, 'raised loading the program: Failure("boom")'),
        ("wrong type", Status.COMPILE_ERROR, 0, "Signature mismatch"),
        ("token", Status.COMPILE_ERROR, 0, "has type unit"),  # psft_token is ()
        ("echo", Status.OK, 2, ""),
    ],
)
def test_programs_get_their_verdicts(verdicts, name, status, passed, detail):
    verdict = verdicts[name]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert detail in verdict.detail


def test_doctests():
    assert doctest.testmod(ocaml).failed == 0


def test_header_is_an_odoc_comment_and_a_typed_let():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, 'Summarize "xs".\n\nReally.') == (
        '(** Summarize "xs".\n\n    Really. *)\n'
        "let summarize (xs : float list) (label : string) (words : (string * int) list)"
        " (flag : bool) : float list * string * int option * bool =\n"
    )
    odd = parse_signature("def f(N: int, end: Optional[tuple[int, str]]) -> None")
    assert FUNCTIONS.header(odd, 'An odd "quote.') == (
        "(** An odd 'quote. *)\nlet f (n : int) (end' : (int * string) option) : unit =\n"
    )
    assert FUNCTIONS.header(parse_signature("def g() -> int"), "").startswith("let g () : int")


def test_literals():
    def lit(value, t: str) -> str:
        return FUNCTIONS.literal(value, parse_type(t))

    assert lit([[1, -2]], "list[list[int]]") == "[[1; (-2)]]"
    assert lit({"-1": None}, "dict[int, Optional[str]]") == "[((-1), None)]"
    assert lit(["a", -0.5], "Optional[tuple[str, float]]") == '(Some ("a", (-0.5)))'
    assert lit(math.nan, "float") == "Float.nan" and lit(None, "None") == "()"
    for value, t in ((2**62, "int"), ("\ud800", "str")):
        with pytest.raises(ValueError):
            lit(value, t)


def test_unsupported_signatures_say_why():
    def why(sig: str) -> str | None:
        return FUNCTIONS.unsupported(parse_signature(sig))

    assert "1-tuple" in (why("def f(x: tuple[int]) -> int") or "")
    assert "float" in (why("def f(d: dict[float, int]) -> int") or "")
    assert why("def match(x: int) -> int") and why("def Upper(x: int) -> int")
    assert why(PROBLEM.signature or "") is None


def test_top_level_effects_are_stripped_and_definitions_kept():
    code = ocaml.without_top_level_effects(CORRECT)
    assert "exit 3" not in code and "assert" not in code and 'print_endline "done"' not in code
    assert "open Printf" in code and "let summarize" in code
    assert code.count("\n") == CORRECT.count("\n")  # line numbers hold
    broken = "let f x =\nlet () = print_int 1\n"
    assert ocaml.without_top_level_effects(broken) == broken
