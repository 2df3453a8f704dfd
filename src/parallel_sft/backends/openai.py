"""Any OpenAI-compatible chat-completions server: `vllm serve`, SGLang, llama.cpp's
server, `transformers serve`, hosted APIs.

Requests go out concurrently (at most `concurrency` in flight, an asyncio semaphore) over
one httpx client per `generate` call; `generate` itself is synchronous and runs its own
event loop, in a worker thread when the caller is already inside one. Results come back in
the order of the chats whatever order the server answers in.

`n`: each chat is first asked for all `n` samples in one request. Servers that ignore `n`
(llama.cpp, `transformers serve`) or cap it answer with fewer choices; the rest are asked
for one request each, request `i` with seed `params.seed + i`, so the samples differ.

Several servers (`base_url` a list, or URLs separated by commas: replicas of one model,
e.g. several `vllm serve`): each request goes to the live server with the fewest requests
in flight. A server that refuses connections or answers a retryable status is set aside for
a while (`SERVER_REST_S`, doubling while it keeps failing) and the request goes at once to
another; only when every server is set aside does the backoff below apply.

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
import time
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
SERVER_REST_S = 2.0  # how long a failing server is set aside at first (doubled per failure)


class _Server:
    """One server of the pool: its URL, its load and its health."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.in_flight = 0
        self.answered = 0  # requests it answered: a later refusal means it died
        self.failures = 0  # consecutive failures
        self.resting_until = 0.0  # monotonic time before which it gets no request

    def url(self, body: dict) -> str:
        # raw text goes to the completions endpoint: no chat template
        return f"{self.base_url}/{'chat/completions' if 'messages' in body else 'completions'}"

    def failed(self, now: float, rest_s: float | None = None) -> None:
        self.failures += 1
        self.resting_until = now + (rest_s or SERVER_REST_S * 2 ** min(self.failures - 1, 5))

    def succeeded(self) -> None:
        self.answered += 1
        self.failures = 0
        self.resting_until = 0.0


def parse_base_urls(base_url: str | Sequence[str] | None) -> list[str]:
    """The servers `base_url` names: a list, or one string of URLs separated by commas;
    None: $OPENAI_BASE_URL (which may list several too), else the local default."""
    given = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    parts = given.split(",") if isinstance(given, str) else list(given)
    urls = [u.strip().rstrip("/") for u in parts if u.strip()]
    if not urls:
        raise ValueError("base_url names no server")
    return urls


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | Sequence[str] | None = None,
        concurrency: int = 16,
        timeout_s: float = 600.0,
        max_retries: int = 5,
        backoff_s: float = 0.5,
        extra_body: dict | None = None,
    ):
        """
        Args:
            model: the served model's name; None: the first one the server lists.
            base_url: the API root, ending in /v1, or several (a list, or separated by
                commas) to spread requests over; default $OPENAI_BASE_URL, else
                http://127.0.0.1:8000/v1. The key, if the servers want one, is read from
                $OPENAI_API_KEY.
            concurrency: requests in flight at most, over all servers together.
            timeout_s: seconds one request may take, from sending to the full answer.
            max_retries: further tries of a request that failed transiently.
            backoff_s: the first retry's delay; each next one doubles, with jitter.
            extra_body: fields added to every request (`top_k`, `stop`, ...).
        """
        self.servers = [_Server(url) for url in parse_base_urls(base_url)]
        self.base_url = self.servers[0].base_url  # the first: where the model name is asked
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.extra_body = dict(extra_body or {})
        key = os.environ.get("OPENAI_API_KEY")
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._model = model
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

    def _pick(self) -> _Server:
        """The live server with the fewest requests in flight (the first among equals);
        when every server rests, the one that comes back soonest."""
        now = time.monotonic()
        live = [s for s in self.servers if s.resting_until <= now]
        if not live:
            return min(self.servers, key=lambda s: s.resting_until)
        return min(live, key=lambda s: s.in_flight)

    def _another_is_live(self, server: _Server) -> bool:
        now = time.monotonic()
        return any(s.resting_until <= now for s in self.servers if s is not server)

    async def _post(self, client, gate: asyncio.Semaphore, body: dict) -> list[Completion]:
        """One chat-completions (or, for a raw-text prompt, completions) request, retried
        on transient failures: at once on another server where there is a live one, else
        after a backoff."""
        attempt = 0
        while True:
            last = attempt == self.max_retries
            async with gate:
                server = self._pick()
                url = server.url(body)
                server.in_flight += 1
                try:
                    response = await asyncio.wait_for(client.post(url, json=body), self.timeout_s)
                except RETRYABLE_TRANSPORT as err:
                    failure: BaseException | None = err
                except (asyncio.TimeoutError, httpx.TimeoutException):
                    raise ServerTimeoutError(url, self.timeout_s) from None
                except httpx.HTTPError as err:  # a malformed URL, an unsupported scheme
                    raise ServerUnreachableError(url, _reason(err), attempt + 1) from None
                else:
                    failure = None
                finally:
                    server.in_flight -= 1
            if failure is not None:
                server.failed(time.monotonic())
                if self._another_is_live(server):
                    continue  # a dead or restarting replica: the others take its requests
                if last:
                    answered = sum(s.answered for s in self.servers)
                    raise ServerUnreachableError(
                        url, _reason(failure), attempt + 1, answered=answered
                    ) from None
                await asyncio.sleep(self._delay(attempt))
                attempt += 1
                continue
            if response.status_code == 200:
                server.succeeded()
                if response.headers.get(SEED_HEADER) == "engine" and not self._seed_warned:
                    self._seed_warned = True
                    logger.warning(
                        "the model server at %s cannot seed single requests (its engine "
                        "is vLLM on CPU, or another without per-request seeds); it drops the "
                        "seed and samples from its own engine seed, so samples depend on "
                        "what they are batched with",
                        server.base_url,
                    )
                return _parse(url, response)
            status = response.status_code
            if status in RETRYABLE_STATUS:
                retry_after = response.headers.get("retry-after")
                server.failed(time.monotonic(), _seconds(retry_after))
                if self._another_is_live(server):
                    continue  # an overloaded replica: another one takes the request
            if status not in RETRYABLE_STATUS or last:
                tries = attempt + 1 if status in RETRYABLE_STATUS else 1
                raise ServerResponseError(url, status, _error_detail(response), tries)
            await asyncio.sleep(self._delay(attempt, response.headers.get("retry-after")))
            attempt += 1

    def _delay(self, attempt: int, retry_after: str | None = None) -> float:
        delay = self.backoff_s * 2**attempt * random.uniform(0.5, 1.5)
        return min(max(delay, _seconds(retry_after) or 0.0), MAX_BACKOFF_S)

    def _served_model(self) -> str:
        """The first model the first server that answers lists."""
        for i, server in enumerate(self.servers):
            url = f"{server.base_url}/models"
            try:
                response = httpx.get(url, headers=self.headers, timeout=min(self.timeout_s, 30))
                break
            except httpx.TimeoutException:
                if i + 1 == len(self.servers):
                    raise ServerTimeoutError(url, min(self.timeout_s, 30)) from None
            except httpx.HTTPError as err:
                if i + 1 == len(self.servers):
                    raise ServerUnreachableError(url, _reason(err), 1) from None
            server.failed(time.monotonic())
        if response.status_code != 200:
            raise ServerResponseError(url, response.status_code, _error_detail(response))
        served = [m.get("id") for m in response.json().get("data", []) if m.get("id")]
        if not served:
            raise ModelNotFoundError(
                "(none given)", f"the server at {url} lists no model; pass one (--model)"
            )
        return served[0]


def _seconds(retry_after: str | None) -> float | None:
    """A Retry-After header's seconds (its date form is not worth parsing here)."""
    if retry_after and retry_after.replace(".", "", 1).isdigit():
        return float(retry_after)
    return None


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
