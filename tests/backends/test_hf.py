"""The hf backend: a tiny Llama built from a config (random weights, the SmolLM2 tokenizer)
for shapes, order and seeds; the embedded SmolLM2-135M-Instruct for a real answer."""

from __future__ import annotations

import time

import pytest

from parallel_sft.backends import ModelNotFoundError, SamplingParams, embedded, get_backend
from parallel_sft.backends.hf import HFBackend, _locate

from .conftest import requires

CHATS = [
    [{"role": "user", "content": "Write hello world in Go."}],
    [
        {"role": "system", "content": "You translate programs."},
        {"role": "user", "content": "Translate `print(sum(map(int, input().split())))` to Rust."},
    ],
    [{"role": "user", "content": "Hi"}],
]


@pytest.fixture(scope="module")
def tiny_llama_dir(tmp_path_factory, smollm2_dir):
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(smollm2_dir)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    out = tmp_path_factory.mktemp("tiny-llama")
    LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def tiny(tiny_llama_dir) -> HFBackend:
    return get_backend("hf", str(tiny_llama_dir), batch_size=2)


def texts(result) -> list[list[str]]:
    return [[c.text for c in per_chat] for per_chat in result]


def test_n_completions_per_chat_in_chat_order(tiny):
    params = SamplingParams(n=2, max_tokens=8, seed=1)
    result = tiny.generate(CHATS, params)  # batches of 2 and 1
    assert [len(per_chat) for per_chat in result] == [2, 2, 2]
    # Each chat's prompt length is its own: the results did not trade places in the batch.
    template = tiny.tokenizer.apply_chat_template
    prompts = [template(chat, add_generation_prompt=True, tokenize=False) for chat in CHATS]
    lengths = [len(tiny.tokenizer(p, add_special_tokens=False).input_ids) for p in prompts]
    assert [[c.prompt_tokens for c in per_chat] for per_chat in result] == [[n, n] for n in lengths]
    for c in (c for per_chat in result for c in per_chat):
        assert c.finish_reason in ("stop", "length") and 1 <= c.completion_tokens <= 8
        assert "<|im_end|>" not in c.text  # special tokens are dropped


def test_greedy_results_do_not_depend_on_the_batch(tiny):
    greedy = SamplingParams(n=2, temperature=0, max_tokens=8)
    result = tiny.generate([CHATS[0], CHATS[1], CHATS[0]], greedy)
    assert result[0][0].text == result[0][1].text  # greedy: n copies of one sequence
    assert texts(result)[0] == texts(result)[2]  # alone in its batch or padded beside another


def test_the_same_seed_gives_the_same_samples(tiny):
    params = SamplingParams(n=2, temperature=1.0, top_p=1.0, max_tokens=8, seed=7)
    first = texts(tiny.generate(CHATS[:2], params))
    assert texts(tiny.generate(CHATS[:2], params)) == first
    other = texts(tiny.generate(CHATS[:2], SamplingParams(**{**params.__dict__, "seed": 8})))
    assert other != first
    assert first[0][0] != first[0][1]  # the n samples of one chat differ too


def test_the_embedded_smollm2_answers(smollm2_dir, capsys):
    llm = get_backend("hf")
    assert llm.model == embedded.DEFAULT_MODEL_NAME
    chat = [{"role": "user", "content": "What is the capital of France? Answer in one sentence."}]
    [[answer]] = llm.generate([chat], SamplingParams(temperature=0, max_tokens=24))
    assert "Paris" in answer.text and answer.finish_reason == "stop"
    # Throughput, the same request as in test_transformers_serve.py (printed, not asserted).
    chat = [{"role": "user", "content": "Explain what a linked list is."}]
    start = time.monotonic()
    [[answer]] = llm.generate([chat], SamplingParams(temperature=0, max_tokens=48))
    elapsed = time.monotonic() - start
    with capsys.disabled():
        print(
            f"\n  hf backend, SmolLM2-135M on {llm.device} ({llm.dtype}): "
            f"{answer.completion_tokens} tokens in {elapsed:.2f} s = "
            f"{answer.completion_tokens / elapsed:.1f} tokens/s"
        )


def test_a_model_path_that_does_not_exist():
    requires("torch", "transformers")
    with pytest.raises(ModelNotFoundError) as caught:
        get_backend("hf", "/no/such/model-dir")
    assert str(caught.value) == (
        "model '/no/such/model-dir' not found: no such file or directory; pass a checkpoint "
        "directory, a .gguf file, a Hub id, or no model for the embedded SmolLM2-135M-Instruct"
    )


def test_a_directory_that_is_not_a_checkpoint(tmp_path):
    requires("torch", "transformers")
    with pytest.raises(ModelNotFoundError) as caught:
        get_backend("hf", str(tmp_path))
    assert "\n" not in str(caught.value)
    assert f"{tmp_path} is not a transformers checkpoint" in str(caught.value)


def test_a_hub_id_is_not_downloaded_offline():
    requires("torch", "transformers")
    with pytest.raises(ModelNotFoundError) as caught:
        get_backend("hf", "HuggingFaceTB/SmolLM2-135M-Instruct")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("model 'HuggingFaceTB/SmolLM2-135M-Instruct' not found:")
    assert "nothing is downloaded when HF_HUB_OFFLINE=1" in message


def test_a_gguf_file_is_loaded_from_its_folder(tmp_path):
    gguf = tmp_path / "m.Q4.gguf"
    gguf.write_bytes(b"GGUF")
    assert _locate(str(gguf)) == (str(tmp_path), {"gguf_file": "m.Q4.gguf"})
