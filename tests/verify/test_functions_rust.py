"""Function problems in Rust through the real sandbox: the Rust test driver (after the
candidate's code in one crate) runs every test in one process under catch_unwind, binds
each result to the signature's return type and writes it with its own impls, and the
candidate's main, tests, prints and early exits cannot talk their way to a pass. Every
sandbox program runs in one `verify_batch` (rustc is the slow part)."""

from __future__ import annotations

import doctest
import math
from dataclasses import replace

import pytest

from parallel_sft.languages import get_language, rust_functions
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

RUST = get_language("rust")
FUNCTIONS = RUST.functions

CORRECT = """\
use std::collections::HashMap;

/// A model's answer, with its own try-out and tests around it.
fn summarize(xs: Vec<f64>, label: String, words: HashMap<String, i64>, flag: bool)
    -> (Vec<f64>, String, Option<i64>, bool) {
    let mut sorted = xs.clone();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let negative = words.values().copied().find(|&v| v < 0);
    (sorted, format!("{}{}", label, words.len()), negative, !flag)
}

#[allow(dead_code)]
fn main() {
    println!("{:?}", summarize(vec![1.0], "x".into(), HashMap::new(), true));
    panic!("main ran");
}

#[test]
fn it_works() {
    panic!("a test ran");
}

#[cfg(test)]
mod tests {
    #[test]
    fn more() {}
}
"""
BODY_START = "    let mut sorted"
EXPECTED_1 = '[[1.5,2.0,3.0],"a1",null,false]'

# The round trip: every kind of value, nested, through a literal and back through the
# driver's impls; the candidate borrows some arguments (a `&str`, a slice, `&mut`).
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], m: list[list[int]],"
    " t: tuple[str, float]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " list[list[int]], tuple[str, float]]"
)
NASTY = 'q"uote \\ back {} {0} ${x} #{y} %s\nnew\ttab\r\x00\x01\x7f é 漢 😀 \u2028 \x85'
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
ECHO_CODE = """\
use std::collections::HashMap;

type Echo = (String, Vec<f64>, HashMap<i64, Option<String>>, Vec<Vec<i64>>, (String, f64));

fn echo(s: &str, xs: &[f64], d: HashMap<i64, Option<String>>, m: &mut Vec<Vec<i64>>,
        t: (String, f64)) -> Echo {
    (s.to_string(), xs.to_vec(), d, m.clone(), t)
}
"""
# Each call mutates its arguments: a driver that shared the values would see 102, then 202.
MUTATE = Problem(
    id="test/mutate", source="test", statement="Bump.", kind="function", entry_point="bump",
    signature="def bump(xs: list[int], d: dict[str, int]) -> int",
    tests=[call_test([[1], {"a": 1}], 102)] * 3,
)  # fmt: skip
MUTATE_CODE = """\
use std::collections::HashMap;

fn bump(mut xs: Vec<i64>, d: &mut HashMap<String, i64>) -> i64 {
    xs[0] += 100;
    *d.get_mut("a").unwrap() += 1;
    xs[0] + d["a"] - 1
}
"""
WRONG = (
    "fn summarize(xs: Vec<f64>, label: String, words: std::collections::HashMap<String, i64>,"
    " flag: bool) -> (Vec<f64>, String, Option<i64>, bool) {\n"
    "    (vec![], String::new(), None, false)\n}\n"
)

CASES: dict[str, tuple[str, Problem]] = {
    "correct": (CORRECT, PROBLEM),
    "echo": (ECHO_CODE, ECHO),
    "mutate": (MUTATE_CODE, MUTATE),
    "exit in the function": (
        CORRECT.replace(
            BODY_START, "    if xs.is_empty() { std::process::exit(0); }\n" + BODY_START
        ),
        PROBLEM,
    ),
    "panic on the empty list": (
        CORRECT.replace(
            BODY_START, '    if xs.is_empty() { panic!("no {}", "xs"); }\n' + BODY_START
        ),
        PROBLEM,
    ),
    "forged lines and the expected output": (
        WRONG.replace(
            "    (vec![]",
            '    for i in 0..3 { println!("{} ok {}", i, r#"' + EXPECTED_1 + '"#); }\n'
            '    println!("done");\n    print!(r#"' + EXPECTED_1 + '"#);\n    (vec![]',
        ),
        PROBLEM,
    ),
    "no such function": ("fn other() {}\n", PROBLEM),
}


@pytest.fixture(scope="module")
def verdicts():
    names = sorted(CASES)
    items = [(Candidate(CASES[n][1].id, "rust", CASES[n][0]), CASES[n][1]) for n in names]
    return dict(zip(names, verify_batch(items, progress=False), strict=True))


def _got(verdict) -> tuple[Status, int]:
    return verdict.status, verdict.tests_passed


def test_a_correct_function_passes_and_its_main_and_tests_do_not_run(verdicts):
    assert _got(verdicts["correct"]) == (Status.OK, 3), verdicts["correct"]


def test_values_round_trip_exactly_through_borrowed_arguments(verdicts):
    assert _got(verdicts["echo"]) == (Status.OK, 2), verdicts["echo"]


def test_a_mutated_argument_does_not_leak_into_the_next_test(verdicts):
    assert _got(verdicts["mutate"]) == (Status.OK, 3), verdicts["mutate"]


@pytest.mark.parametrize(
    ("case", "status", "passed", "detail"),
    [
        ("exit in the function", Status.RUNTIME_ERROR, 1, "ended before the driver finished"),
        ("panic on the empty list", Status.RUNTIME_ERROR, 2,
         'test 2: summarize([], "", {}, false) raised panicked at main.rs:6: no xs'),
        ("forged lines and the expected output", Status.WRONG_ANSWER, 0, "test 1:"),
        ("no such function", Status.COMPILE_ERROR, 0, "cannot find function `summarize`"),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(verdicts, case, status, passed, detail):
    verdict = verdicts[case]
    assert _got(verdict) == (status, passed), verdict
    assert detail in verdict.detail, verdict.detail


def test_a_value_rust_cannot_hold_is_the_problems_counted_reason():
    with pytest.raises(Exception, match="cannot write a test value: .* i64"):
        function_program(MUTATE_CODE, RUST, replace(MUTATE, tests=[call_test([[2**63], {}], 1)]))
    surrogate = replace(ECHO, tests=[call_test(["\ud800", [], {}, [], ["", 0.0]], None)])
    with pytest.raises(Exception, match="cannot write a test value: a lone surrogate"):
        function_program(ECHO_CODE, RUST, surrogate)


def test_header_is_a_documented_rust_function():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nReally.") == (
        "use std::collections::HashMap;\n\n/// Summarize.\n///\n/// Really.\n"
        "fn summarize(xs: Vec<f64>, label: String, words: HashMap<String, i64>, flag: bool)"
        " -> (Vec<f64>, String, Option<i64>, bool) {\n"
    )
    odd = parse_signature("def f(type: tuple[int], self: None) -> None")
    assert FUNCTIONS.header(odd, "Odd.") == "/// Odd.\nfn f(type_: (i64,), self_: ()) {\n"


def test_literals_are_rust_expressions():
    lit, t = FUNCTIONS.literal, parse_type
    assert lit([[1, 2], []], t("list[list[int]]")) == "vec![vec![1, 2], vec![]]"
    assert lit({"3": None, "-1": 2}, t("dict[int, Optional[int]]")) == (
        "::std::collections::HashMap::from([(3, None), (-1, Some(2))])"
    )
    assert lit(["a", 1.0], t("tuple[str, float]")) == '(String::from("a"), 1.0)'
    assert lit([7], t("tuple[int]")) == "(7,)"
    assert lit(-(2**63), t("int")) == "i64::MIN"
    assert [lit(x, t("float")) for x in (-0.0, math.inf, math.nan, 1e16)] == [
        "-0.0", "f64::INFINITY", "f64::NAN", "1e+16"
    ]  # fmt: skip
    assert lit('a"\\\n{}é😀', t("str")) == 'String::from("a\\"\\\\\\n{}\\u{e9}\\u{1f600}")'
    assert rust_functions.full_type(t("dict[str, Optional[list[int]]]")) == (
        "::std::collections::HashMap<::std::string::String, "
        "::std::option::Option<::std::vec::Vec<i64>>>"
    )


def test_unsupported_signatures_have_a_reason():
    reason = FUNCTIONS.unsupported
    float_keys = replace(MUTATE, signature="def bump(d: dict[float, int]) -> int")
    with pytest.raises(FunctionProblemError, match="cannot express .*: dict keys of type float"):
        function_program(MUTATE_CODE, RUST, float_keys)  # the verdict: COMPILE_ERROR, counted
    assert "keys" in reason(parse_signature("def f(d: dict[float, int]) -> int"))
    assert "12 items" in reason(
        parse_signature(f"def f(t: tuple[{', '.join(['int'] * 13)}]) -> int")
    )
    assert "Rust function" in reason(parse_signature("def match(x: int) -> int"))
    assert "Rust function" in reason(parse_signature("def main() -> int"))
    assert "Rust function" in reason(parse_signature("def _() -> int"))
    assert reason(parse_signature(ECHO_SIG)) is None
    assert reason(parse_signature("def f(x: None, y: list[None]) -> None")) is None


def test_main_and_tests_are_stripped_and_borrows_read():
    code, owner, borrows = rust_functions.prepare(CORRECT, "summarize", 4)
    assert "fn main" not in code and "it_works" not in code and "mod tests" not in code
    assert "#[test]" not in code and "#[cfg(test)]" not in code and "#[allow" not in code
    assert "use std::collections::HashMap;" in code and "fn summarize" in code
    assert code.count("\n") == CORRECT.count("\n") and (owner, borrows) == ("", [""] * 4)
    _, _, borrows = rust_functions.prepare(ECHO_CODE, "echo", 5)
    assert borrows == ["&", "&", "", "&mut ", ""]
    leetcode = "struct Solution;\nimpl Solution {\n    pub fn f(x: &[i64]) -> i64 { 0 }\n}\n"
    assert rust_functions.prepare(leetcode, "f", 1)[1:] == ("Solution", ["&"])
    broken = "fn main() {\nfn f( {\n"
    assert rust_functions.prepare(broken, "f", 1) == (broken, "", None)


def test_doctests():
    assert doctest.testmod(rust_functions).failed == 0
