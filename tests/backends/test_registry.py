"""The backend registry, lazy imports, and the errors every backend raises."""

from __future__ import annotations

import subprocess
import sys

import pytest

from parallel_sft.backends import (
    BACKENDS,
    MissingDependencyError,
    ModelNotFoundError,
    ServerResponseError,
    ServerTimeoutError,
    ServerUnreachableError,
    UnknownBackendError,
    get_backend,
)
from parallel_sft.errors import PsftError


def test_an_unknown_backend_lists_the_valid_names():
    with pytest.raises(UnknownBackendError) as caught:
        get_backend("llamacpp")
    assert str(caught.value) == "unknown backend 'llamacpp'; choose one of: hf, openai, vllm"
    assert isinstance(caught.value, PsftError) and isinstance(caught.value, KeyError)
    assert sorted(BACKENDS) == ["hf", "openai", "vllm"]


def test_importing_the_package_imports_no_backend_dependency():
    code = (
        "import sys, parallel_sft.backends; "
        "print(sorted(m for m in ('torch', 'transformers', 'vllm', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "error",
    [
        UnknownBackendError("x", ["hf"]),
        MissingDependencyError("vllm", "vllm", "vllm"),
        ModelNotFoundError("m", "no such directory;\npass a checkpoint directory"),
        ServerUnreachableError("http://h/v1/chat/completions", "[Errno 111] refused", 3),
        ServerTimeoutError("http://h/v1/chat/completions", 600),
        ServerResponseError("http://h/v1/chat/completions", 400, "bad\n  request " * 50),
        ServerResponseError("http://h/v1/chat/completions", 401, ""),
    ],
    ids=type,
)
def test_every_error_is_one_actionable_line(error):
    message = str(error)
    assert isinstance(error, PsftError)
    assert "\n" not in message and len(message) < 400
    assert any(fix in message for fix in ("pip install", "choose", "pass", "start", "check", "set"))
