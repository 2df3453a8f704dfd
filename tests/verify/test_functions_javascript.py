"""Function problems in JavaScript through the real sandbox: the Node.js test driver runs
every test in one process, serialises each result by the signature's type (never through
the value's own hooks), and a candidate that patches builtins or forges lines cannot pass."""

from __future__ import annotations

import pytest

from parallel_sft.languages import get_language
from parallel_sft.languages.javascript import without_top_level_calls
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Status

from .test_functions import PROBLEM

JS = get_language("javascript")
FUNCTIONS = JS.functions
EXPECTED = '[[1.5, 2.0, 3.0], "a1", null, false]'  # test 1's expected value, as JSON

CORRECT = """\
"use strict";
const assert = require("assert");

function summarize(xs, label, words, flag) {
  const negatives = Object.values(words).filter((v) => v < 0);
  return [[...xs].sort((a, b) => a - b), label + Object.keys(words).length,
          negatives.length ? negatives[0] : null, !flag];
}

console.log(summarize([1], "x", {}, true));  // a model's own try-out: stripped
assert.deepStrictEqual(summarize([], "", {}, true)[3], false);
if (require.main === module) {
  process.exit(summarize([], "", {}, true)[3] ? 0 : 1);
}
"""


def judge(code: str, sandbox):
    from parallel_sft.verify.runner import verify_program

    return verify_program(code, JS, PROBLEM, sandbox=sandbox)


def test_a_correct_function_passes_every_test(sandbox):
    verdict = judge(CORRECT, sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (Status.OK, 3, 3)


@pytest.mark.parametrize(
    "code",
    [
        CORRECT.replace("function summarize(xs, label, words, flag) {",
                        "const summarize = (xs, label, words, flag) => {"),
        CORRECT.replace("function summarize", "export function summarize"),
        CORRECT + "module.exports = { other: summarize };\n",
        "#!/usr/bin/env node\n" + CORRECT.replace("negatives.length ? negatives[0] : null",
                                                  "negatives[0]"),
    ],
    ids=["arrow function", "export", "module.exports", "undefined for null"],
)  # fmt: skip
def test_other_shapes_of_a_correct_function_pass(sandbox, code):
    verdict = judge(code, sandbox)
    assert (verdict.status, verdict.tests_passed) == (Status.OK, 3), verdict


@pytest.mark.parametrize(
    ("code", "status", "passed", "detail"),
    [
        (CORRECT.replace("[...xs].sort((a, b) => a - b)", "[...xs].sort().slice(0, 2)"),
         Status.WRONG_ANSWER, 2,
         'test 1: summarize([3, 1.5, 2], "a", {"x": 1}, true) returned [[1.5, 2.0], '),
        (CORRECT.replace("  const negatives", "  if (!xs.length) throw new TypeError('no');\n"
                                              "  const negatives"),
         Status.RUNTIME_ERROR, 2, 'test 2: summarize([], "", {}, false) raised TypeError: no'),
        (CORRECT.replace("  const negatives", "  while (!xs.length) {}\n  const negatives"),
         Status.TIME_LIMIT, 1, ""),
        (CORRECT.replace("function summarize(xs,", "function summarize(xs"),
         Status.COMPILE_ERROR, 0, "SyntaxError: "),
        ("function other(xs, label, words, flag) {\n  return null;\n}\n", Status.RUNTIME_ERROR,
         0, "raised loading the program: no function summarize is defined"),
        ("const x = require('nope');\nfunction summarize() {}\n", Status.RUNTIME_ERROR, 0,
         "raised loading the program: Error: Cannot find module 'nope'"),
        (CORRECT.replace("label + Object.keys(words).length", "Object.keys(words).length"),
         Status.WRONG_ANSWER, 0, 'returned [[1.5, 2.0, 3.0], 1, null, false], expected'),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(sandbox, code, status, passed, detail):
    verdict = judge(code, sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (status, passed, 3)
    assert detail in verdict.detail, verdict.detail


def returns(value: str) -> str:
    return f"function summarize(xs, label, words, flag) {{\n  return {value};\n}}\n"


# Each would pass test 1 if the driver trusted the value, the builtins or stdout.
HOSTILE = {
    "early exit at load": "const _ = process.exit(0);\n" + CORRECT,
    "exit in the function": CORRECT.replace("  const negatives", "  process.exit(0);\n  const n"),
    "print the expected output": returns(f"(console.log({EXPECTED!r}), null)"),
    "forged result lines": (
        "for (let i = 0; i < 3; i++) process.stdout.write(`${i} ok "
        + EXPECTED
        + "\\n`);\n"
        + returns("null")
    ),
    "steal the token from stdin": (
        "const token = require('fs').readFileSync(0, 'utf8').trim();\n"
        "for (let i = 0; i < 3; i++) console.log(`${token} ${i} ok "
        + EXPECTED
        + "`);\n"
        + returns("null")
    ),
    "toJSON, valueOf and toPrimitive": returns(
        "{ toJSON: () => JSON.parse(" + repr(EXPECTED) + "), valueOf: () => 1,"
        " toString: () => "
        + repr(EXPECTED)
        + ", [Symbol.toPrimitive]: () => "
        + repr(EXPECTED)
        + " }"
    ),
    "an array subclass": (
        "class Same extends Array { toJSON() { return JSON.parse("
        + repr(EXPECTED)
        + "); } }\n"
        + returns("Same.from([[1.5, 2, 3], 'a1', null, false])")
    ),
    "a proxy": returns(
        "new Proxy([], { get: (t, k) => k === 'length' ? 4 : [[1.5, 2, 3], 'a1', null, false][k] })"
    ),
    "getters": returns(
        "Object.defineProperty([0, 0, 0, 0], 0, { get: () => [1.5, 2, 3], enumerable: true })"
    ),
    "a boxed string": returns("[[1.5, 2, 3], new String('a1'), null, false]"),
    "patch JSON.stringify": (
        "JSON.stringify = () => " + repr(EXPECTED) + ";\n" + returns("[[], 'x', 7, true]")
    ),
    "patch Array.isArray and prototypes": (
        "Array.isArray = () => true;\nObject.getPrototypeOf = () => Array.prototype;\n"
        "Number.isInteger = () => true;\nString.prototype.slice = () => 'x';\n"
        "Array.prototype[Symbol.iterator] = function* () { yield* [[1.5, 2, 3], 'a1', null];"
        " };\nObject.defineProperty(Object.prototype, 'value', { get: () => 'a1' });\n"
        + returns("[[1.5, 2, 3], { toString: () => 'a1' }, null, false]")
    ),
    "patch Object.keys and Reflect": (
        "Object.keys = () => [];\nObject.getOwnPropertyDescriptor = () => ({ value: 1 });\n"
        "Reflect.apply = () => JSON.parse(" + repr(EXPECTED) + ");\n"
        "Function.prototype.call = Reflect.apply;\n" + returns("null")
    ),
    "patch fs.writeSync": (
        "const fs = require('fs'), write = fs.writeSync;\n"
        "fs.writeSync = (fd, text) => write(fd, String(text).replace(/ (\\d) \\w+ .*/, "
        "' $1 ok " + EXPECTED + "'));\n" + returns("null")
    ),
    "patch the raw fs binding": (
        "const raw = process.binding('fs'), writeString = raw.writeString;\n"
        "raw.writeString = (fd, text, ...rest) => writeString(fd, String(text).replace("
        "/ (\\d) \\w+ .*/, ' $1 ok " + EXPECTED + "'), ...rest);\n" + returns("null")
    ),
    "patch Buffer": (
        "for (const name of ['utf8Write', 'write', 'toString']) Buffer.prototype[name] = () => 0;"
        "\n" + returns("null")
    ),
    "break out of the wrapper": (
        "function summarize() { return null; }\n});\n"
        "JSON.stringify = () => " + repr(EXPECTED) + ";\n(function () {\n"
    ),
}


@pytest.mark.parametrize("trick", sorted(HOSTILE))
def test_hostile_candidates_fail(sandbox, trick):
    verdict = judge(HOSTILE[trick], sandbox)
    assert verdict.status is not Status.OK, verdict
    assert verdict.tests_passed == 0, verdict


def test_a_map_is_a_dict_and_int_keys_are_strings(sandbox):
    from dataclasses import replace

    from parallel_sft.records import call_test
    from parallel_sft.verify.runner import verify_program

    problem = replace(
        PROBLEM, signature="def summarize(n: int) -> dict[int, float]", tests=[
            call_test([2], {"0": 0.0, "1": 0.5}), call_test([0], {})],
    )  # fmt: skip
    code = (
        "function summarize(n) {\n  return new Map([...Array(n).keys()].map((k) => [k, k / 2]));\n}"
    )
    verdict = verify_program(code, JS, problem, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed) == (Status.OK, 2), verdict


def test_literals_are_exact():
    t = parse_type
    assert FUNCTIONS.literal('a"\\\n\u00e9\u2028', t("str")) == '"a\\"\\\\\\n\u00e9\\u2028"'
    assert FUNCTIONS.literal(0.1 + 0.2, t("float")) == "0.30000000000000004"
    assert FUNCTIONS.literal(3, t("float")) == "3.0"
    literals = [FUNCTIONS.literal(float(x), t("float")) for x in ("inf", "-inf", "nan")]
    assert literals == ["Infinity", "-Infinity", "NaN"]
    assert FUNCTIONS.literal(None, t("Optional[int]")) == "null"
    assert FUNCTIONS.literal(["a", 1], t("tuple[str, int]")) == '["a", 1]'
    value = {"__proto__": [True], "3": []}
    assert (
        FUNCTIONS.literal(value, t("dict[str, list[bool]]")) == '{["__proto__"]: [true], "3": []}'
    )


def test_type_names_header_and_unsupported():
    sig = parse_signature(
        "def f(xs: list[int], new: dict[str, Optional[tuple[str, float]]]) -> bool"
    )
    header = FUNCTIONS.header(sig, "Whether it works.")
    assert header == (
        "/**\n * Whether it works.\n * @param {Array<number>} xs\n"
        " * @param {Object<string, [string, number] | null>} new_\n"
        " * @returns {boolean}\n */\nfunction f(xs, new_) {\n"
    )
    assert FUNCTIONS.unsupported(sig) is None
    assert "keys" in FUNCTIONS.unsupported(parse_signature("def f(d: dict[float, int]) -> int"))
    assert "reserved" in FUNCTIONS.unsupported(parse_signature("def delete(x: int) -> int"))


def test_top_level_calls_are_stripped():
    code = (
        "#!/usr/bin/env node\nexport const f = (x) => x;\nconsole.log(f(1)); g = 2;\nfor (;;) {}\n"
    )
    assert without_top_level_calls(code) == "\nconst f = (x) => x;\n g = 2;\nfor (;;) {}\n"
    assert without_top_level_calls("function f( {\nf();\n") == "function f( {\nf();\n"


def test_doctests():
    import doctest

    from parallel_sft.languages import javascript

    assert doctest.testmod(javascript).failed == 0


def test_an_int_a_javascript_number_would_round_is_a_counted_reason():
    from parallel_sft.records import Problem, call_test
    from parallel_sft.verify.functions import cannot_run

    tests = [call_test([2**53 + 1], 2**53 + 1)]
    problem = Problem("fn/big", "fn", "Identity.", tests, kind="function", entry_point="same",
                      signature="def same(x: int) -> int")  # fmt: skip
    assert cannot_run(problem, JS) == "cannot write a test value"
    with pytest.raises(ValueError, match="beyond JavaScript's exact integers"):
        JS.functions.literal(2**53 + 1, parse_type("int"))
