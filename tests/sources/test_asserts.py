"""Test calls from assert statements, read with ast and never run: the shapes HumanEval's
`check(candidate)` and MBPP's `test_list` use, and a reason for everything else."""

from __future__ import annotations

import doctest

from parallel_sft.sources import asserts
from parallel_sft.sources.asserts import Call, calls_from_asserts

# A HumanEval-style test field (written for this test, in the dataset's shape).
CHECK = """

METADATA = {
    'author': 'jt',
    'dataset': 'test'
}


def check(candidate):
    assert candidate([1.0, 2.0, 3.9], 0.3) == True
    assert candidate([1.0, 2.0, 5.9], 0.95) is False
    assert abs(candidate([1.0, 2.0]) - 1.5) < 1e-6
    assert math.isclose(candidate([4, -2]), 1)
    assert not candidate([], 1.0), "empty input"
    assert candidate(*[1, 2]) == 3
    assert candidate(x=1) == 1
    for x in range(3):
        assert candidate([x], 0.0) == False
    assert candidate(list(range(3)), 0.0) == True
    assert candidate({1, 2}, 0.0) == True
    assert candidate([1.0], 0.5) == (True, [1.0])
    assert True
    assert True, "This prints if this assert fails 1 (good for debugging!)"

"""


def test_doctests():
    assert doctest.testmod(asserts).failed == 0


def test_humaneval_check_function():
    parsed = calls_from_asserts(CHECK, "has_close_elements", function="check")
    assert parsed.calls == [
        Call([[1.0, 2.0, 3.9], 0.3], True),
        Call([[1.0, 2.0, 5.9], 0.95], False),
        Call([[1.0, 2.0]], 1.5),
        Call([[4, -2]], 1.0),
        Call([[], 1.0], False),
        Call([[1.0], 0.5], (True, [1.0])),
    ]
    reasons = [d.split(": ", 1)[1] for d in parsed.dropped]
    assert reasons == [
        "*args in the call",
        "keyword arguments",
        "not an assert (for)",
        "not a literal: list(range(3))",
        "a value of type set",
    ]
    assert all(d.startswith("line ") for d in parsed.dropped)


def test_mbpp_test_list_calls_the_function_by_name():
    tests = [
        'assert remove_char("hello","l") == "heo"',
        'assert "abc" == remove_char("abcc", "c")',
        "assert remove_char('a', 'a')==''",
        "assert set(remove_char('ab', 'b')) == {'a'}",
        "assert other('a') == 'a'",
    ]
    parsed = calls_from_asserts("\n".join(tests), "remove_char")
    assert parsed.calls == [
        Call(["hello", "l"], "heo"),
        Call(["abcc", "c"], "abc"),
        Call(["a", "a"], ""),
    ]
    assert [d.split(":")[0] for d in parsed.dropped] == ["line 4", "line 5"]


def test_negative_numbers_nested_containers_and_none():
    code = "assert f(-3, (1, -2.5), {'a': [None]}) is None\nassert f(0, (0, 0), {}) == -1"
    parsed = calls_from_asserts(code, "f")
    assert parsed.calls == [
        Call([-3, (1, -2.5), {"a": [None]}], None),
        Call([0, (0, 0), {}], -1),
    ]
    assert parsed.dropped == []


def test_code_that_does_not_parse_is_one_reason():
    parsed = calls_from_asserts("def check(candidate):\n    assert candidate(1) ==", "f")
    assert parsed.calls == [] and parsed.dropped == ["line 2: the test code does not parse"]
    missing = calls_from_asserts("assert f(1) == 1", "f", function="check")
    assert missing.calls == [] and missing.dropped == ["line 1: no function check()"]


def test_nothing_is_executed():
    """A call that would have side effects stays text: the assert is dropped."""
    code = "assert f(__import__('os').system('touch /tmp/pwned')) == 0"
    parsed = calls_from_asserts(code, "f")
    assert parsed.calls == [] and "not a literal" in parsed.dropped[0]
