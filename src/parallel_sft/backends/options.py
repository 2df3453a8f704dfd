"""The command-line options every command that asks a model shares (`psft translate`,
`psft corpus build`, later `psft eval`): which backend, how to reach it, how to sample."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..option_groups import option_group
from . import default_backend

_BACKEND = [
    click.option(
        "--backend",
        type=click.Choice(["hf", "openai", "vllm"]),
        default=None,
        callback=lambda _ctx, _param, value: value or default_backend(),
        help="hf: local transformers; openai: any OpenAI-compatible server (`psft serve`); "
        "vllm: in-process vLLM.  [default: vllm where it is installed, else hf]",
    ),
    click.option(
        "--model",
        default=None,
        help="Model id or path. Default for hf and vllm: the embedded SmolLM2-135M-Instruct.",
    ),
    click.option(
        "--base-url",
        default=None,
        help="openai: the server's /v1 URL; several, separated by commas (replicas of one "
        "model), get requests by load, and a dead one's go to the others.",
    ),
    click.option("--concurrency", type=int, default=None, help="openai: requests in flight."),
    click.option(
        "--timeout", "timeout_s", type=float, default=None, help="openai: seconds a request."
    ),
    click.option("--batch-size", type=int, default=None, help="hf: chats per generate() batch."),
]
_SAMPLING = [
    click.option("--n", "n", type=int, default=1, show_default=True, help="Samples per request."),
    click.option("--temperature", type=float, default=0.8, show_default=True),
    click.option("--top-p", type=float, default=0.95, show_default=True),
    click.option("--max-tokens", type=int, default=1024, show_default=True),
    click.option("--seed", type=int, default=0, show_default=True),
]


def backend_options(f: Callable) -> Callable:
    """--backend, --model, --base-url, --concurrency, --timeout, --batch-size."""
    return option_group(_BACKEND)(f)


def sampling_options(f: Callable) -> Callable:
    """--n, --temperature, --top-p, --max-tokens, --seed."""
    return option_group(_SAMPLING)(f)


def backend_kwargs(
    backend: str,
    base_url: str | None = None,
    concurrency: int | None = None,
    timeout_s: float | None = None,
    batch_size: int | None = None,
) -> dict[str, Any]:
    """The constructor options of `backend` that were given on the command line."""
    options = {
        "openai": {"base_url": base_url, "concurrency": concurrency, "timeout_s": timeout_s},
        "hf": {"batch_size": batch_size},
    }.get(backend, {})
    return {k: v for k, v in options.items() if v is not None}
