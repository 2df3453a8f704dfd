"""Function problems in Racket through the real sandbox: the driver reads the candidate's
program itself (after the token, which it keeps in a local), calls the function behind a
continuation barrier and writes each result by the signature's type with exact checks. A
candidate's try-out code, prints, forged lines, early exits, load-time errors and reads of
the token cannot earn a pass. The sandbox programs run as one batch; the rest is pure
Python."""

from __future__ import annotations

import doctest

import pytest

from parallel_sft.languages import get_language, racket
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

RACKET = get_language("racket")
FUNCTIONS = RACKET.functions

SUMMARIZE = """\
(define (summarize xs label words flag)
  (define negatives (filter negative? (hash-values words)))
  (list (sort xs <)
        (string-append label (number->string (hash-count words)))
        (and (pair? negatives) (first negatives))
        (not flag)))
"""
CORRECT = f"""\
#lang racket
(require rackunit)

;; A model's version, with its own try-out: stripped.
{SUMMARIZE}
(check-equal? (summarize '(2.0 1.0) "x" (hash) #t) '((1.0 2.0) "x0" #f #f))
(displayln (summarize '() "" (hash) #t))
(exit 3)
"""
LANG = "#lang racket\n"
WRONG = SUMMARIZE.replace("(sort xs <)", "'()").replace("(not flag)", "flag")
EXIT = LANG + SUMMARIZE.replace(
    "(define negatives", "(when (null? xs) (exit 0))\n  (define negatives"
)
FORGED = (
    LANG
    + '(define forged (for ([i 3]) (printf "~a ok [[1.5,2.0,3.0],\\"a1\\",null,false]\\n" i)))\n'
    + '(define done (displayln "done"))\n'
    + WRONG
)  # fmt: skip
LOAD_ERROR = LANG + '(define table (error "boom"))\n' + SUMMARIZE
UNBOUND = LANG + SUMMARIZE.replace("(sort xs <)", "(frobnicate xs)")
VECTOR = LANG + SUMMARIZE.replace("(list (sort xs <)", "(list (list->vector (sort xs <))")
# What a thief that read the token would forge: every test's right answer, then `done`.
ANSWERS = """\
(define ANSWERS '("[[1.5,2.0,3.0],\\"a1\\",null,false]" "[[],\\"0\\",null,true]"
                  "[[-1.25,0.30000000000000004],\\"b2\\",-2,false]"))
"""
STEAL = (
    LANG
    + ANSWERS
    + """\
(define stolen
  (or (with-handlers ([(lambda (e) #t) (lambda (e) #f)])
        (eval 'token (module->namespace (string->path "/box/main.rkt"))))
      (with-handlers ([(lambda (e) #t) (lambda (e) #f)])
        (string-trim (file->string "/proc/self/fd/0")))))
(define forged  ; a definition: kept, runs when the module does
 (when (and (string? stolen) (not (string=? stolen "")))
  (for ([answer (in-list ANSWERS)] [i 3]) (printf "\\n~a ~a ok ~a\\n" stolen i answer))
  (printf "\\n~a done\\n" stolen)
  (exit 0)))
"""
    + WRONG
)
# An argument that a call changes in place must not reach the next call: Racket's values
# here are immutable, so the attempt fails and the next test sees the original.
MUTATE_PROBLEM = Problem(
    id="test/mutate", source="test", statement="", kind="function", entry_point="keep",
    signature="def keep(s: str, d: dict[str, int]) -> str",
    tests=[call_test(["abc", {"k": 1}], "abc1"), call_test(["abc", {"k": 1}], "abc1")],
)  # fmt: skip
MUTATE = """\
#lang racket
(define (keep s d)
  (define before (string-append s (number->string (hash-ref d "k"))))
  (with-handlers ([exn:fail? void]) (string-set! s 0 #\\X))
  (with-handlers ([exn:fail? void]) (hash-set! d "k" 99))
  before)
"""
# Literals and results that are easy to get wrong: quotes, backslashes, interpolation
# characters, control and non-ASCII characters (an emoji is a surrogate pair in JSON),
# big integers, extreme floats, int keys with #f.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], t: tuple[int, bool],"
    " m: list[list[int]]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " tuple[int, bool], list[list[int]]]"
)
ECHO_ARGS = [
    ['q"uote \\ back #{x} $y ~a\nnew\ttab\r\x00\x1b\x7f é1 漢 🎉 \u2028',
     [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, float("inf"), float("-inf"),
      float("nan"), 3], {"3": None, "-1": "é"}, [2**70, True], [[1], []]],
    ["", [], {}, [-(2**70), False], []],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = "#lang racket\n(define (echo s xs d t m) (list s xs d t m))\n"
PROGRAMS = {
    "correct": (CORRECT, PROBLEM),
    "exit": (EXIT, PROBLEM),
    "forged": (FORGED, PROBLEM),
    "load error": (LOAD_ERROR, PROBLEM),
    "unbound": (UNBOUND, PROBLEM),
    "vector": (VECTOR, PROBLEM),
    "steal": (STEAL, PROBLEM),
    "mutate": (MUTATE, MUTATE_PROBLEM),
    "echo": (ECHO_CODE, ECHO),
}


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "racket", code), p) for code, p in PROGRAMS.values()]
    return dict(zip(PROGRAMS, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize(
    ("name", "status", "passed", "detail"),
    [
        ("correct", Status.OK, 3, ""),  # its check, display and exit stripped
        ("exit", Status.RUNTIME_ERROR, 1, "ended before the driver finished"),
        ("forged", Status.WRONG_ANSWER, 0, "test 1: "),
        ("load error", Status.RUNTIME_ERROR, 0, "raised loading the program: boom"),
        ("unbound", Status.COMPILE_ERROR, 0, "frobnicate: unbound identifier"),
        ("vector", Status.RUNTIME_ERROR, 0, "returned a vector where the signature has"),
        ("steal", Status.WRONG_ANSWER, 0, "test 1: "),
        ("mutate", Status.OK, 2, ""),
        ("echo", Status.OK, 2, ""),
    ],
)
def test_programs_get_their_verdicts(verdicts, name, status, passed, detail):
    verdict = verdicts[name]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert detail in verdict.detail


def test_doctests():
    assert doctest.testmod(racket).failed == 0


def test_header_is_a_define_under_a_typed_signature_comment():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nReally.") == (
        "#lang racket\n\n;; Summarize.\n;;\n;; Really.\n"
        ";; summarize : (Listof Float) String (HashTable String Integer) Boolean"
        " -> (List (Listof Float) String (U Integer #f) Boolean)\n"
        "(define (summarize xs label words flag)\n"
    )
    odd = FUNCTIONS.header(parse_signature("def f(match: int, cond: str) -> int"), "")
    assert odd.endswith(";; f : Integer String -> Integer\n(define (f match_ cond_)\n")
    bare = FUNCTIONS.header(parse_signature("def g() -> None"), "")
    assert bare == "#lang racket\n\n;; g : -> Void\n(define (g)\n"


def test_literals():
    def lit(value, t: str) -> str:
        return FUNCTIONS.literal(value, parse_type(t))

    assert lit([[1, -2]], "list[list[int]]") == "(list (list 1 -2))"
    assert lit({"-1": None}, "dict[int, Optional[str]]") == "(hash -1 #f)"
    assert lit(["a", 0.5], "Optional[tuple[str, float]]") == '(list "a" 0.5)'
    assert lit(float("-inf"), "float") == "-inf.0" and lit(None, "None") == "(void)"
    assert lit(2**70, "int") == str(2**70)
    with pytest.raises(ValueError):
        lit("\ud800", "str")


def test_unsupported_signatures_say_why():
    def why(sig: str) -> str | None:
        return FUNCTIONS.unsupported(parse_signature(sig))

    assert "both None and false" in (why("def f(x: list[Optional[bool]]) -> int") or "")
    assert "float" in (why("def f(d: dict[float, int]) -> int") or "")
    assert why("def define(x: int) -> int")
    assert why(PROBLEM.signature or "") is None


def test_top_level_expressions_are_stripped_and_definitions_kept():
    code = racket.without_top_level_expressions(CORRECT)
    assert "check-equal?" not in code and "displayln" not in code and "(exit 3)" not in code
    assert "(require rackunit)" in code and "(define (summarize" in code
    assert code.count("\n") == CORRECT.count("\n")  # line numbers hold
    assert (
        racket.without_top_level_expressions("(define x 1)\nx\n")
        == "#lang racket\n(define x 1)\n\n"
    )
    broken = "#lang racket\n(define (f x)\n(f 1)\n"
    assert racket.without_top_level_expressions(broken) == broken
