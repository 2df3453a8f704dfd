"""Function problems through the real sandbox: the Python test driver runs every test in one
process, the host compares each result, and the candidate cannot talk its way to a pass."""

from __future__ import annotations

import pytest

from parallel_sft.languages import get_language
from parallel_sft.records import Problem, Status, call_test
from parallel_sft.verify.functions import read_reports
from parallel_sft.verify.runner import verify_program

# Every type of the signature language in one problem: sort the numbers, pair the count
# with the label, map each word to its length, the first negative or None.
SIGNATURE = (
    "def summarize(xs: list[float], label: str, words: dict[str, int], flag: bool)"
    " -> tuple[list[float], str, Optional[int], bool]"
)
TESTS = [
    call_test([[3, 1.5, 2], "a", {"x": 1}, True], [[1.5, 2.0, 3.0], "a1", None, False]),
    call_test([[], "", {}, False], [[], "0", None, True]),
    call_test([[-1.25, 0.1 + 0.2], "b", {"yy": -2, "z": 3}, True], [[-1.25, 0.3], "b2", -2, False]),
]
PROBLEM = Problem(
    id="test/summarize", source="test", statement="Summarize.", tests=TESTS, kind="function",
    entry_point="summarize", signature=SIGNATURE, time_limit_s=1.0,
)  # fmt: skip

CORRECT = """\
import math

def summarize(xs, label, words, flag):
    negatives = [v for v in words.values() if v < 0]
    return sorted(xs), label + str(len(words)), (negatives[0] if negatives else None), not flag

print(summarize([1], "x", {}, True))   # a model's own try-out: stripped
assert summarize([], "", {}, True)[3] is False
if __name__ == "__main__":
    raise SystemExit(summarize([], "", {}, True))
"""


def judge(code: str, problem: Problem = PROBLEM, sandbox=None):
    return verify_program(code, get_language("python"), problem, sandbox=sandbox)


def test_a_correct_function_passes_every_test(sandbox):
    verdict = judge(CORRECT, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (Status.OK, 3, 3)


@pytest.mark.parametrize(
    ("code", "status", "passed", "detail"),
    [
        (CORRECT.replace("sorted(xs)", "sorted(xs)[:2]"), Status.WRONG_ANSWER, 2,
         "test 1: summarize([3, 1.5, 2], \"a\", {\"x\": 1}, true) returned [[1.5, 2], "),
        (CORRECT.replace("    negatives =", "    assert xs\n    negatives ="),
         Status.RUNTIME_ERROR, 2, "test 2: summarize([], \"\", {}, false) raised AssertionError"),
        (CORRECT.replace("    negatives =", "    while not xs:\n        pass\n    negatives ="),
         Status.TIME_LIMIT, 1, ""),
        (CORRECT.replace("def summarize(xs,", "def summarize(xs"), Status.COMPILE_ERROR, 0,
         "SyntaxError: "),
        ("def other(xs, label, words, flag):\n    return None\n", Status.RUNTIME_ERROR, 0,
         "raised loading the program: KeyError"),
    ],
)  # fmt: skip
def test_failures_get_their_status_and_exact_counts(sandbox, code, status, passed, detail):
    verdict = judge(code, sandbox=sandbox)
    assert (verdict.status, verdict.tests_passed, verdict.tests_total) == (status, passed, 3)
    assert detail in verdict.detail


HOSTILE = {
    "early exit": "import os\n_ = os._exit(0)\n" + CORRECT,  # an assignment: kept, runs
    "exit in the function": CORRECT.replace("    negatives =", "    raise SystemExit(0)\n    n ="),
    "print the expected output": (
        "def summarize(xs, label, words, flag):\n"
        "    print('[[1.5, 2.0, 3.0], \"a1\", null, false]')\n    return None\n"
    ),
    "forged result lines": (
        "import sys\n"
        "for i in range(3):\n    sys.stdout.write(f'{i} ok null\\n')\n"
        "def summarize(xs, label, words, flag):\n    return None\n"
    ),
    "always-equal object": (
        "class Same(list):\n    def __eq__(self, other):\n        return True\n"
        "def summarize(xs, label, words, flag):\n    return Same()\n"
    ),
    "patch the driver's json": (
        "import json\njson.dumps = lambda value: '[[1.5, 2.0, 3.0], \"a1\", null, false]'\n"
        "def summarize(xs, label, words, flag):\n    return None\n"
    ),
    "steal the token from stdin": (
        "import sys\ntoken = sys.stdin.readline().strip()\n"
        "def summarize(xs, label, words, flag):\n    return None\n"
    ),
    "replace stdout": (
        "import sys, io\nsys.stdout = io.StringIO()\n"
        "def summarize(xs, label, words, flag):\n    return 1\n"
    ),
}


@pytest.mark.parametrize("trick", sorted(HOSTILE))
def test_hostile_candidates_fail(sandbox, trick):
    verdict = judge(HOSTILE[trick], sandbox=sandbox)
    assert verdict.status in (Status.WRONG_ANSWER, Status.RUNTIME_ERROR), verdict
    if trick != "steal the token from stdin":  # stealing it does not help: lines need it
        assert verdict.tests_passed == 0, verdict
    assert verdict.tests_passed < 3


def test_a_forged_line_with_the_token_makes_that_test_fail():
    reports, done = read_reports(b"t 0 ok 1\nt 0 ok 1\nt 1 ok 2\nt done\n", "t")
    assert done and reports[0] == ("twice", "") and reports[1] == ("ok", "2")


def test_a_language_without_a_driver_is_a_compile_error(sandbox):
    from dataclasses import replace

    from parallel_sft.verify.functions import cannot_run

    # Every registry language has a driver; one added without (functions=None) is refused.
    bare = replace(get_language("rust"), functions=None)
    verdict = verify_program("fn main() {}", bare, PROBLEM, sandbox=sandbox)
    assert verdict.status is Status.COMPILE_ERROR
    assert verdict.detail == "Rust does not take function problems yet"
    assert cannot_run(PROBLEM, bare) == "no function-problem driver"
