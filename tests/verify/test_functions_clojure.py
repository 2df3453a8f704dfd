"""Clojure function problems: the writers of values, spec-typed docstrings and headers, the
stripping of a model's `-main` and top-level calls (pure Python), and the test driver
through the real sandbox, three programs in one batch: values round-trip exactly (lazy
sequences and nil for empty collections too, BigInts beyond a long), a string, a set or
a deftype is no list, and forged lines, a token read by top-level code, redefined core
functions and an early exit earn nothing. Clojure's values are immutable: an argument
cannot be mutated, so there is nothing to leak between tests (the driver reads each
test's arguments afresh anyway)."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import clojure_functions, get_language
from parallel_sft.languages.clojure_functions import without_test_code
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

from .test_function_fixtures import PROBLEMS

CLOJURE = get_language("clojure")
FUNCTIONS = CLOJURE.functions


def test_doctests():
    assert doctest.testmod(clojure_functions).failed == 0


def test_header_is_a_defn_with_spec_types_in_its_docstring():
    sig = parse_signature(
        "def first_word(text: str, min_len: int, new: dict[str, list[float]]) "
        "-> Optional[tuple[str, int]]"
    )
    assert FUNCTIONS.header(sig, 'Find the "word".\n\nReally \\ é.') == (
        "(defn first-word\n"
        '  "Find the \\"word\\".\n\n  Really \\\\ é.\n\n'
        "  text:    string?\n  min-len: int?\n  new_:    (map-of string? (coll-of double?))\n"
        '  returns: (nilable (tuple string? int?))"\n'
        "  [text min-len new_]\n"
    )


@pytest.mark.parametrize(
    ("value", "type_", "literal"),
    [
        ('q"\\\n\t\x01é🎉', "str", '"q\\"\\\\\\n\\u0009\\u0001\\u00e9\\ud83c\\udf89"'),
        (2**70, "int", "1180591620717411303424N"),
        (-(2**63), "int", "-9223372036854775808"),
        (math.nan, "float", "##NaN"),
        (-math.inf, "float", "##-Inf"),
        (1, "float", "1.0"),
        (None, "Optional[list[int]]", "nil"),
        ([["a", 1]], "list[tuple[str, int]]", '[["a" 1]]'),
        ({"3": None, "-1": True}, "dict[int, Optional[bool]]", "{3 nil, -1 true}"),
    ],
)  # fmt: skip
def test_literals(value, type_, literal):
    assert FUNCTIONS.literal(value, parse_type(type_)) == literal


def test_a_dict_whose_keys_collide_is_a_counted_reason():
    problem = Problem(
        id="t/f", source="t", statement="", kind="function", entry_point="f",
        signature="def f(d: dict[int, int]) -> int", tests=[call_test([{"1": 1, "01": 2}], 1)],
    )  # fmt: skip
    with pytest.raises(FunctionProblemError, match="the key 1 twice"):
        function_program("(defn f [d] 1)\n", CLOJURE, problem)


def unsupported(signature: str) -> str | None:
    return FUNCTIONS.unsupported(parse_signature(signature))


def test_unsupported_signatures_say_why():
    assert "dict keys" in (unsupported("def f(d: dict[float, int]) -> int") or "")
    assert "special form" in (unsupported("def recur(x: int) -> int") or "")
    assert unsupported("def f(x: list[None], y: None) -> None") is None  # nil is a value


MODEL_STYLE = """\
(ns solution.core
  (:require [clojure.string :as str]
            [clojure.test :refer [deftest is]]))

(def ^:private limit 10)
(defn- helper [x] (min x limit))
(defn running-max [numbers] (vec (reductions max numbers)))
(defmulti area :shape)

(deftest example (is (= [1 3 3] (running-max [1 3 2]))))
(println (running-max [1 3 2]))
(defn ^:private -main [& args] (println (running-max [1])))
(-main)
(comment (running-max []))
"""


def test_a_models_main_and_top_level_calls_are_stripped_and_definitions_kept():
    code = without_test_code(MODEL_STYLE)
    for gone in ("(deftest example", "println", "-main", "(comment"):
        assert gone not in code, gone
    for kept in ("(ns solution.core", "(def ^:private limit", "(defn- helper", "(defmulti"):
        assert kept in code, kept
    assert code.count("\n") == MODEL_STYLE.count("\n")  # line numbers hold
    broken = "(defn running-max [numbers]\n(println 1)\n"
    assert without_test_code(broken) == broken


ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], m: list[list[int]],"
    " t: tuple[bool, Optional[float]]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " list[list[int]], tuple[bool, Optional[float]]]"
)
ECHO_ARGS = [
    ['a"b\\c\nd\te\r\x01\x7f */ #{x} ${y} \\u0041', [0.1, 1e300, 5e-324, -0.0, math.inf],
     {"3": None, "-1": "é"}, [[1], [], [2**70, -(2**63)]], [True, None]],
    ["é 😀 \u2028 \ud7ff 漢", [math.nan, -math.inf, 1e-05, 1e16], {}, [], [False, 2.5]],
    ["", [], {"0": "x"}, [[0]], [True, -0.5]],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, time_limit_s=2.0, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
# A lazy sequence for a list, nil for an empty list (`seq`) and for an empty map.
ECHO_CODE = "(defn echo [s xs d m t]\n  [s (map identity xs) (not-empty d) (seq m) t])\n"
# Not a list: a string that prints like one, a set, the candidate's own sequential type.
NOT_A_LIST = """\
(deftype Fake [] clojure.lang.Sequential clojure.lang.Seqable (seq [_] (seq [1 3 3])))
(defn running-max [numbers]
  (case (count numbers) 3 (if (neg? (first numbers)) (Fake.) "[1, 3, 3]") #{}))
"""
# Forged lines without the token, a token read by top-level code (it runs after the
# driver has read the token), core functions redefined, and an exit at the third test.
HOSTILE = """\
(def stolen (read-line))
(alter-var-root #'clojure.core/str (constantly (fn [& _] "[1,3,3]")))
(alter-var-root #'clojure.core/first (constantly (fn [_] nil)))
(defn running-max [numbers]
  (println "0 ok [1,3,3]\\n1 ok []\\n2 ok [-5,-5,0]\\ndone")
  (when stolen
    (doseq [line ["0 ok [1,3,3]" "1 ok []" "2 ok [-5,-5,0]" "done"]] (println stolen line))
    (System/exit 0))
  (when (some neg? numbers) (System/exit 0))
  (vec (rest (reductions max Long/MIN_VALUE numbers))))
"""


def test_the_driver_in_the_sandbox():
    running_max = PROBLEMS["running_max"]
    echo, not_a_list, hostile = verify_batch(
        [
            (Candidate("test/echo", "clojure", ECHO_CODE), ECHO),
            (Candidate("fn/running_max", "clojure", NOT_A_LIST), running_max),
            (Candidate("fn/running_max", "clojure", HOSTILE), running_max),
        ],
        progress=False,
    )
    assert (echo.status, echo.tests_passed) == (Status.OK, 3), echo.detail
    assert (not_a_list.status, not_a_list.tests_passed) == (Status.RUNTIME_ERROR, 0)
    assert "returned java.lang.String where it is a list" in not_a_list.detail
    assert (hostile.status, hostile.tests_passed) == (Status.RUNTIME_ERROR, 2), hostile.detail
    assert "ended before the driver finished" in hostile.detail
