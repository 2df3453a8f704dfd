"""Prompts for function problems: the target's own header (types, doc comment) as the
thing to implement, no stdin/stdout requirements, and repairs that name the failing call."""

from __future__ import annotations

import pytest

from parallel_sft.languages import get_language
from parallel_sft.prompts import render_repair, render_solve, render_translate
from parallel_sft.records import Problem, Reference, Status, call_test
from parallel_sft.translate.repair import repair_request

PROBLEM = Problem(
    id="fn/running_max", source="fn", statement="The largest number so far, at every position.",
    tests=[call_test([[1, 3, 2]], [1, 3, 3])], kind="function", entry_point="running_max",
    signature="def running_max(numbers: list[int]) -> list[int]",
    reference=Reference("python", "def running_max(numbers):\n    return numbers\n"),
)  # fmt: skip


def test_translate_shows_the_targets_header_and_asks_for_the_function_only():
    prompt = render_translate(PROBLEM, "python")
    assert prompt.version == "translate-function/v1"
    system, user = prompt.chat[0]["content"], prompt.chat[-1]["content"]
    assert "functions" in system and "standard input" not in system
    assert "```python\ndef running_max(numbers: list[int]) -> list[int]:" in user
    assert "The largest number so far" in user and "return numbers" in user
    assert "no main function, no reading input, no printing" in user
    assert "standard input" not in user and "Python 3.11: the standard library" in user


def test_solve_for_eval_and_rl_has_no_reference():
    prompt = render_solve(PROBLEM, "python")
    assert prompt.version == "solve-function/v1"
    assert "return numbers" not in prompt.chat[-1]["content"]
    assert "def running_max(numbers: list[int]) -> list[int]:" in prompt.chat[-1]["content"]


def test_a_language_without_a_driver_is_refused():
    from dataclasses import replace

    no_driver = replace(get_language("rust"), functions=None)  # whichever has one by now
    with pytest.raises(ValueError, match="Rust does not take function problems yet"):
        render_translate(PROBLEM, no_driver)


def test_repairs_name_the_call_or_the_compiler_message():
    first = render_translate(PROBLEM, "python")
    wrong = repair_request(
        PROBLEM, get_language("python"), first, "```python\n...\n```", Status.WRONG_ANSWER,
        "test 1: running_max([1, 3, 2]) returned [1, 3, 2], expected [1, 3, 3]",
    )  # fmt: skip
    turn = wrong.prompt.chat[-1]["content"]
    assert turn.startswith("Your Python 3 function fails a test (wrong answer): running_max(")
    assert "expected [1, 3, 3]" in turn and "Input:" not in turn
    assert "the Python 3 function in a single ```python code block" in turn
    broken = repair_request(
        PROBLEM, get_language("python"), first, "x", Status.COMPILE_ERROR, "SyntaxError: bad"
    )
    assert "does not compile" in broken.prompt.chat[-1]["content"]
    assert "function in a single" in broken.prompt.chat[-1]["content"]
    plain = render_repair(first, "x", "python", status="wrong answer", call="f(1) returned 2")
    assert plain.chat[-1]["content"].startswith("Your Python 3 function fails a test")
