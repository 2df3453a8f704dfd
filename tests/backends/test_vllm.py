"""The vllm backend. vllm needs a CUDA build of torch, so where it is not installed only the
parts around it are tested: the mapping of our SamplingParams to vLLM's, the reading of
its outputs, and the error that names the extra to install."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import pytest

from parallel_sft.backends import MissingDependencyError, SamplingParams, get_backend
from parallel_sft.backends.vllm import _completions, vllm_sampling_kwargs

HAVE_VLLM = importlib.util.find_spec("vllm") is not None


def test_sampling_params_map_one_to_one():
    params = SamplingParams(n=4, temperature=0.7, top_p=0.9, max_tokens=64, seed=3)
    assert vllm_sampling_kwargs(params) == {
        "n": 4,
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 64,
        "seed": 3,
    }


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


@pytest.mark.skipif(HAVE_VLLM, reason="vllm is installed")
def test_missing_vllm_names_the_extra():
    with pytest.raises(MissingDependencyError) as caught:
        get_backend("vllm")
    assert str(caught.value) == (
        "the vllm backend needs `vllm`, which is not installed: pip install 'parallel-sft[vllm]'"
    )


@pytest.mark.skipif(not HAVE_VLLM, reason="vllm is not installed (it needs a CUDA build of torch)")
def test_vllm_generates_n_per_chat(smollm2_dir):
    import torch

    if not torch.cuda.is_available():
        pytest.skip("vllm needs a GPU")
    chats = [[{"role": "user", "content": "Say hi."}], [{"role": "user", "content": "Count to 3."}]]
    with get_backend("vllm", str(smollm2_dir), gpu_memory_utilization=0.3) as llm:
        result = llm.generate(chats, SamplingParams(n=2, max_tokens=16))
    assert [len(per_chat) for per_chat in result] == [2, 2]
    assert all(c.text for per_chat in result for c in per_chat)
