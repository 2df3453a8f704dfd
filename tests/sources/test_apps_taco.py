"""BAAI/TACO and codeparrot/apps rows (APPS schema) -> Problems."""

from collections import Counter

import pytest

from parallel_sft.records import Test
from parallel_sft.sources import UnsupportedSourceLanguageError, apps, taco
from parallel_sft.sources.base import Skip


def test_taco(source_rows):
    rows = source_rows("taco")
    skipped = Counter()
    problems = list(taco.load(rows, skipped=skipped))
    assert [p.id for p in problems] == ["taco/0", "taco/1", "taco/4"]
    assert skipped == {"function_call_problem": 1, "no_reference_in_source_lang": 1}
    first, lines, echo = problems
    assert first.tests == [Test("1 2\n", "3\n"), Test("5 7\n", "12\n")]
    assert first.reference.language == "python" and first.reference.code.startswith("a, b")
    assert (first.time_limit_s, first.memory_limit_mb) == (1.0, 256)
    assert first.tags == ["Mathematics", "Implementation"]  # skill type not repeated
    assert first.difficulty == "EASY"
    assert lines.tests == [Test("3\n1 5 2\n", "5"), Test("1\n-7\n", "-7")]
    assert (lines.time_limit_s, lines.memory_limit_mb) == (2.0, 64)
    assert lines.difficulty == "MEDIUM_HARD"
    assert (echo.time_limit_s, echo.memory_limit_mb, echo.difficulty) == (2.0, 256, None)


def test_taco_split_ids(source_rows):
    problems = list(taco.load(source_rows("taco"), split="test"))
    assert problems[0].id == "taco/test/0"


def test_apps(source_rows):
    rows = source_rows("apps")
    skipped = Counter()
    problems = list(apps.load(rows, skipped=skipped))
    assert [p.id for p in problems] == ["apps/0", "apps/4"]
    assert skipped == {
        "function_call_problem": 1,
        "no_reference_in_source_lang": 1,
        "no_tests": 1,
    }
    assert problems[0].difficulty == "introductory"
    assert problems[1].tests == [Test("3\n1 5 2\n", "5"), Test("1\n-7\n", "-7\n")]
    assert problems[1].time_limit_s == 2.0  # APPS has no limits: the defaults
    assert apps.convert(rows[0], split="test").id == "apps/test/0"


def test_malformed_json():
    row = {"problem_id": 1, "question": "q", "solutions": "[", "input_output": "{}"}
    assert apps.convert(row).reason == "malformed_json"
    assert isinstance(apps.convert(row), Skip)


def test_python_only(source_rows):
    with pytest.raises(UnsupportedSourceLanguageError, match="available: python"):
        taco.load(source_rows("taco"), source_lang="cpp")
