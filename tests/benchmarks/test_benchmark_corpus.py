"""A parallel corpus with no model at all: the canonical solutions of a benchmark that
has them in many PLs (HumanEval-X, MBXP), verified by each PL's benchmark tests, through
the real CLI (`psft corpus build --source-solutions 1 --n 0`), then `psft analyze run`
on it with a tiny Llama built from a config."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from ..analyze.conftest import psft as psft  # noqa: F401  (the in-process CLI fixture)
from ..evaluate.test_eval_scripted import psft as psft_process

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"
LANGS = "python,cpp,java,javascript,go,rust"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hx") / "corpus"
    result = psft_process(
        "corpus", "build", "--source", f"humaneval-x:{FIXTURES / 'humaneval_x'}",
        "--source-solutions", "1", "--n", "0", "--langs", LANGS, "--test-fraction", "0",
        "--out", str(out), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def _load(corpus: Path, config: str, cache: Path):
    return datasets.load_dataset(str(corpus), config, split="train", cache_dir=str(cache))


def test_the_corpus_holds_every_canonical_solution_as_a_parallel_row(corpus, tmp_path):
    parallel = _load(corpus, "parallel", tmp_path)
    assert parallel.num_rows == 2
    row = parallel[0]
    assert row["id"] == "humaneval-x/0"
    having = sorted(lang for lang, programs in row["programs"].items() if programs)
    assert having == sorted(LANGS.split(","))
    go = row["programs"]["go"][0]
    assert go.startswith("\n// Return the sum of the squares") and "func SumSquares" in go
    # The benchmark's own tests travel with the problem, so eval on the corpus runs them.
    harnesses = json.loads(row["harnesses"])
    assert sorted(harnesses) == sorted(LANGS.split(","))
    assert harnesses["go"]["benchmark"] == "humaneval-x"
    card = (corpus / "README.md").read_text()
    assert "humaneval-x" in card and "with no model involved" in card
    cpp = _load(corpus, "cpp", tmp_path)
    assert cpp["model"] == ["source:humaneval-x:" + str(FIXTURES / "humaneval_x")] * 2


def test_the_problems_read_back_from_the_corpus_keep_their_harnesses(corpus):
    from parallel_sft.corpus.read import load_problem_set

    problem, second = load_problem_set(str(corpus), split="train")
    assert sorted(second.harnesses) == ["cpp", "java", "python"]
    assert sorted(problem.harnesses) == sorted(LANGS.split(","))
    assert problem.harnesses["rust"].head.strip() == "fn main(){ \n }".strip()


def test_analyze_runs_on_the_benchmark_corpus(psft, tiny_llama, corpus, tmp_path):  # noqa: F811
    code, stdout, err = psft(
        "analyze", "run", "--model", str(tiny_llama), "--corpus", str(corpus),
        "--langs", "cpp,java", "--split", "all", "--out", str(tmp_path / "a"),
    )  # fmt: skip
    assert code == 0, err
    analysis = json.loads((tmp_path / "a" / "analysis.json").read_text())
    assert (analysis["n_problems"], analysis["n_programs"]) == (2, 4)
    pair = analysis["pairs"]["cpp-java"]
    assert pair["problem_ids"] == ["humaneval-x/0", "humaneval-x/1"]
    assert len(pair["layers"]) == 3 and all(0 <= x["mrr"] <= 1 for x in pair["layers"])


def test_an_mbxp_corpus_takes_each_pl_s_canonical_solution(tmp_path):
    out = tmp_path / "mbxp"
    result = psft_process(
        "corpus", "build", "--source", f"mbxp:{FIXTURES / 'mbxp'}", "--source-solutions", "1",
        "--n", "0", "--langs", "python,java,php,ruby,perl", "--test-fraction", "0",
        "--out", str(out), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    parallel = _load(out, "parallel", tmp_path / "cache")
    programs = {row["id"]: sorted(k for k, v in row["programs"].items() if v) for row in parallel}
    # Perl has a harness but no canonical solution in MBXP: no program, and no model asked.
    assert programs == {"mbxp/1": ["java", "php", "python"], "mbxp/2": ["python", "ruby"]}
