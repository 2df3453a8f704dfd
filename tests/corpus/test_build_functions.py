"""A function-problem corpus end to end, the MultiPL-T way: HumanEval rows (fixture rows in
the dataset's own schema, read as a local copy `humaneval:PATH`) -> `psft corpus build`
with a scripted translator into Lua, Racket, R and OCaml -> the dataset (function
columns, function code) -> a Parallel-SFT mixture of it.

The scripted answers are the hand-written fixture functions of
tests/fixtures/functions/<lang>/ (the same problems), so the test knows exactly what must
be verified: problems 0-3 in every language; `shout` gets a wrong function first and its
repair (the repair prompt names the failing call); the two `Any` problems are not asked
for in any of these languages, and the card and the funnel say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallel_sft.languages import get_language

from ..backends.conftest import stub_server
from ..conftest import FIXTURES
from .test_build_scripted import dataset_rows, psft

LANGS = ["lua", "racket", "r", "ocaml"]
SOURCE = FIXTURES / "sources" / "humaneval.jsonl"
FUNCTIONS = FIXTURES / "functions"
ENTRIES = {0: "running_max", 1: "first_word", 2: "mean_by_key", 3: "is_palindrome"}
# `shout`, hand-written per language: wrong (unchanged text) and right (upper case, then "!").
SHOUT = {
    "lua": ("function shout(text)\n  return text\nend\n",
            "function shout(text)\n  return string.upper(text) .. \"!\"\nend\n"),
    "racket": ("#lang racket\n(define (shout text) text)\n",
               "#lang racket\n(define (shout text) (string-append (string-upcase text) \"!\"))\n"),
    "r": ("shout <- function(text) {\n  text\n}\n",
          "shout <- function(text) {\n  paste0(toupper(text), \"!\")\n}\n"),
    "ocaml": ("let shout (text : string) : string = text\n",
              "let shout (text : string) : string = String.uppercase_ascii text ^ \"!\"\n"),
}  # fmt: skip


def _fixture(lang: str, entry: str) -> str:
    suffix = Path(get_language(lang).source_file).suffix
    return (FUNCTIONS / lang / f"{entry}.ok{suffix}").read_text()


def _script() -> list[dict]:
    entries = []
    for lang in LANGS:
        display = get_language(lang).display
        wrong, right = SHOUT[lang]
        # Repairs first: a repair chat repeats the first turn.
        entries.append({"match": [f"Your {display} function fails a test", "shout("],
                        "responses": [f"```{lang}\n{right}```"]})  # fmt: skip
        entries.append({"match": [f"function into {display}.", "def shout("],
                        "responses": [f"```{lang}\n{wrong}```"]})  # fmt: skip
        for entry in ENTRIES.values():
            code = _fixture(lang, entry)
            entries.append({"match": [f"function into {display}.", f"def {entry}("],
                            "responses": [f"```{lang}\n{code}```"]})  # fmt: skip
    return entries


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("functions")
    (root / "script.json").write_text(json.dumps(_script()))
    (root / "stub").mkdir()
    out = root / "corpus"
    with stub_server(root / "stub", "--script", str(root / "script.json")) as url:
        result = psft(
            "corpus", "build", "--source", f"humaneval:{SOURCE}", "--backend", "openai",
            "--base-url", url, "--langs", ",".join(LANGS), "--n", "1", "--repair-rounds", "1",
            "--test-fraction", "0", "--out", str(out), "--quiet",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


def test_every_language_verifies_the_functions_it_can_express(built):
    out, result = built
    parallel = dataset_rows(out, "parallel")
    programs = {row["id"]: {k: v for k, v in row["programs"].items() if v} for row in parallel}
    want = {f"humaneval/{n}" for n in (0, 1, 2, 3, 4)}
    assert set(programs) == want
    for pid in want:
        assert sorted(programs[pid]) == sorted(LANGS), pid
    row = next(r for r in parallel if r["id"] == "humaneval/1")
    assert (row["kind"], row["entry_point"]) == ("function", "first_word")
    want = "def first_word(text: str, min_len: int) -> Optional[tuple[str, int]]"
    assert row["signature"] == want
    assert json.loads(row["tests"][0]["input"]) == ["a bb ccc", 2]


def test_language_configs_hold_the_function_as_written_not_the_driver(built):
    out, _ = built
    for lang in LANGS:
        rows = {r["problem_id"]: r for r in dataset_rows(out, lang)}
        assert rows["humaneval/0"]["code"].strip() == _fixture(lang, "running_max").strip()
        assert rows["humaneval/4"]["code"].strip() == SHOUT[lang][1].strip()  # the repair
        assert rows["humaneval/4"]["round"] == 1
        assert {r["kind"] for r in rows.values()} == {"function"}
        assert "TOKEN" not in rows["humaneval/2"]["code"]


def test_the_card_counts_what_each_language_cannot_express(built):
    out, result = built
    card = (out / "README.md").read_text()
    for lang in LANGS:
        display = get_language(lang).display
        assert f"not expressible in {display} (no {display} program asked for) | 2 |" in card
    assert "function problems it cannot express" not in result.stdout  # --quiet: no log


def test_a_parallel_sft_mixture_of_the_function_corpus(built):
    from parallel_sft.corpus.read import load_corpus
    from parallel_sft.train.mixture import MixtureSpec, build_mixture, corpus_problems

    out, _ = built
    train, _ = load_corpus(str(out))
    problems = corpus_problems(train, ["python", *LANGS])
    spec = MixtureSpec({"mono": 0.4, "parallel": 0.3, "translate": 0.3},
                       ("python", *LANGS), preset="parallel", num_examples=20)  # fmt: skip
    examples = build_mixture(problems, spec)
    assert {ex.format for ex in examples} == {"mono", "parallel", "translate"}
    for ex in examples:
        user = ex.prompt[-1]["content"]
        assert "Implement exactly this function" in user, ex.format
        assert "stdin" not in user.lower()
    parallel = next(ex for ex in examples if ex.format == "parallel")
    assert parallel.prompt[-1]["content"].count("Requirements for the") == len(parallel.languages)
