"""deepmind/code_contests rows -> Problems; references pass their own tests."""

from collections import Counter

import pytest

from parallel_sft.records import Candidate, Reference, Test
from parallel_sft.sources import UnsupportedSourceLanguageError, code_contests
from parallel_sft.sources.base import Skip
from parallel_sft.verify.pool import verify_batch


@pytest.fixture(scope="module")
def rows(source_rows):
    return source_rows("code_contests")


def test_load_python(rows):
    skipped = Counter()
    problems = {p.id: p for p in code_contests.load(rows, skipped=skipped)}
    assert list(problems) == ["code_contests/1_A. Sum", "code_contests/5_E. Maximum"]
    assert skipped == {
        "no_reference_in_source_lang": 1,
        "special_judge_heuristic": 1,
        "interactive_heuristic": 1,
        "no_tests": 1,
    }
    total = problems["code_contests/1_A. Sum"]
    assert total.source == "code_contests"
    # public, private, generated; the repeated private test is dropped
    assert total.tests == [Test("1 2\n", "3\n"), Test("5 7\n", "12\n"), Test("-4 4\n", "0\n")]
    assert total.reference == Reference("python", rows[0]["solutions"]["solution"][2])
    assert (total.time_limit_s, total.memory_limit_mb) == (2.0, 256)
    assert total.tags == ["math", "implementation"]
    assert total.difficulty == "A"
    maximum = problems["code_contests/5_E. Maximum"]
    assert len(maximum.tests) == 3
    assert maximum.reference.code.startswith("input()")  # the first Python 3 solution
    assert (maximum.time_limit_s, maximum.memory_limit_mb) == (1.5, 64)
    assert maximum.difficulty == "MEDIUM"


def test_source_lang_cpp(rows):
    skipped = Counter()
    problems = list(code_contests.load(rows, source_lang="c++", skipped=skipped))
    assert [p.id for p in problems] == ["code_contests/1_A. Sum", "code_contests/2_B. No Python"]
    assert {p.reference.language for p in problems} == {"cpp"}
    no_python = problems[1]
    assert no_python.time_limit_s == 2.0 and no_python.difficulty is None  # null, UNKNOWN
    assert skipped["no_reference_in_source_lang"] == 1  # 5_E: Python 3 only


def test_test_sets_and_special_judge_switch(rows):
    only_public = code_contests.convert(rows[0], test_sets=["public_tests"])
    assert only_public.tests == [Test("1 2\n", "3\n")]
    kept = code_contests.convert(rows[2], skip_special_judge=False)
    assert kept.id == "code_contests/3_C. Any Pair"
    assert code_contests.convert(rows[2]) == Skip("special_judge_heuristic")


def test_other_solutions(rows):
    others = code_contests.other_solutions(rows[0])
    assert set(others) == {"cpp", "java"}  # Python 2 (code 1) has no registry language
    assert others["cpp"][0].startswith("#include")
    assert set(code_contests.other_solutions(rows[0], source_lang="cpp")) == {"python", "java"}


def test_unsupported_source_lang(rows):
    with pytest.raises(UnsupportedSourceLanguageError, match="available: cpp, java, python"):
        code_contests.load(rows, source_lang="rust")


def test_heuristics():
    assert code_contests.looks_like_special_judge("If there are several answers, output any.")
    assert not code_contests.looks_like_special_judge("Print the answer modulo 10^9+7.")
    assert code_contests.looks_interactive("Input\n\n...\n\nInteraction\n\nAfter printing")


def test_references_pass_their_own_tests(rows):
    problems = list(code_contests.load(rows))
    items = [(Candidate(p.id, p.reference.language, p.reference.code), p) for p in problems]
    verdicts = verify_batch(items, progress=False)
    assert [v.detail for v in verdicts if not v.ok] == []
    assert [v.tests_passed for v in verdicts] == [len(p.tests) for p in problems]
