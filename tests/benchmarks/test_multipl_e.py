"""MultiPL-E as its own evaluator judges it: fixture rows in MultiPL-E's real schema (one
task of our own, `HumanEval_900_count_evens`, in every PL the registry has, Kotlin's
`humaneval-kt` and a Julia row the registry lacks), read as a local copy, and for each PL
a right and a wrong completion built into prompt + completion + "\\n" + tests and run in
the sandbox the way MultiPL-E's containers run them (`benchmarks/`). Toolchains are
never skipped: a missing one is an INFRA_ERROR, which fails the right completion's test."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from parallel_sft.benchmarks import completed_program
from parallel_sft.languages import get_language
from parallel_sft.records import Candidate, Status
from parallel_sft.sources import load_source, multipl_e
from parallel_sft.sources.base import Skip
from parallel_sft.sources.multilingual import read_rows
from parallel_sft.verify.pool import verify_batch

FIXTURES = Path(__file__).parents[1] / "fixtures"
ROWS = FIXTURES / "sources" / "multipl_e"
# {code: {"right": ..., "wrong": ...}}: what a model would write after the prompt, ending
# just before a stop token. Kept outside ROWS: the loader reads every .json file there.
COMPLETIONS = json.loads((FIXTURES / "benchmarks" / "multipl_e_completions.json").read_text())
TASK = "HumanEval_900_count_evens"

# the row's `language` -> the registry's name (jl has none: skipped)
LANGUAGES = {
    "clj": "clojure", "cpp": "cpp", "cs": "csharp", "d": "d", "elixir": "elixir",
    "go_test.go": "go", "hs": "haskell", "java": "java", "js": "javascript", "kt": "kotlin",
    "lua": "lua", "ml": "ocaml", "php": "php", "pl": "perl", "r": "r", "rb": "ruby",
    "rkt": "racket", "rs": "rust", "scala": "scala", "sh": "bash", "ts": "typescript",
}  # fmt: skip
CODE = {code.removesuffix("_test.go"): lang for code, lang in LANGUAGES.items()}  # file codes
ENTRY_POINTS = {"csharp": "CountEvens", "haskell": "countEvens", "java": "countEvens",
                "kotlin": "countEvens", "scala": "countEvens"}  # fmt: skip

# The completions that run past a stop token (one of each kind of stop) and still pass
RUN_PAST_STOP = ("lua", "java", "php")


@pytest.fixture(scope="module")
def loaded():
    return load_source(f"multipl-e:{ROWS}")


@pytest.fixture(scope="module")
def problem(loaded):
    problems, _ = loaded
    return problems[0]


def _run_past_stop(harness, code: str) -> str:
    """The right completion, a stop token, and text that would break the program."""
    return COMPLETIONS[code]["right"] + harness.stop_tokens[0] + "\nnot a program ((( }}} ]]\n"


@pytest.fixture(scope="module")
def verdicts(problem):
    """(code, kind) -> the verdict, every program verified in one batch on every core."""
    keys, items = [], []
    for code, lang in CODE.items():
        if code not in COMPLETIONS:
            continue
        harness = problem.harnesses[lang]
        programs = {kind: harness.prompt + COMPLETIONS[code][kind] for kind in ("right", "wrong")}
        if code in RUN_PAST_STOP:
            completion = _run_past_stop(harness, code)
            programs["past stop"] = completed_program(harness, get_language(lang), completion)
        for kind, program in programs.items():
            keys.append((code, kind))
            items.append((Candidate(problem.id, lang, program), problem))
    return dict(zip(keys, verify_batch(items, progress=False), strict=True))


def test_rows_become_one_problem_with_a_harness_per_language(loaded):
    problems, skipped = loaded
    assert [p.id for p in problems] == [f"multipl-e/{TASK}"]
    assert skipped == {"unknown_language_jl": 1}
    problem = problems[0]
    assert sorted(problem.harnesses) == sorted(LANGUAGES.values())
    assert problem.kind == "function" and problem.entry_point == "count_evens"
    for lang, harness in problem.harnesses.items():
        assert harness.benchmark == "multipl-e" and harness.task_id == TASK
        assert harness.entry_point == ENTRY_POINTS.get(lang, "count_evens"), lang
        assert harness.solution is None  # MultiPL-E ships no solutions
        get_language(lang)  # a registry name
    java, go, rkt = (problem.harnesses[k] for k in ("java", "go", "racket"))
    assert java.stop_tokens == ("\n    }\n",)
    assert java.prompt.endswith("public static long countEvens(ArrayList<Long> lst) {\n")
    assert java.tests.startswith("    }\n    public static void main(String[] args) {\n")
    assert go.stop_tokens == ("\nfunc", "struct", "\n// ")
    assert go.prompt.startswith("package count_evens_test\n")
    assert rkt.stop_tokens == ("\n(define ", "\n#|", "\n;", "\n(")


def test_each_row_s_language_maps_to_its_registry_name():
    skipped: Counter[str] = Counter()
    found = {}
    for file, row in read_rows(ROWS, label="multipl-e"):
        assert file.name == f"humaneval-{row['language'].removesuffix('_test.go')}.jsonl"
        assert list(row) == ["name", "language", "prompt", "doctests", "original",
                             "prompt_terminology", "tests", "stop_tokens"]  # fmt: skip
        entry = multipl_e.convert(row)
        if isinstance(entry, Skip):
            skipped[entry.reason] += 1
        found[row["language"]] = None if isinstance(entry, Skip) else entry.lang
    assert found == {**LANGUAGES, "jl": None}
    assert skipped == {"unknown_language_jl": 1}
    assert set(COMPLETIONS) == set(CODE)  # a right and a wrong completion for each PL


@pytest.mark.parametrize("code", sorted(CODE))
def test_right_completion_passes_and_wrong_one_fails(verdicts, code):
    right, wrong = verdicts[code, "right"], verdicts[code, "wrong"]
    assert right.status is Status.OK, right
    assert (right.tests_passed, right.tests_total) == (1, 1)
    # a completion that compiles and gets the answers wrong fails MultiPL-E's tests
    assert wrong.status in (Status.RUNTIME_ERROR, Status.WRONG_ANSWER), wrong
    assert wrong.tests_passed == 0 and wrong.detail


@pytest.mark.parametrize("code", sorted(CODE))
def test_completed_program_cuts_at_the_first_stop_token(problem, code):
    lang = CODE[code]
    harness = problem.harnesses[lang]
    right = COMPLETIONS[code]["right"]
    assert completed_program(harness, get_language(lang), right) == harness.prompt + right
    past = _run_past_stop(harness, code)
    assert completed_program(harness, get_language(lang), past) == harness.prompt + right


@pytest.mark.parametrize("code", RUN_PAST_STOP)
def test_a_completion_run_past_its_stop_token_passes_once_cut(verdicts, code):
    verdict = verdicts[code, "past stop"]
    assert verdict.status is Status.OK, verdict
