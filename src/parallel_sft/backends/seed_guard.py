"""`SeedGuard`: ASGI middleware for vLLM's OpenAI-compatible server that keeps a seeded
request from killing an engine that cannot seed single requests.

vLLM 0.32 on CPU dies on the first chunked prefill of a request that carries a `seed`
(torch's CPU generator has no offset to rewind: see `vllm.py`), and every client we have
(ours, TRL, curl scripts) sends seeds. Where the engine cannot seed (asked of torch once,
when the server builds its app), the guard drops `seed` from chat and text completion
requests, the engine samples from its own seeded generator (`--seed`), and every answer
carries the header `x-parallel-sft-seed: engine`, from which the openai backend warns once.
Where the engine can seed, the guard passes everything through untouched.

`psft serve` installs it (`--middleware parallel_sft.backends.seed_guard.SeedGuard`); add
that flag to a `vllm serve` of your own to get the same.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

HEADER = "x-parallel-sft-seed"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def without_seed(body: bytes) -> bytes:
    """The JSON request `body` without its "seed" field; anything else is left as it is.

    >>> without_seed(b'{"model": "m", "seed": 3}')
    b'{"model": "m"}'
    >>> without_seed(b'not json')
    b'not json'
    """
    try:
        data = json.loads(body)
    except ValueError:
        return body  # the server answers 400 itself
    if not isinstance(data, dict) or "seed" not in data:
        return body
    data.pop("seed")
    return json.dumps(data).encode()


class SeedGuard:
    def __init__(self, app: Callable, strip: bool | None = None):
        self.app = app
        if strip is None:
            from vllm.platforms import current_platform

            from .vllm import seeded_requests_supported

            strip = not seeded_requests_supported(current_platform.device_type)
        self.strip = strip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            self.strip
            and scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path", "").endswith("/completions")
        ):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = without_seed(b"".join(chunks))
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = (HEADER.encode(), b"engine")
                message = {**message, "headers": [*message.get("headers", []), extra]}
            await send(message)

        await self.app(scope, replay, send_marked)
