"""The openai backend over several servers (`--base-url A,B`: replicas of one model), each a
real stub server process on loopback: requests spread by load, a dead or dying replica's
requests answered by the others, and nothing lost or asked twice."""

from __future__ import annotations

import pytest

from parallel_sft.backends import SamplingParams, ServerUnreachableError, get_backend
from parallel_sft.backends.openai import parse_base_urls

from .conftest import free_port, stub_server, stub_stats
from .test_openai import chats, echoes


def place(tmp_path, name: str):
    (tmp_path / name).mkdir()
    return tmp_path / name


def backend(*urls: str, **options):
    return get_backend("openai", "stub-model", base_url=",".join(urls), backoff_s=0.01,
                       **options)  # fmt: skip


def test_requests_spread_over_replicas_by_load(tmp_path):
    """Two replicas, one slow: the fast one finishes more requests, the slow one still
    gets some, and each request is asked exactly once."""
    users = [f"u{i}" for i in range(24)]
    with (
        stub_server(place(tmp_path, "a"), "--delay", "0.02") as fast,
        stub_server(place(tmp_path, "b"), "--delay", "0.3") as slow,
    ):
        result = backend(fast, slow, concurrency=4).generate(chats(*users), SamplingParams())
        served = {url: stub_stats(url)["requests"] for url in (fast, slow)}
    assert [e[0]["user"] for e in echoes(result)] == users
    assert sum(served.values()) == len(users)
    assert served[slow] >= 1 and served[fast] > 2 * served[slow], served


def test_a_replica_that_is_down_from_the_start_is_passed_over(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with stub_server(tmp_path, "--delay", "0.01") as live:
        result = backend(dead, live, concurrency=3).generate(chats(*"abcdefgh"), SamplingParams())
        assert stub_stats(live)["requests"] == 8
    assert [e[0]["user"] for e in echoes(result)] == list("abcdefgh")


def test_a_replica_that_dies_mid_run_has_its_requests_answered_by_the_other(tmp_path):
    """The first replica exits after 3 answers (as a crashed `vllm serve` does): every
    chat still gets its answer, in order, and the dead replica answered only its 3."""
    users = [f"u{i}" for i in range(16)]
    with (
        stub_server(place(tmp_path, "a"), "--die-after", "3", "--delay", "0.05") as dying,
        stub_server(place(tmp_path, "b"), "--delay", "0.05") as live,
    ):
        result = backend(dying, live, concurrency=2).generate(chats(*users), SamplingParams())
        answered_by_live = stub_stats(live)["requests"]
    assert [e[0]["user"] for e in echoes(result)] == users
    assert answered_by_live == len(users) - 3


def test_every_replica_down_is_the_usual_one_line(tmp_path):
    urls = [f"http://127.0.0.1:{free_port()}/v1" for _ in range(2)]
    with pytest.raises(ServerUnreachableError) as err:
        backend(*urls, max_retries=1).generate(chats("a"), SamplingParams())
    assert "cannot reach the model server" in str(err.value)


def test_base_urls_from_a_list_commas_or_the_environment(monkeypatch):
    assert parse_base_urls(["http://a/v1/", "http://b/v1"]) == ["http://a/v1", "http://b/v1"]
    assert parse_base_urls(" http://a/v1 , http://b/v1,") == ["http://a/v1", "http://b/v1"]
    monkeypatch.setenv("OPENAI_BASE_URL", "http://c/v1,http://d/v1")
    assert parse_base_urls(None) == ["http://c/v1", "http://d/v1"]
    with pytest.raises(ValueError):
        parse_base_urls(" , ")
    assert parse_base_urls("http://e/v1") == ["http://e/v1"]
