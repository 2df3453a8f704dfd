"""Any OpenAI-compatible chat-completions server: `vllm serve`, SGLang, llama.cpp's
server, `transformers serve`, hosted APIs.

Requests go out concurrently (at most `concurrency` in flight, an asyncio semaphore) over
one httpx client per `generate` call; `generate` itself is synchronous and runs its own
event loop, in a worker thread when the caller is already inside one. Results come back in
the order of the chats whatever order the server answers in.

`n`: each chat is first asked for all `n` samples in one request. Servers that ignore `n`
(llama.cpp, `transformers serve`) or cap it answer with fewer choices; the rest are asked
for one request each, request `i` with seed `params.seed + i`, so the samples differ.

Failures: 429, 5xx in RETRYABLE_STATUS and broken connections are retried up to
`max_retries` times with exponential backoff and jitter (a Retry-After header is honoured);
anything else raises at once. A request with no answer within `timeout_s` is not retried:
the next try would most likely hang as long.

We call httpx directly rather than the `openai` SDK: we need a per-request deadline, our
own retry policy and a plain `n` fallback, and the SDK would bring those as layers to
switch off plus a dependency pinned to one vendor's API shape.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx

from .base import (
    Backend,
    BackendError,
    Completion,
    ModelNotFoundError,
    Prompt,
    SamplingParams,
    ServerResponseError,
    ServerTimeoutError,
    ServerUnreachableError,
)
from .seed_guard import HEADER as SEED_HEADER  # set by SeedGuard, which `psft serve` installs

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
"""HTTP statuses that say "try again later": request timeout (408), rate limit (429), and
the server errors that overloaded or restarting servers and their proxies answer with
(500, 502, 503, 504). Other 4xx (bad request, auth, unknown model) and 501 would fail the
same way again, so they raise at once."""

RETRYABLE_TRANSPORT = (
    httpx.ConnectError,  # refused, host unknown: a server still starting, or restarting
    httpx.ConnectTimeout,
    httpx.ReadError,  # the connection broke mid-answer
    httpx.WriteError,
    httpx.RemoteProtocolError,  # the server closed the connection without answering
)
"""Transport failures worth another try (read timeouts are not: see the module docstring)."""

MAX_BACKOFF_S = 60.0


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        concurrency: int = 16,
        timeout_s: float = 600.0,
        max_retries: int = 5,
        backoff_s: float = 0.5,
        extra_body: dict | None = None,
    ):
        """
        Args:
            model: the served model's name; None: the first one the server lists.
            base_url: the API root, ending in /v1; default $OPENAI_BASE_URL, else
                http://127.0.0.1:8000/v1. The key, if the server wants one, is read from
                $OPENAI_API_KEY.
            concurrency: requests in flight at most.
            timeout_s: seconds one request may take, from sending to the full answer.
            max_retries: further tries of a request that failed transiently.
            backoff_s: the first retry's delay; each next one doubles, with jitter.
            extra_body: fields added to every request (`top_k`, `stop`, ...).
        """
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        self.url = f"{self.base_url}/chat/completions"
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.extra_body = dict(extra_body or {})
        key = os.environ.get("OPENAI_API_KEY")
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._model = model
        self._answered = 0  # requests this server answered: a later refusal means it died
        self._seed_warned = False

    @property
    def model(self) -> str:
        """The model name sent with each request; asked of the server when not given."""
        if self._model is None:
            self._model = self._served_model()
        return self._model

    def generate(self, chats: Sequence[Prompt], params: SamplingParams) -> list[list[Completion]]:
        if not chats:
            return []
        model = self.model  # resolved here, outside the event loop: it may ask the server
        return _run_sync(lambda: self._generate(model, list(chats), params))

    async def _generate(self, model: str, chats: list[Prompt], params: SamplingParams):
        limits = httpx.Limits(max_connections=self.concurrency)
        async with httpx.AsyncClient(
            headers=self.headers, timeout=self.timeout_s, limits=limits
        ) as client:
            gate = asyncio.Semaphore(self.concurrency)

            async def post(chat: Prompt, n: int, seed: int) -> list[Completion]:
                body = {
                    "model": model,
                    # raw text goes to the completions endpoint: no chat template
                    **({"prompt": chat} if isinstance(chat, str) else {"messages": chat}),
                    **({"stop": list(params.stop)} if params.stop else {}),
                    "n": n,
                    "temperature": params.temperature,
                    "top_p": params.top_p,
                    "max_tokens": params.max_tokens,
                    "seed": seed,
                    **self.extra_body,
                }
                return await self._post(client, gate, body)

            async def complete(chat: Prompt) -> list[Completion]:
                got = (await post(chat, params.n, params.seed))[: params.n]
                more = range(len(got), params.n)  # sample indexes the server did not return
                for extra in await asyncio.gather(*(post(chat, 1, params.seed + i) for i in more)):
                    got.append(extra[0])
                return got

            tasks = [asyncio.ensure_future(complete(chat)) for chat in chats]
            try:
                return list(await asyncio.gather(*tasks))
            except BaseException as err:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                if isinstance(err, BackendError):  # what did arrive is not lost
                    err.partial = {
                        i: task.result()
                        for i, task in enumerate(tasks)
                        if not task.cancelled() and task.exception() is None
                    }
                raise

    async def _post(self, client, gate: asyncio.Semaphore, body: dict) -> list[Completion]:
        """One chat-completions (or, for a raw-text prompt, completions) request, retried
        on transient failures."""
        url = (
            self.url
            if "messages" in body
            else self.url.removesuffix("/chat/completions") + "/completions"
        )
        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            try:
                async with gate:
                    response = await asyncio.wait_for(client.post(url, json=body), self.timeout_s)
            except RETRYABLE_TRANSPORT as err:
                if last:
                    raise ServerUnreachableError(
                        url, _reason(err), attempt + 1, answered=self._answered
                    ) from None
                await asyncio.sleep(self._delay(attempt))
                continue
            except (asyncio.TimeoutError, httpx.TimeoutException):
                raise ServerTimeoutError(url, self.timeout_s) from None
            except httpx.HTTPError as err:  # a malformed URL, an unsupported scheme
                raise ServerUnreachableError(url, _reason(err), attempt + 1) from None
            if response.status_code == 200:
                self._answered += 1
                if response.headers.get(SEED_HEADER) == "engine" and not self._seed_warned:
                    self._seed_warned = True
                    logger.warning(
                        "the model server at %s cannot seed single requests (its engine "
                        "is vLLM on CPU, or another without per-request seeds); it drops the "
                        "seed and samples from its own engine seed, so samples depend on "
                        "what they are batched with",
                        self.base_url,
                    )
                return _parse(url, response)
            status = response.status_code
            if status not in RETRYABLE_STATUS or last:
                tries = attempt + 1 if status in RETRYABLE_STATUS else 1
                raise ServerResponseError(url, status, _error_detail(response), tries)
            await asyncio.sleep(self._delay(attempt, response.headers.get("retry-after")))
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _delay(self, attempt: int, retry_after: str | None = None) -> float:
        delay = self.backoff_s * 2**attempt * random.uniform(0.5, 1.5)
        if retry_after and retry_after.replace(".", "", 1).isdigit():
            delay = max(delay, float(retry_after))
        return min(delay, MAX_BACKOFF_S)

    def _served_model(self) -> str:
        url = f"{self.base_url}/models"
        try:
            response = httpx.get(url, headers=self.headers, timeout=min(self.timeout_s, 30))
        except httpx.TimeoutException:
            raise ServerTimeoutError(url, min(self.timeout_s, 30)) from None
        except httpx.HTTPError as err:
            raise ServerUnreachableError(url, _reason(err), 1) from None
        if response.status_code != 200:
            raise ServerResponseError(url, response.status_code, _error_detail(response))
        served = [m.get("id") for m in response.json().get("data", []) if m.get("id")]
        if not served:
            raise ModelNotFoundError(
                "(none given)", f"the server at {url} lists no model; pass one (--model)"
            )
        return served[0]


def _run_sync(make_coroutine):
    """Run an async function to completion from sync code, even inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no loop in this thread
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:  # a notebook, or async code calling us
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def _parse(url: str, response) -> list[Completion]:
    try:
        data = response.json()
        choices = sorted(data["choices"], key=lambda c: c.get("index", 0))
    except (ValueError, KeyError, TypeError):
        raise ServerResponseError(url, 200, "the answer is not a chat completion") from None
    if not choices:
        raise ServerResponseError(url, 200, "the answer has no choices")
    usage = data.get("usage") or {}
    # Usage counts all choices together; split it so the per-choice counts add up.
    total, k = usage.get("completion_tokens") or 0, len(choices)
    return [
        Completion(
            text=(choice.get("message") or {}).get("content") or choice.get("text") or "",
            finish_reason=choice.get("finish_reason"),
            prompt_tokens=usage.get("prompt_tokens") or 0,
            completion_tokens=total // k + (i < total % k),
        )
        for i, choice in enumerate(choices)
    ]


def _error_detail(response) -> str:
    """The server's own words: OpenAI's {"error": {"message"}}, FastAPI's {"detail"}, text."""
    try:
        data = response.json()
    except ValueError:
        return response.text
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if error or data.get("detail") or data.get("message"):
            return str(error or data.get("detail") or data.get("message"))
    return response.text


def _reason(err: Exception) -> str:
    return str(err) or type(err).__name__
