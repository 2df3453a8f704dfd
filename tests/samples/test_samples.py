"""The bundled sample: its shape, and every reference passing its own tests."""

import re

from parallel_sft.records import Candidate
from parallel_sft.verify.pool import verify_batch

FIXTURE_PROBLEMS = ("sample/sum-two", "sample/count-words", "sample/average")


def test_shape(samples):
    assert len(samples) >= 40
    for problem in samples.values():
        assert re.fullmatch(r"sample/[a-z0-9-]+", problem.id)
        assert len(problem.tests) >= 5, problem.id
        assert problem.reference is not None and problem.reference.language == "python"
        assert "## Input" in problem.statement and "## Output" in problem.statement
        assert all(t.output.strip() for t in problem.tests), problem.id
    assert set(FIXTURE_PROBLEMS) <= set(samples)


def test_edge_cases_are_covered(samples):
    problems = list(samples.values())
    assert sum("bigint" in p.tags for p in problems) >= 3
    assert sum(any(re.search(r"\d\.\d{6}\b", t.output) for t in p.tests) for p in problems) >= 3
    assert any(t.input.split("\n")[0].strip() == "0" for p in problems for t in p.tests)
    assert any("  " in t.input for p in problems for t in p.tests), "strings with spaces"
    words = samples["sample/count-words"]
    assert any("\n\n" in t.input for t in words.tests), "an empty line"


def test_every_reference_passes_its_own_tests(samples):
    problems = list(samples.values())
    items = [(Candidate(p.id, p.reference.language, p.reference.code), p) for p in problems]
    verdicts = verify_batch(items, progress=False)
    failed = {p.id: v.detail for p, v in zip(problems, verdicts, strict=True) if not v.ok}
    assert failed == {}
    for p, v in zip(problems, verdicts, strict=True):
        assert v.tests_passed == v.tests_total == len(p.tests)
