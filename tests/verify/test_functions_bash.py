"""Function problems in Bash: arguments as strings, the result as what the function prints.
Through the real sandbox: the two-process driver (the child runs the candidate, the
parent reads its framed claims and reports), values round-trip, top-level try-outs do not
run, and a candidate that kills its shell, forges lines or leans on global state cannot
talk its way to a pass. Without a sandbox: the writers of arguments, headers and reasons."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import bash, get_language
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.functions import FunctionProblemError, function_program
from parallel_sft.verify.pool import verify_batch

BASH = get_language("bash")
FUNCTIONS = BASH.functions

HARD = "q\"uote \\ back $HOME `id` $(id) 'single' *.sh #{x}\nnew\ttab\r\x1b é 漢 🎉 "


def problem(name: str, signature: str, tests: list, time_limit_s: float = 1.0) -> Problem:
    return Problem(
        id=f"test/{name}", source="test", statement="", kind="function", entry_point=name,
        signature=signature, tests=tests, time_limit_s=time_limit_s,
    )  # fmt: skip


def echo_problem(t: str, values: list) -> Problem:
    return problem("same", f"def same(x: {t}) -> {t}", [call_test([v], v) for v in values])


ECHO = 'same() {\n    printf "%s\\n" "$1"\n}\n'
RUNNING_MAX = """\
running_max() {
    local best= out=() x
    for x in $1; do
        if [[ -z $best ]] || ((x > best)); then best=$x; fi
        out+=("$best")
    done
    echo "${out[*]}"
}
"""
SHARED = problem(
    "running_max",
    "def running_max(numbers: list[int]) -> list[int]",
    [call_test([[1, 3, 2]], [1, 3, 3]), call_test([[]], []), call_test([[-5, 0]], [-5, 0])],
)
FORGE = '    echo "0 ok [1, 3, 3]" >>/proc/$PPID/fd/1; echo done >>/proc/$PPID/fd/1\n'

# name: (code, problem, status, tests_passed, a piece of the detail)
CASES = {
    "strings round-trip": (ECHO, echo_problem("str", [HARD, "", "  lead and inner  "]),
                           Status.OK, 3, ""),
    "floats round-trip": (ECHO, echo_problem(
        "list[float]", [[0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, 3], []]),
        Status.OK, 2, ""),
    "ints round-trip": (ECHO, echo_problem("list[int]", [[-(2**63), 2**63 - 1, 0, -5]]),
                        Status.OK, 1, ""),
    "bools round-trip": (ECHO, echo_problem("bool", [True, False]), Status.OK, 2, ""),
    "words on lines are a list too": (
        'words() { printf "%s\\n" $1; }\n',
        problem("words", "def words(xs: list[str]) -> list[str]",
                [call_test([["a", "é", "$x"]], ["a", "é", "$x"]), call_test([[]], [])]),
        Status.OK, 2, ""),
    "an empty result for an optional is none": (
        'maybe() { echo "$1"; }\n',
        problem("maybe", "def maybe(x: Optional[int]) -> Optional[int]",
                [call_test([None], None), call_test([7], 7)]),
        Status.OK, 2, ""),
    "try-outs at the top level do not run": (
        "set -u\n" + RUNNING_MAX + 'echo "$(running_max "1 2")"\nexit 3\n'
        'result=$(running_max "3 1")\n[[ $0 == "${BASH_SOURCE[0]}" ]] && exit 4\n',
        SHARED, Status.OK, 3, ""),
    "killing its own shell ends the run": (
        RUNNING_MAX.replace("    local", '    [[ -z $1 ]] && kill -9 $$\n    local'),
        SHARED, Status.RUNTIME_ERROR, 1, "function was killed by signal 9 before the last test"),
    "exit inside the function ends only that call": (
        RUNNING_MAX.replace("    local", '    [[ -z $1 ]] && exit 0\n    local'),
        SHARED, Status.OK, 3, ""),
    "a non-zero status is an error, with stderr's last line": (
        RUNNING_MAX.replace("    local", '    [[ -z $1 ]] && { echo "no numbers" >&2; return 2; }'
                            '\n    local'),
        SHARED, Status.RUNTIME_ERROR, 2, "raised no numbers (exit status 2)"),
    "forged lines without the token do not count": (
        "running_max() {\n" + FORGE + '    echo "1 3 3"\n}\n',
        SHARED, Status.WRONG_ANSWER, 1, "test 2: running_max([]) returned [1, 3, 3]"),
    "a forged frame on the child's result channel": (
        "running_max() {\n    printf 'o\\0%s\\0%s\\0' 0 '1 3 3' >/proc/$$/fd/3\n"
        '    echo "9"\n}\n',
        SHARED, Status.RUNTIME_ERROR, 1, "a result came out of turn"),
    "frame fields are never evaluated": (
        "running_max() {\n    printf 'o\\0%s\\0\\0' 'a[$(echo EVALUATED >&2)]' >/proc/$$/fd/3\n"
        "}\n",
        SHARED, Status.RUNTIME_ERROR, 0, "a result came out of turn"),
    "a None result is printing nothing": (
        "nothing() { :; }\n",
        problem("nothing", "def nothing(x: int) -> None", [call_test([1], None)]),
        Status.OK, 1, ""),
    "global state does not leak between tests": (
        "CALLS=0\ncount() {\n    CALLS=$((CALLS + 1))\n    echo $CALLS\n}\n",
        problem("count", "def count() -> int", [call_test([], 1)] * 3), Status.OK, 3, ""),
    "a result of the wrong type is an error": (
        "running_max() { echo 1 three; }\n", SHARED, Status.RUNTIME_ERROR, 0,
        'printed "three" where the signature has an integer'),
    "no such function": ("other() { :; }\n", SHARED, Status.RUNTIME_ERROR, 0,
                         "loading the program: no function running_max is defined"),
    "a syntax error is the driver's compile report": (
        "running_max() {\n    if true; then\n}\n", SHARED, Status.COMPILE_ERROR, 0,
        "line 3: syntax error"),
    "an int beyond 64 bits cannot be written": (ECHO, echo_problem("int", [2**63]),
                                                Status.COMPILE_ERROR, 0,
                                                "cannot write a test value"),
}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "bash", code), p) for code, p, *_ in CASES.values()]
    return dict(zip(CASES, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_driver_verdicts(verdicts, name):
    _, p, status, passed, detail = CASES[name]
    verdict = verdicts[name]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert verdict.tests_total == len(p.tests)
    assert detail in verdict.detail, verdict.detail
    assert "EVALUATED" not in verdict.detail


def test_doctests():
    assert doctest.testmod(bash).failed == 0


def test_header_says_what_each_positional_argument_is():
    sig = parse_signature("def f(xs: list[float], k: Optional[int], flag: bool) -> list[str]")
    assert FUNCTIONS.header(sig, "Does f.\n\nReally.") == (
        "#!/bin/bash\n# Does f.\n#\n# Really.\n#\n"
        "# $1 (xs) is a space-separated list of floating point numbers\n"
        "# $2 (k) is an integer, or empty for none\n"
        "# $3 (flag) is true or false\n"
        "# Prints a space-separated list of words\nf() {\n"
    )
    none = parse_signature("def g() -> Optional[bool]")
    assert FUNCTIONS.header(none, "").endswith(
        "# Prints true or false, or nothing for none\ng() {\n"
    )


@pytest.mark.parametrize(
    ("t", "value", "word"),
    [
        ("str", "it's $x", "'it'\\''s $x'"),
        ("list[int]", [1, -2], "'1 -2'"),
        ("list[float]", [0.1, 1e-05, 3], "'0.1 1e-05 3.0'"),
        ("list[bool]", [True, False], "'true false'"),
        ("Optional[int]", None, "''"),
        ("list[str]", [], "''"),
    ],
)
def test_arguments_are_single_quoted_words(t, value, word):
    assert FUNCTIONS.literal(value, parse_type(t)) == word


@pytest.mark.parametrize(
    ("t", "value"),
    [("int", 2**63), ("int", -(2**63) - 1), ("float", math.nan), ("float", -math.inf),
     ("str", "a\x00b"), ("str", "\ud800"), ("list[str]", ["a b"]), ("list[str]", [""])],
)  # fmt: skip
def test_values_bash_cannot_write_raise(t, value):
    with pytest.raises(ValueError):
        FUNCTIONS.literal(value, parse_type(t))


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("def f(d: dict[str, int]) -> int", "a dict has no one-string form"),
        ("def f(x: int) -> tuple[int, int]", "a tuple has no one-string form"),
        ("def f(xs: list[list[int]]) -> int", "scalars"),
        ("def f(xs: list[Optional[int]]) -> int", "scalars"),
        ("def f(s: Optional[str]) -> int", "both none and a value"),
        ("def f(x: int) -> Optional[list[int]]", "both none and a value"),
        ("def read(x: int) -> int", "reserved word or builtin"),
        ("def done(x: int) -> int", "reserved word or builtin"),
    ],
)
def test_unsupported_signatures_have_a_reason(signature, reason):
    sig = parse_signature(signature)
    assert reason in (FUNCTIONS.unsupported(sig) or "")
    p = problem(sig.name, signature, [])
    with pytest.raises(FunctionProblemError, match="cannot express"):
        function_program("f() { :; }", BASH, p)


def test_supported_signatures():
    for signature in [
        "def f(xs: list[str], x: float, b: bool, n: None) -> Optional[float]",
        "def f() -> None",
    ]:
        assert FUNCTIONS.unsupported(parse_signature(signature)) is None


def test_top_level_commands_are_stripped_and_definitions_kept():
    code = (
        "#!/bin/bash\nset -euo pipefail\nshopt -s extglob\nIFS=$'\\n'\ndeclare -A SEEN=()\n"
        "readonly LIMIT=$(printf 3)\nf() { echo 1; }\nfunction g { f; }\n"
        'echo "$(f)"\nf | cat\nfor i in 1 2; do f; done\nX=$(f)\ndeclare Y=$(main)\n'
        'if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then\n  main "$@"\nfi\n'
        '[[ $0 == "$BASH_SOURCE" ]] && main\ncat <<EOF\nhi\nEOF\nexit 0\n'
    )
    kept = bash.without_top_level_commands(code, "f")
    for line in ("set -euo", "shopt -s", "IFS=", "declare -A", "readonly LIMIT", "f() {",
                 "function g"):  # fmt: skip
        assert line in kept, line
    for gone in ('echo "$(f)"', "| cat", "for i", "X=$(f)", "Y=$(main)", "main", "exit", "hi"):
        assert gone not in kept, gone
    assert kept.count("\n") == code.count("\n")  # line numbers hold
    broken = "f() {\necho 1\n"
    assert bash.without_top_level_commands(broken, "f") == broken
