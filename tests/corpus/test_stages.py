"""The corpus build's pure parts: selection, the split, the funnel, the build directory's
claim, repair requests, and the verdict cache."""

from __future__ import annotations

import json

import pytest

from parallel_sft.backends.lazy import LazyBackend
from parallel_sft.corpus.build import repair_round
from parallel_sft.corpus.config import BuildConfig, BuildDir
from parallel_sft.corpus.export import split_problems
from parallel_sft.corpus.selection import select
from parallel_sft.corpus.stats import funnel
from parallel_sft.errors import PsftError
from parallel_sft.languages import get_language
from parallel_sft.prompts import RenderedPrompt
from parallel_sft.records import Candidate, Problem, Status, Test
from parallel_sft.translate.repair import repair_request
from parallel_sft.verify.cache import VerdictCache, verdict_key, verify_cached
from parallel_sft.verify.executors import ExecutorSpec
from parallel_sft.verify.runner import VerifyConfig


def attempt(problem="p", lang="c", sample=0, round_=0, code="int main(){}", status="OK"):
    return {
        "problem_id": problem, "language": lang, "sample": sample, "round": round_,
        "code": code, "status": status, "syntax_ok": status != "SYNTAX_ERROR",
    }  # fmt: skip


# --- selection -------------------------------------------------------------------------


def test_select_keeps_in_round_then_sample_order_up_to_keep():
    rows = [
        attempt(sample=1, code="int a;"),
        attempt(sample=0, round_=1, code="int b;"),
        attempt(sample=0, code="int c;"),
        attempt(sample=2, code="int d;"),
    ]
    chosen, dropped = select(rows, keep=2)
    assert [r["kept"] for r in chosen] == [True, False, True, False]
    assert dropped["dropped_over_keep"] == 2


def test_select_drops_exact_and_normalized_duplicates_but_not_different_programs():
    rows = [
        attempt(sample=0, code="int x = 1;"),
        attempt(sample=1, code="int x = 1;"),  # exact
        attempt(sample=2, code="int  x=1; /* same tokens */"),  # normalized
        attempt(sample=3, code="int x = 2;"),  # one token differs
        attempt(problem="q", sample=0, code="int x = 1;"),  # another problem: its own group
        attempt(sample=4, code="int y;", status="WRONG_ANSWER"),
    ]
    chosen, dropped = select(rows, keep=5)
    assert [r["kept"] for r in chosen] == [True, False, False, True, True, False]
    assert dropped == {
        "dropped_duplicate": 1,
        "dropped_normalized_duplicate": 1,
        "dropped_over_keep": 0,
    }


# --- split ---------------------------------------------------------------------------------


def test_split_is_by_id_hash_independent_of_order_and_sized_by_fraction():
    ids = [f"src/{i}" for i in range(40)]
    split = split_problems(ids, 0.25)
    assert sum(v == "test" for v in split.values()) == 10
    assert split_problems(list(reversed(ids)), 0.25) == split
    assert set(split_problems(ids, 0.0).values()) == {"train"}
    # Adding problems moves none of the old ones from test to train only by reordering.
    grown = split_problems([*ids, "src/new"], 0.25)
    assert sum(grown[i] != split[i] for i in ids) <= 1


# --- funnel --------------------------------------------------------------------------------


def test_funnel_counts_each_stage_per_language():
    rows = [
        {**attempt(code="", status="SYNTAX_ERROR"), "kept": False},
        {**attempt(code="bad", status="SYNTAX_ERROR"), "kept": False},
        {**attempt(code="x", status="COMPILE_ERROR"), "kept": False},
        {**attempt(code="y", status="WRONG_ANSWER"), "kept": False},
        {**attempt(code="z"), "kept": True},
        {**attempt(problem="q", code="z"), "kept": False},
        {**attempt(lang="go", code="z"), "kept": True},
    ]
    by_lang = {f["language"]: f for f in funnel(rows, ["c", "go", "rust"])}
    assert by_lang["c"] == {
        "language": "c", "candidates": 6, "extracted": 5, "syntax_ok": 4, "compiled": 3,
        "verified": 2, "problems_verified": 2, "kept": 1,
    }  # fmt: skip
    assert by_lang["go"]["verified"] == 1 and by_lang["rust"]["candidates"] == 0


# --- the build directory -------------------------------------------------------------------


def test_claim_resumes_same_config_and_refuses_another(tmp_path):
    out = tmp_path / "corpus"
    config = BuildConfig(langs=("c",))
    assert BuildDir(out).claim(config, overwrite=False) is False
    assert BuildDir(out).claim(config, overwrite=False) is True
    with pytest.raises(PsftError, match=r"differs in: keep, n\)"):
        BuildDir(out).claim(BuildConfig(langs=("c",), keep=2, n=3), overwrite=False)


def test_overwrite_clears_outputs_and_shards_but_keeps_caches(tmp_path):
    out = tmp_path / "corpus"
    BuildDir(out).claim(BuildConfig(langs=("c",)), overwrite=False)
    for name in ("completions.jsonl", "verdicts.jsonl", "problems.jsonl", "round-0/shard.jsonl"):
        (out / ".build" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / ".build" / name).write_text("x\n")
    (out / "c").mkdir()
    (out / "README.md").write_text("card")
    BuildDir(out).claim(BuildConfig(langs=("c",), keep=2), overwrite=True)
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert left == [
        ".build",
        ".build/build.json",
        ".build/completions.jsonl",
        ".build/verdicts.jsonl",
    ]
    assert json.loads((out / ".build/build.json").read_text())["keep"] == 2


def test_a_foreign_directory_is_refused_even_with_overwrite(tmp_path):
    (tmp_path / "data.csv").write_text("1,2")
    with pytest.raises(PsftError, match="not a corpus build directory"):
        BuildDir(tmp_path).claim(BuildConfig(langs=("c",)), overwrite=True)
    assert (tmp_path / "data.csv").read_text() == "1,2"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"langs": ()}, "--langs names no PL"),
        ({"n": 0}, "--n must be at least 1"),
        ({"keep": 0}, "--keep must be at least 1"),
        ({"test_fraction": 1.0}, "--test-fraction must be in"),
        ({"repair_rounds": -1}, "--repair-rounds cannot be negative"),
    ],
)
def test_bad_config_values_are_refused(kwargs, message):
    with pytest.raises(PsftError, match=message):
        BuildConfig(**{"langs": ("c",), **kwargs})


# --- repair requests -----------------------------------------------------------------------

PROBLEM = Problem("x/1", "x", "Print the sum.", [Test("1 2\n", "3"), Test("5 5\n", "10")])
FIRST = RenderedPrompt([{"role": "user", "content": "Translate."}], "translate/v1")


def test_repair_of_a_compile_error_shows_the_compiler_message():
    req = repair_request(
        PROBLEM, get_language("c"), FIRST, "```c\nint main({}\n```", Status.COMPILE_ERROR,
        "exit code 1: main.c:1:10: error: expected declaration",
    )  # fmt: skip
    turn = req.prompt.chat[-1]["content"]
    assert req.prompt.chat[:2] == [
        *FIRST.chat,
        {"role": "assistant", "content": "```c\nint main({}\n```"},
    ]
    assert "does not compile" in turn and "main.c:1:10: error: expected declaration" in turn
    assert "exit code" not in turn and req.prompt.version == "repair/v1"


def test_repair_of_a_wrong_answer_shows_the_failing_test():
    req = repair_request(
        PROBLEM, get_language("c"), FIRST, "...", Status.WRONG_ANSWER,
        "test 2: token 1: expected '10', got '11'",
    )  # fmt: skip
    turn = req.prompt.chat[-1]["content"]
    assert "5 5" in turn and "10" in turn and "expected '10', got '11'" in turn
    assert "wrong answer" in turn


def test_repair_round_skips_verified_pairs_and_ok_attempts():
    chat = json.dumps(FIRST.chat)
    base = {"prompt_version": "translate/v1", "chat": chat, "response": "r", "detail": "test 1: x"}
    previous = [
        {**attempt(problem="x/1", sample=0, status="WRONG_ANSWER"), **base},
        {**attempt(problem="x/1", sample=1, status="OK"), **base},
        {**attempt(problem="x/1", lang="go", sample=0, status="TIME_LIMIT"), **base},
    ]
    todo = repair_round(previous, {("x/1", "c")}, {"x/1": PROBLEM})
    assert [(r.lang.name, s) for r, s in todo] == [("go", 0)]


# --- verdict cache -------------------------------------------------------------------------


def test_verify_cached_judges_each_program_once(sandbox, tmp_path):
    problem = Problem("x/1", "x", "sum", [Test("1 2\n", "3\n")])
    good = Candidate("x/1", "python", "a, b = map(int, input().split())\nprint(a + b)\n")
    bad = Candidate("x/1", "python", "print(4)\n")
    config = VerifyConfig()
    with VerdictCache(tmp_path / "v.jsonl") as cache:
        first, reused = verify_cached(
            [(good, problem), (bad, problem)],
            config,
            cache,
            executor=ExecutorSpec(workers=1),
            progress=False,
        )
    assert [v.status for v in first] == [Status.OK, Status.WRONG_ANSWER] and reused == 0
    with VerdictCache(tmp_path / "v.jsonl") as cache:
        again, reused = verify_cached(
            [(bad, problem), (good, problem)],
            config,
            cache,
            executor=ExecutorSpec(workers=1),
            progress=False,
        )
    assert [v.status for v in again] == [Status.WRONG_ANSWER, Status.OK] and reused == 2
    other = Problem("x/1", "x", "sum", [Test("1 2\n", "4\n")])  # changed tests: judged again
    assert verdict_key(bad, other, config) != verdict_key(bad, problem, config)


def test_lazy_backend_names_the_embedded_model_without_loading_it():
    llm = LazyBackend("hf", None, {})
    from parallel_sft.backends.embedded import DEFAULT_MODEL_NAME

    assert llm.model == DEFAULT_MODEL_NAME and llm._backend is None
