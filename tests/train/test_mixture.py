"""Mixtures on a small corpus: proportions, the presets' properties, no test-split leak,
determinism under a seed."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest

from parallel_sft.errors import PsftError
from parallel_sft.train.data import load_corpus
from parallel_sft.train.mixture import (
    Example,
    MixtureSpec,
    build_mixture,
    check_no_leak,
    corpus_problems,
    parse_mixture,
    preset_spec,
)
from parallel_sft.train.sft import SFTRunConfig, prepare_dataset

from .conftest import make_corpus

LANGS = ("python", "c", "go", "lua", "javascript")


@pytest.fixture
def problems(corpus):
    train, _ = load_corpus(str(corpus))
    return corpus_problems(train, LANGS)


def spec(**kwargs) -> MixtureSpec:
    return MixtureSpec(**{"shares": {"mono": 1.0}, "langs": LANGS, **kwargs})


def test_proportions_are_within_two_percent(problems):
    shares = {"mono": 0.5, "parallel": 0.3, "translate": 0.2}
    examples = build_mixture(problems, spec(shares=shares, num_examples=337))
    counts = Counter(ex.format for ex in examples)
    assert len(examples) == 337
    for fmt, share in shares.items():
        assert abs(counts[fmt] / 337 - share) <= 0.02, fmt


def test_same_seed_same_data_other_seed_other_order(problems):
    one = build_mixture(problems, spec(shares=preset_spec("parallel"), seed=3))
    two = build_mixture(problems, spec(shares=preset_spec("parallel"), seed=3))
    three = build_mixture(problems, spec(shares=preset_spec("parallel"), seed=4))
    assert one == two and one != three


def _languages_per_problem(examples: list[Example]) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    for ex in examples:
        seen[ex.problem_id] |= set(ex.languages)
    return seen


def test_multilingual_never_repeats_a_problem_across_pls(problems):
    examples = build_mixture(problems, spec(preset="multilingual", num_examples=200))
    per_problem = _languages_per_problem(examples)
    assert all(len(langs) == 1 for langs in per_problem.values())
    used = Counter(ex.languages[0] for ex in examples)
    assert set(used) == set(LANGS)  # the same PLs as the parallel arm


def test_parallel_preset_always_shows_a_problem_in_several_pls(tmp_path):
    corpus = make_corpus(tmp_path / "c", coverage=0.3)  # many problems with one PL only
    problems = corpus_problems(load_corpus(str(corpus))[0], LANGS)
    examples = build_mixture(problems, spec(shares=preset_spec("parallel"), preset="parallel"))
    per_problem = _languages_per_problem(examples)
    assert per_problem and all(len(langs) >= 2 for langs in per_problem.values())
    assert {ex.format for ex in examples} == {"mono", "parallel", "translate"}


def test_multilingual_and_parallel_arms_default_to_the_same_amount_of_data(tmp_path):
    corpus = make_corpus(tmp_path / "c", coverage=0.6)
    problems = corpus_problems(load_corpus(str(corpus))[0], LANGS)
    programs = sum(len(p.programs) for p in problems)
    multilingual = build_mixture(problems, spec(preset="multilingual"))
    parallel = build_mixture(problems, spec(shares=preset_spec("parallel"), preset="parallel"))
    assert len(multilingual) == len(parallel) == programs


def test_source_only_uses_the_source_pl_alone(problems):
    examples = build_mixture(problems, spec(preset="source-only"))
    assert {ex.languages for ex in examples} == {("python",)}


def test_no_test_split_problem_enters_training(corpus):
    train, test = load_corpus(str(corpus))
    assert test  # the fixture has a test split
    dataset, manifest = prepare_dataset(SFTRunConfig(corpus=str(corpus), num_examples=300))
    text = str(dataset.to_list())
    for row in test:
        assert row["statement"] not in text and row["id"] not in manifest.problems
    assert manifest.excluded_test_problems == len(test)


def test_the_leak_check_refuses_a_mixture_containing_a_test_statement(problems):
    examples = build_mixture(problems, spec(num_examples=20))
    victim = examples[0]
    statement = next(m["content"] for m in victim.prompt if m["role"] == "user")
    with pytest.raises(PsftError, match="test-split problem"):
        check_no_leak(examples, {victim.problem_id: "whatever"})
    snippet = statement.split("## Problem\n")[1].split("\n")[0]
    with pytest.raises(PsftError, match="contains the statement of test-split problem 'x/9'"):
        check_no_leak(examples, {"x/9": snippet})


def test_completion_is_the_program_in_the_asked_pl(problems):
    examples = build_mixture(
        problems, spec(shares={"mono": 0.5, "translate": 0.5}, num_examples=40)
    )
    for ex in examples:
        answer = ex.completion[0]["content"]
        assert ex.completion[0]["role"] == "assistant"
        assert answer.startswith(f"```{ex.languages[-1]}\n")
        if ex.format == "translate":
            src = ex.languages[0]
            assert f"```{src}\n" in ex.prompt[-1]["content"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mono=0.5,parallel=0.3", "sum to 0.8, not 1"),
        ("mono=1.2,translate=-0.2", "negative"),
        ("mono=0.5,chat=0.5", "bad mixture item 'chat=0.5'"),
        ("mono=half", "not a number"),
    ],
)
def test_bad_mixtures(text, message):
    with pytest.raises(PsftError, match=message):
        parse_mixture(text)


def test_unknown_preset():
    with pytest.raises(PsftError, match="unknown preset 'both'; choose one of: source-only"):
        preset_spec("both")


def test_corpus_without_the_requested_pls(corpus):
    with pytest.raises(PsftError, match="has no verified programs in rust; it has: c, go"):
        prepare_dataset(SFTRunConfig(corpus=str(corpus), langs=("c", "rust")))


def test_extra_data_is_mixed_in_at_its_share(corpus, tmp_path):
    extra = tmp_path / "chat.jsonl"
    chat = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    extra.write_text(json.dumps({"messages": chat}) + "\n")
    dataset, manifest = prepare_dataset(
        SFTRunConfig(corpus=str(corpus), num_examples=90, extra_data=str(extra), extra_share=0.1)
    )
    assert len(dataset) == 100 and manifest.extra == {"source": str(extra), "examples": 10}
    assert sum(row["completion"][0]["content"] == "hello" for row in dataset) == 10
