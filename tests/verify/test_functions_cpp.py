"""C++ function problems: the standard-library types and literals, the header, the cut of a
model's `main`, and the test driver through the real sandbox (each call in a fork()ed
child; results serialised by the signature's types; reports written with the token by a
parent that runs no candidate code). The sandbox cases run in one batch."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import cpp_functions, get_language
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch
from parallel_sft.verify.runner import VerifyConfig

from .test_functions import PROBLEM

CPP = get_language("cpp")
FUNCTIONS = CPP.functions

CORRECT = """\
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>
#define int long long  // a competitive programmer's habit: the driver comes before it

std::tuple<std::vector<double>, std::string, std::optional<long>, bool> summarize(
    std::vector<double> xs, const std::string &label, std::map<std::string, long> &words,
    bool flag) {
    std::sort(xs.begin(), xs.end());
    std::optional<long> negative;
    for (const auto &[word, n] : words)
        if (n < 0 && !negative) negative = n;
    return {xs, label + std::to_string(words.size()), negative, !flag};
}

signed main() {  // a model's own try-out: cut
    std::printf("0 ok [[1.5, 2.0, 3.0], \\"a1\\", null, false]\\n");
    return 1;
}
"""
WRONG = """\
#include <cstdio>
#include <iostream>
#include <unistd.h>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

std::tuple<std::vector<double>, std::string, std::optional<long>, bool> summarize(
    std::vector<double>, std::string, std::map<std::string, long>, bool) {
    const char *line = "0 ok [[1.5, 2.0, 3.0], \\"a1\\", null, false]\\n";
    std::printf("%s", line);
    std::cout << line << std::flush;
    if (write(1, line, 40) < 0) return {};
    return {};
}
"""
SOLUTION_CLASS = """\
#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    tuple<vector<double>, string, optional<long>, bool> summarize(
        vector<double> &xs, string label, map<string, long> words, bool flag) {
        sort(xs.begin(), xs.end());
        optional<long> negative;
        for (auto &[word, n] : words) if (n < 0 && !negative) negative = n;
        return make_tuple(xs, label + to_string(words.size()), negative, !flag);
    }
};
"""
# Every composite and the values that are easy to get wrong: quotes, backslashes, a NUL,
# control and non-ASCII characters, trigraph and format look-alikes, extreme floats and
# longs, empty containers.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], "
    "t: tuple[str, list[list[int]]], o: Optional[float]) -> tuple[str, list[float], "
    "dict[int, Optional[str]], tuple[str, list[list[int]]], Optional[float]]"
)
NASTY = 'a"b\\c\nd\te\r\x00\x01\x7f é 漢 😀 ??= ??/ \\x41 %d %s $x #{y} */'
ECHO_ARGS = [
    [NASTY, [0.1, -0.0, 1e300, 5e-324, math.inf, -math.inf, math.nan, 1 / 3, 1e16, 1e-05],
     {"-3": NASTY, "7": None, str(2**63 - 1): ""}, ["", [[-(2**63), 0], []]], 2.5],
    ["", [], {}, ["x", []], None],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

using Nested = std::tuple<std::string, std::vector<std::vector<long>>>;

auto echo(std::string s, std::vector<double> xs, std::map<long, std::optional<std::string>> d,
          Nested t, std::optional<double> o) {
    return std::make_tuple(s, xs, d, t, o);
}
"""
# Two equal tests: what the first call does to its argument must not reach the second.
MUTATE = Problem(
    id="test/mutate", source="test", statement="Size.", kind="function", entry_point="size",
    signature="def size(xs: list[int]) -> int",
    tests=[call_test([[1, 2]], 2), call_test([[1, 2]], 2)],
)  # fmt: skip
MUTATE_CODE = """\
#include <vector>

long size(std::vector<long> &xs) {
    xs.push_back(7);
    return (long)xs.size() - 1;
}
"""


def _before_sort(line: str, code: str = CORRECT) -> str:
    return code.replace("    std::sort(", f"    {line}\n    std::sort(")


CASES = {
    "correct, its main cut": (CORRECT, PROBLEM, Status.OK, 3, ""),
    "a LeetCode class": (SOLUTION_CLASS, PROBLEM, Status.OK, 3, ""),
    "values round-trip": (ECHO_CODE, ECHO, Status.OK, 2, ""),
    "mutated arguments": (MUTATE_CODE, MUTATE, Status.OK, 2, ""),
    "forged lines without the token": (WRONG, PROBLEM, Status.WRONG_ANSWER, 0, "test 1:"),
    "exit(0) in one call": (
        _before_sort("if (xs.empty()) std::exit(0);"),
        PROBLEM, Status.RUNTIME_ERROR, 2, "ended the process (exit code 0) before returning",
    ),
    "exit(0) at load time": (
        "#include <cstdlib>\nstatic int bye = (std::exit(0), 0);\n" + CORRECT,
        PROBLEM, Status.RUNTIME_ERROR, 0, "the program ended before the driver finished",
    ),
    "a segfault in one call": (
        _before_sort("if (xs.empty()) *(volatile int *)0 = 1;"),
        PROBLEM, Status.RUNTIME_ERROR, 2, "killed by signal 11 (SIGSEGV)",
    ),
    "an exception": (
        _before_sort('if (xs.empty()) throw std::invalid_argument("no xs");'),
        PROBLEM, Status.RUNTIME_ERROR, 2, "raised std::invalid_argument: no xs",
    ),
    "a macro over the driver's call": (
        "#define run walk\n" + CORRECT, PROBLEM, Status.COMPILE_ERROR, 0,
        "a macro of the solution redefines a name",
    ),
    "no such function": (
        CORRECT.replace("> summarize(", "> summarise("), PROBLEM, Status.COMPILE_ERROR, 0,
        "summarize",
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "cpp", code), p) for code, p, *_ in CASES.values()]
    found = verify_batch(items, VerifyConfig(sanitize=False), progress=False)
    return dict(zip(CASES, found, strict=True))


@pytest.mark.parametrize("case", list(CASES))
def test_driver_verdicts(verdicts, case):
    _, problem, status, passed, detail = CASES[case]
    verdict = verdicts[case]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert verdict.tests_total == len(problem.tests)
    assert detail in verdict.detail, verdict.detail


def test_what_the_driver_cannot_write_or_express_is_a_counted_reason():
    big = Problem(
        id="test/big", source="test", statement="Big.", kind="function", entry_point="f",
        signature="def f(x: int) -> int", tests=[call_test([2**63], 1)],
    )  # fmt: skip
    keys = Problem(
        id="test/keys", source="test", statement="Keys.", kind="function", entry_point="f",
        signature="def f(x: dict[float, int]) -> int", tests=[call_test([{"1.5": 1}], 1)],
    )  # fmt: skip
    code = "long f(long x) { return x; }\n"
    found = verify_batch([(Candidate(p.id, "cpp", code), p) for p in (big, keys)], progress=False)
    assert found[0].status is Status.COMPILE_ERROR
    assert "cannot write a test value: 9223372036854775808 does not fit" in found[0].detail
    assert found[1].status is Status.COMPILE_ERROR and "cannot express" in found[1].detail


def test_doctests():
    assert doctest.testmod(cpp_functions).failed == 0


def test_header_is_includes_a_comment_and_the_signature():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nEnds with a backslash \\") == (
        "#include <map>\n#include <optional>\n#include <string>\n#include <tuple>\n"
        "#include <vector>\n\n// Summarize.\n//\n// Ends with a backslash \\.\n"
        "std::tuple<std::vector<double>, std::string, std::optional<long>, bool> summarize("
        "std::vector<double> xs, std::string label, std::map<std::string, long> words, "
        "bool flag) {\n"
    )
    odd = parse_signature("def f(new: int, class_: float, new_: bool) -> None")
    assert FUNCTIONS.header(odd, "") == "void f(long new_, double class_, bool new__) {\n"


def test_literals():
    lit = FUNCTIONS.literal
    quoted = 'std::string("a\\"\\\\\\n\\?\\303\\251\\000", 8)'
    assert lit('a"\\\n?é\x00', parse_type("str")) == quoted
    assert lit(None, parse_type("Optional[int]")) == "std::nullopt"
    assert lit(3, parse_type("Optional[int]")) == "std::optional<long>(3L)"
    assert lit([["a", 1]], parse_type("list[tuple[str, float]]")) == (
        "std::vector<std::tuple<std::string, double>>{std::tuple<std::string, double>("
        'std::string("a", 1), 1.0)}'
    )
    assert lit({"2": [True]}, parse_type("dict[int, list[bool]]")) == (
        "std::map<long, std::vector<bool>>{{2L, std::vector<bool>{true}}}"
    )
    assert lit(-(2**63), parse_type("int")) == "(-9223372036854775807L - 1)"
    assert lit(-math.inf, parse_type("float")) == "-std::numeric_limits<double>::infinity()"
    assert lit(1e-05, parse_type("float")) == "1e-05"
    with pytest.raises(ValueError, match="does not fit"):
        lit(2**63, parse_type("int"))


def test_unsupported():
    reason = FUNCTIONS.unsupported
    assert "only int and str keys" in reason(parse_signature("def f(d: dict[float, int]) -> int"))
    assert "None" in reason(parse_signature("def f(x: None) -> int"))
    assert "None inside" in reason(parse_signature("def f(x: list[None]) -> int"))
    assert "keyword" in reason(parse_signature("def delete(x: int) -> int"))
    assert "keyword" in reason(parse_signature("def main(x: int) -> int"))
    assert reason(parse_signature(ECHO_SIG)) is None
    assert reason(parse_signature("def f(x: int) -> None")) is None


def test_the_candidates_main_is_cut_and_its_lines_kept():
    code, owner = cpp_functions.without_main(CORRECT, "summarize")
    assert "signed main" not in code and "printf" not in code and owner is None
    assert "#define int long long" in code and "summarize(" in code
    assert code.count("\n") == CORRECT.count("\n")
    code, owner = cpp_functions.without_main(SOLUTION_CLASS, "summarize")
    assert owner == "Solution" and code == SOLUTION_CLASS
    template = "template <class T>\nT f(T x) { return x; }\nint main() { return f(1); }\n"
    assert cpp_functions.without_main(template, "f") == (template.split("int main")[0] + "\n", None)
    broken = "long f(long x) { return x\nint main() {}\n"
    assert cpp_functions.without_main(broken, "f")[0] == broken
