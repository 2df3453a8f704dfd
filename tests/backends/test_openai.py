"""The openai backend against a real HTTP server process on loopback: the scripted stub in
`tests/fixtures/servers/openai_stub.py` (see its docstring for what it can be told to do).
`transformers serve` with the embedded model is in `test_transformers_serve.py`."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest

from parallel_sft.backends import (
    SamplingParams,
    ServerResponseError,
    ServerTimeoutError,
    ServerUnreachableError,
    get_backend,
)
from parallel_sft.backends.openai import RETRYABLE_STATUS, OpenAIBackend

from .conftest import free_port, stub_server, stub_stats


def chats(*users: str) -> list[list[dict]]:
    return [
        [{"role": "system", "content": "be brief"}, {"role": "user", "content": u}] for u in users
    ]


def echoes(result) -> list[list[dict]]:
    return [[json.loads(c.text) for c in per_chat] for per_chat in result]


def backend(base_url: str, **options) -> OpenAIBackend:
    return get_backend("openai", "stub-model", base_url=base_url, backoff_s=0.01, **options)


def test_concurrency_bound_is_respected(tmp_path):
    with stub_server(tmp_path, "--delay", "0.2") as url:
        result = backend(url, concurrency=3).generate(chats(*"abcdefghijkl"), SamplingParams())
        stats = stub_stats(url)
    assert [e[0]["user"] for e in echoes(result)] == list("abcdefghijkl")
    assert stats["requests"] == 12
    assert stats["max_in_flight"] == 3  # never more, and the bound is actually used


def test_completions_come_back_in_request_order(tmp_path):
    users = ["sleep 0.6 a", "b", "sleep 0.3 c", "d"]
    with stub_server(tmp_path) as url:
        result = echoes(backend(url).generate(chats(*users), SamplingParams()))
    assert [e[0]["user"] for e in result] == users
    finished = [e[0]["finished"] for e in result]
    assert finished[0] == 4 and finished[2] == 3, "the server answered in another order"


def test_503s_are_retried_until_they_succeed(tmp_path):
    with stub_server(tmp_path, "--fail-every", "2") as url:
        result = backend(url, concurrency=2).generate(chats(*"abcdef"), SamplingParams())
        stats = stub_stats(url)
    assert [e[0]["user"] for e in echoes(result)] == list("abcdef")
    assert stats["answered"] == 6
    assert stats["failed"] >= 5  # every other request: each was retried
    assert stats["requests"] == stats["answered"] + stats["failed"]
    assert 503 in RETRYABLE_STATUS


def test_a_server_that_keeps_failing_raises_after_max_retries(tmp_path):
    with stub_server(tmp_path, "--fail-every", "1") as url:
        with pytest.raises(ServerResponseError) as caught:
            backend(url, max_retries=2).generate(chats("a"), SamplingParams())
        assert stub_stats(url)["requests"] == 3
    message = str(caught.value)
    assert "\n" not in message
    assert f"{url}/chat/completions answered HTTP 503" in message
    assert "after 3 attempts" in message


def test_unsupported_n_is_emulated_with_distinct_seeds(tmp_path):
    with stub_server(tmp_path, "--no-n") as url:
        result = backend(url).generate(chats("a", "b"), SamplingParams(n=3, seed=10))
        stats = stub_stats(url)
    assert [[e["user"] for e in per_chat] for per_chat in echoes(result)] == [["a"] * 3, ["b"] * 3]
    assert [[e["seed"] for e in per_chat] for per_chat in echoes(result)] == [[10, 11, 12]] * 2
    assert stats["requests"] == 6
    assert all(c.completion_tokens == 5 and c.prompt_tokens == 7 for c in result[0])


def test_supported_n_takes_one_request_per_chat(tmp_path):
    with stub_server(tmp_path) as url:
        result = backend(url).generate(chats("a", "b"), SamplingParams(n=3, seed=10))
        stats = stub_stats(url)
    assert [[e["index"] for e in per_chat] for per_chat in echoes(result)] == [[0, 1, 2]] * 2
    assert stats["requests"] == 2
    assert [c.completion_tokens for c in result[0]] == [5, 5, 5]  # usage split per choice


def test_a_server_that_never_answers_times_out(tmp_path):
    with stub_server(tmp_path, "--hang") as url:
        start = time.monotonic()
        with pytest.raises(ServerTimeoutError) as caught:
            backend(url, timeout_s=1, concurrency=2).generate(
                chats("a", "b", "c"), SamplingParams()
            )
        elapsed = time.monotonic() - start
    assert elapsed < 10
    message = str(caught.value)
    assert "\n" not in message
    assert f"{url}/chat/completions sent no answer within 1 s" in message


def test_a_non_retryable_4xx_raises_at_once(tmp_path):
    with stub_server(tmp_path) as url:
        with pytest.raises(ServerResponseError) as caught:
            get_backend("openai", "missing", base_url=url).generate(chats("a"), SamplingParams())
        assert stub_stats(url)["requests"] == 1
    assert caught.value.status == 404
    message = str(caught.value)
    assert "\n" not in message
    assert "The model `missing` does not exist." in message
    assert "check the model name" in message


def test_connection_refused_raises_after_retries():
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    with pytest.raises(ServerUnreachableError) as caught:
        backend(url, max_retries=1).generate(chats("a"), SamplingParams())
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"cannot reach the model server at {url}/chat/completions")
    assert "after 2 attempts" in message and "vllm serve" in message


def test_model_defaults_to_the_one_the_server_serves(tmp_path):
    with stub_server(tmp_path) as url:
        llm = get_backend("openai", base_url=url)
        assert llm.model == "stub-model"
        assert echoes(llm.generate(chats("a"), SamplingParams()))[0][0]["user"] == "a"


def test_base_url_and_api_key_come_from_the_environment(tmp_path, monkeypatch):
    with stub_server(tmp_path) as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        result = get_backend("openai", "stub-model").generate(chats("a"), SamplingParams())
    assert echoes(result)[0][0]["auth"] == "Bearer sk-test"


def test_generate_works_from_a_thread_and_inside_an_event_loop(tmp_path):
    with stub_server(tmp_path) as url:
        llm = backend(url)
        from_thread = []
        worker = threading.Thread(
            target=lambda: from_thread.append(llm.generate(chats("t"), SamplingParams()))
        )
        worker.start()
        worker.join(timeout=30)

        async def inside_a_loop():
            return llm.generate(chats("l"), SamplingParams())

        from_loop = asyncio.run(inside_a_loop())
    assert echoes(from_thread[0])[0][0]["user"] == "t"
    assert echoes(from_loop)[0][0]["user"] == "l"
