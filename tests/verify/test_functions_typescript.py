"""Function problems in TypeScript: tsc checks the candidate against the prompt's types,
then the JavaScript test driver runs it (token first, results serialised by type).
The sandbox cases run as one batch (`verify_batch`, both cores): tsc is slow to start."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, typescript
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program, read_reports
from parallel_sft.verify.pool import verify_batch

TS = get_language("typescript")
FUNCTIONS = TS.functions


def problem(signature: str, *tests, name: str = "f") -> Problem:
    return Problem(
        id=f"t/{name}", source="t", statement="", kind="function", entry_point=name,
        signature=signature, tests=[call_test(a, e) for a, e in tests], time_limit_s=2.0,
    )  # fmt: skip


# Values that are easy to get wrong: quotes, backslashes, `${}`, line and paragraph
# separators, an emoji (a surrogate pair in JavaScript), -0.0, the extreme doubles, NaN
# and the infinities, a `__proto__` key, None inside a dict, safe-integer limits.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[str, Optional[tuple[int, str]]], "
    "n: Optional[int]) -> tuple[str, list[float], dict[str, Optional[tuple[int, str]]], "
    "Optional[int]]"
)
HARD = "q\"uote ' back\\slash ${x} `t` \n\t\r\x00 \u2028 é 漢 🎉 */ </script>"
ECHO_ARGS = [
    [HARD, [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2],
     {"__proto__": [1, "a"], "x": None, "": [-(2**53 - 1), HARD]}, 2**53 - 1],
    ["", [math.inf, -math.inf, math.nan], {}, None],
]  # fmt: skip
ECHO = problem(ECHO_SIG, *[(a, a) for a in ECHO_ARGS], name="echo")
ECHO_CODE = """\
type Pair = [number, string] | null;
function echo(s: string, xs: number[], d: Record<string, Pair>, n: number | null):
    [string, number[], Record<string, Pair>, number | null] {
  const copy = Object.fromEntries(
    Object.entries(d).map(([k, v]): [string, Pair] => [k, v === null ? null : [v[0], v[1]]]));
  return [[...s].join(""), xs.map((x) => x), copy, n];
}
"""
RUNNING = problem("def f(xs: list[int]) -> int", ([[1]], 1), ([[]], 0), ([[2, 3]], 3))
MUTATES = problem("def f(xs: list[int]) -> int", ([[1, 2]], 3), ([[1, 2]], 3))

CASES = {
    "echo": (ECHO_CODE, ECHO, Status.OK, 2),
    # the try-out around the function would fail the run if it ran
    "try-out stripped": (
        "import * as assert from 'assert';\n"
        "export function f(xs: number[]): number {\n"
        "  return xs.reduce((a, b) => Math.max(a, b), 0);\n}\n"
        "const LIMIT = 10;\n"
        "assert.strictEqual(f([1]), 99);\n"
        "for (const xs of [[5]]) { if (f(xs) !== 0) throw new Error('try-out ran'); }\n"
        "function main(): void { process.exit(3); }\nmain();\n",
        RUNNING, Status.OK, 3,
    ),
    "exit in the function": (
        "function f(xs: number[]): number {\n  if (xs.length === 0) process.exit(0);\n"
        "  return Math.max(...xs);\n}\n",
        RUNNING, Status.RUNTIME_ERROR, 1,
    ),
    "forged lines without the token": (
        "function f(xs: number[]): number {\n"
        "  for (const line of ['0 ok 1', '1 ok 0', '2 ok 3', 'done']) console.log(line);\n"
        "  return -1;\n}\n",
        RUNNING, Status.WRONG_ANSWER, 0,
    ),
    "a print without a newline": (
        "function f(xs: number[]): number {\n  process.stdout.write('debug');\n"
        "  return xs.reduce((a, b) => Math.max(a, b), 0);\n}\n",
        RUNNING, Status.OK, 3,
    ),
    "mutated argument": (
        "function f(xs: number[]): number {\n  xs.push(0);\n  return xs.length;\n}\n",
        MUTATES, Status.OK, 2,
    ),
    "parameter types that are not the prompt's": (
        "function f(xs: string): number {\n  return xs.length;\n}\n",
        RUNNING, Status.COMPILE_ERROR, 0,
    ),
    "a stray brace": (
        "function f(xs: number[]): number { return 0; }\n}\nconsole.log('top level');\n{\n",
        RUNNING, Status.COMPILE_ERROR, 0,
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "typescript", code), p) for code, p, _, _ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("case", sorted(CASES))
def test_sandbox_cases(verdicts, case):
    _, _, status, passed = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict


def test_a_signature_mismatch_is_tsc_s_error(verdicts):
    detail = verdicts["parameter types that are not the prompt's"].detail
    assert "error TS2322" in detail and "(xs: number[]) => unknown" in detail


def test_doctests():
    assert doctest.testmod(typescript).failed == 0


def test_types_header_and_unsupported():
    sig = parse_signature(ECHO_SIG)
    assert FUNCTIONS.header(sig, "Echo.\n\nBack.") == (
        "/**\n * Echo.\n *\n * Back.\n */\n"
        "function echo(s: string, xs: number[], d: Record<string, [number, string] | null>, "
        "n: number | null): [string, number[], Record<string, [number, string] | null>, "
        "number | null] {\n"
    )
    odd = parse_signature("def f(new: list[Optional[int]], d: dict[int, bool]) -> None")
    assert FUNCTIONS.header(odd, "").endswith(
        "function f(new_: (number | null)[], d: Record<number, boolean>): void {\n"
    )
    assert "keys" in FUNCTIONS.unsupported(parse_signature("def f(d: dict[float, int]) -> int"))
    assert "reserved" in FUNCTIONS.unsupported(parse_signature("def delete(x: int) -> int"))
    assert FUNCTIONS.unsupported(sig) is None


def test_literals_are_javascript_s_within_safe_integers():
    t = parse_type
    assert FUNCTIONS.literal(["a", None], t("tuple[str, Optional[int]]")) == '["a", null]'
    assert FUNCTIONS.literal(2**53 - 1, t("int")) == "9007199254740991"
    with pytest.raises(ValueError, match="safe integers"):
        FUNCTIONS.literal([2**53], t("list[int]"))
    big = problem("def f(xs: list[int]) -> int", ([[2**60]], 0))
    with pytest.raises(FunctionProblemError, match="cannot write a test value"):
        function_program("function f(xs: number[]): number { return 0; }", TS, big)


def test_the_program_is_split_into_imports_and_a_body():
    code = (
        "#!/usr/bin/env node\nimport {\n  strict as assert, // the strict one\n} from 'assert';\n"
        "declare var require: any;\nexport default function f(x: number): number {\n"
        "  console.log(x);\n  return x;\n}\nexport { f as g };\nconst PRIMES: number[] = [];\n"
        "for (let i = 2; i < 5; i++) PRIMES.push(i);\nconsole.log(f(1));\nx = 2;\n"
        "if (require.main === module) { run(); }\n"
    )
    imports, body = typescript.split_program(code, "f")
    assert imports == "import { strict as assert, } from 'assert'; declare var require: any; "
    assert body.count("\n") == code.count("\n")  # line numbers hold
    kept = [line.strip() for line in body.splitlines() if line.strip()]
    assert kept == [
        "function f(x: number): number {", "console.log(x);", "return x;", "}",
        "const PRIMES: number[] = [];", "for (let i = 2; i < 5; i++) PRIMES.push(i);", "x = 2;",
    ]  # fmt: skip
    assert typescript.split_program("function f( {\n", "f") is None


def test_a_result_line_ends_at_newline_only():
    # JavaScript writes U+2028 raw inside a JSON string: it must not end the line.
    reports, done = read_reports('\nt 0 ok "a\u2028b\u0085"\nt done\n'.encode(), "t")
    assert done and reports == {0: ("ok", '"a\u2028b\u0085"')}
