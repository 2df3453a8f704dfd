"""open-r1/codeforces rows -> Problems."""

from collections import Counter

from parallel_sft.records import Reference, Test
from parallel_sft.sources import codeforces

WATERMELON = "w = int(input())\nprint('YES' if w % 2 == 0 and w > 2 else 'NO')\n"


def test_load(source_rows):
    rows = source_rows("codeforces")
    skipped = Counter()
    problems = list(codeforces.load(rows, skipped=skipped))
    assert [p.id for p in problems] == ["codeforces/4/A", "codeforces/3/D"]
    assert skipped == {"interactive": 1, "special_judge": 1, "file_io": 1}
    melon, examples_only = problems
    assert melon.tests == [Test("8\n", "YES\n"), Test("5\n", "NO\n"), Test("2\n", "NO\n")]
    assert melon.reference is None
    assert (melon.time_limit_s, melon.memory_limit_mb) == (1.0, 64)
    assert melon.tags == ["brute force", "math"] and melon.difficulty == "800"
    assert melon.statement.startswith("# Watermelon\n\nPete and Billy")
    for part in ("## Input\n\nThe weight", "## Output\n\nYES or NO.", "## Example 1", "## Note"):
        assert part in melon.statement
    assert examples_only.tests == [Test("8\n", "YES\n")]
    assert (examples_only.time_limit_s, examples_only.memory_limit_mb) == (2.5, 256)
    assert examples_only.difficulty is None


def test_solutions_and_require_reference(source_rows):
    rows = source_rows("codeforces")
    skipped = Counter()
    problems = list(
        codeforces.load(
            rows, solutions={"4/A": WATERMELON}, require_reference=True, skipped=skipped
        )
    )
    assert [p.id for p in problems] == ["codeforces/4/A"]
    assert problems[0].reference == Reference("python", WATERMELON)
    assert skipped["no_reference_in_source_lang"] == 1
