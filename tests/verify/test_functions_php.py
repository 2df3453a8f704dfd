"""Function problems in PHP: the candidate's own file with the driver's first line in
place of its `<?php` and the driver's class after it; results checked against the
signature's type (a list is a list, an int is no float) and written by the driver. The
sandbox cases run as one batch (`verify_batch`, both cores)."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, php
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

PHP = get_language("php")
FUNCTIONS = PHP.functions


def problem(signature: str, *tests, name: str = "f") -> Problem:
    return Problem(
        id=f"t/{name}", source="t", statement="", kind="function", entry_point=name,
        signature=signature, tests=[call_test(a, e) for a, e in tests],
    )  # fmt: skip


# Values that are easy to get wrong: quotes, backslashes, `$x`/`{$x}` interpolation, `?>`,
# control and non-ASCII characters, -0.0, the extreme doubles, NaN and the infinities,
# both ends of a 64-bit int, int keys (negative ones too) and None values in a dict.
ECHO_SIG = (
    "def mirror(s: str, xs: list[float], d: dict[int, Optional[tuple[str, int]]], "
    "n: Optional[int]) -> tuple[str, list[float], dict[int, Optional[tuple[str, int]]], "
    "Optional[int]]"
)
HARD = "q\"uote ' back\\slash $x {$y} ${z} ?> <?php \n\t\r\x00\x1b\x7f é 漢 🎉"
ECHO_ARGS = [
    [HARD, [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 3],
     {"3": None, "-1": [HARD, -(2**63)], "0": ["", 0]}, 2**63 - 1],
    ["", [math.inf, -math.inf, math.nan], {}, None],
]  # fmt: skip
ECHO = problem(ECHO_SIG, *[(a, a) for a in ECHO_ARGS], name="mirror")
ECHO_CODE = """\
<?php
function mirror(string $s, array $xs, array $d, ?int $n): array {
    $copy = [];
    foreach ($d as $key => $pair) {
        $copy[$key] = $pair === null ? null : [$pair[0], $pair[1]];
    }
    return [implode('', preg_split('//u', $s)), array_map(fn($x) => $x, $xs), $copy, $n];
}
"""
RUNNING = problem("def f(xs: list[int]) -> int", ([[1]], 1), ([[]], 0), ([[2, 3]], 3))
MUTATES = problem("def f(xs: list[int]) -> int", ([[1, 2]], 3), ([[1, 2]], 3))
EVENS = problem("def f(xs: list[int]) -> list[int]", ([[2, 4]], [2, 4]), ([[1, 2]], [2]))
HALF = problem("def f(xs: list[int]) -> int", ([[4]], 2), ([[]], 0))
MAX = "    return $xs === [] ? 0 : max($xs);\n}\n"

CASES = {
    "echo": (ECHO_CODE, ECHO, Status.OK, 2),
    # the try-out around the function would fail the run if it ran; the table stays
    "try-out stripped": (
        "<?php\ndefine('NONE', 0);\n$table = [];\nfor ($i = 0; $i < 3; $i++) { $table[] = $i; }\n"
        "function f(array $xs): int {\n    global $table;\n"
        "    return $xs === [] ? NONE + $table[0] : max($xs);\n}\n"
        "echo f([1]), \"\\n\";\nforeach ([[5]] as $xs) { if (f($xs) !== 0) { exit(3); } }\n"
        "$r = f([2]);\nif (php_sapi_name() === 'cli') { exit(f([]) + 4); }\n"
        "function main(): void { exit(2); }\nmain();\n?>\n",
        RUNNING, Status.OK, 3,
    ),
    "exit in the function": (
        "<?php\nfunction f(array $xs): int {\n    if ($xs === []) { exit(0); }\n" + MAX,
        RUNNING, Status.RUNTIME_ERROR, 1,
    ),
    "forged lines without the token": (
        "<?php\nfunction f(array $xs): int {\n"
        "    echo \"0 ok 1\\n1 ok 0\\n2 ok 3\\ndone\\n\";\n    return -1;\n}\n",
        RUNNING, Status.WRONG_ANSWER, 0,
    ),
    "a print without a newline, then buffered output": (
        "<?php\nfunction f(array $xs): int {\n    echo 'debug';\n"
        "    if ($xs === []) { ob_start(); }\n" + MAX,
        RUNNING, Status.OK, 3,
    ),
    "STDOUT closed": (
        "<?php\nfunction f(array $xs): int {\n    if ($xs === []) fclose(STDOUT);\n" + MAX,
        RUNNING, Status.OK, 3,
    ),
    "mutated argument, by reference": (
        "<?php\nfunction f(array &$xs): int {\n    $xs[] = 0;\n    return count($xs);\n}\n",
        MUTATES, Status.OK, 2,
    ),
    "array_filter keeps its keys: not a list": (
        "<?php\nfunction f(array $xs): array {\n"
        "    return array_filter($xs, fn($x) => $x % 2 === 0);\n}\n",
        EVENS, Status.RUNTIME_ERROR, 1,
    ),
    "a float for an int": (
        "<?php\nfunction f(array $xs) {\n    return $xs === [] ? 0 : round($xs[0] / 2);\n}\n",
        HALF, Status.RUNTIME_ERROR, 1,
    ),
    "no such function": ("<?php\nfunction g(array $xs): int {\n" + MAX, RUNNING,
                         Status.RUNTIME_ERROR, 0),
    "a helper named like a PHP function": (
        "<?php\nfunction str_contains($a, $b) { return true; }\nfunction f(array $xs): int {\n"
        + MAX, RUNNING, Status.COMPILE_ERROR, 0,
    ),
}  # fmt: skip
DETAILS = {
    "array_filter keeps its keys: not a list": "returned an array with the keys 1, not a list",
    "a float for an int": "returned a float where the signature has int",
    "no such function": "loading the program: no function f is defined",
    "a helper named like a PHP function": "Cannot redeclare",
}


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "php", code), p) for code, p, _, _ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("case", sorted(CASES))
def test_sandbox_cases(verdicts, case):
    _, _, status, passed = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert DETAILS.get(case, "") in verdict.detail


def test_doctests():
    assert doctest.testmod(php).failed == 0


def test_header_declares_what_php_can_and_documents_the_rest():
    sig = parse_signature(ECHO_SIG)
    assert FUNCTIONS.header(sig, "Echo.\n\nBack.") == (
        "<?php\n/**\n * Echo.\n *\n * Back.\n *\n * @param string $s\n * @param list<float> $xs\n"
        " * @param array<int, ?array{string, int}> $d\n * @param ?int $n\n"
        " * @return array{string, list<float>, array<int, ?array{string, int}>, ?int}\n */\n"
        "function mirror(string $s, array $xs, array $d, ?int $n): array {\n"
    )
    odd = parse_signature("def f(this: Optional[list[int]]) -> None")
    assert FUNCTIONS.header(odd, "").endswith(
        " * @param ?list<int> $this_\n * @return void\n */\nfunction f(?array $this_): void {\n"
    )


def test_unsupported_names_keys_and_values():
    def reason(signature: str) -> str:
        return FUNCTIONS.unsupported(parse_signature(signature)) or ""

    assert "keyword" in reason("def List(x: int) -> int")
    assert "PHP's own functions" in reason("def strlen(s: str) -> int")
    assert "keys are ints or strings" in reason("def f(d: dict[float, int]) -> int")
    assert reason(ECHO_SIG) == ""
    big = problem("def f(x: int) -> int", ([2**63], 0))
    with pytest.raises(FunctionProblemError, match="beyond PHP's 64-bit int"):
        function_program("<?php function f($x) { return 0; }", PHP, big)


def test_literals():
    t = parse_type
    assert FUNCTIONS.literal({"3": ["a"]}, t("dict[int, list[str]]")) == '[3 => ["a"]]'
    assert FUNCTIONS.literal(-(2**63), t("int")) == "PHP_INT_MIN"
    assert FUNCTIONS.literal(3, t("float")) == "3.0"
    assert [FUNCTIONS.literal(x, t("float")) for x in (math.nan, -math.inf)] == ["NAN", "-INF"]
    assert FUNCTIONS.literal(None, t("Optional[tuple[int, bool]]")) == "null"
    assert php.php_string("\x01\t\U0001f389") == '"\\x01\\t\\u{1f389}"'


def test_the_driver_s_line_replaces_the_tag_and_line_numbers_hold():
    code = (
        "#!/usr/bin/env php\n<?php\ndeclare(strict_types=1);\nfunction f(): int { return 1; }\n"
        "var_dump(f());\n?>\n<p>html</p>\n"
    )
    body = php.program_body(code, "f")
    assert body.startswith("<?php declare(strict_types=1); \\PsftDriver::start();\n")
    assert body.count("\n") == code.count("\n")
    assert body.splitlines()[3] == "function f(): int { return 1; }"
    assert "var_dump" not in body and "html" not in body and "?>" not in body
    start = "<?php \\PsftDriver::start();"
    assert php.program_body("function f() {}", "f") == start + " function f() {}"
    broken = "<?php\nfunction f( {\necho 1;\n"
    assert php.program_body(broken, "f") == start + "\nfunction f( {\necho 1;\n"
