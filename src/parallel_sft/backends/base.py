"""The one interface every LLM backend implements: a batch of chats in, `n` completions
each out. Translation, evaluation and RL sample through it, so a backend added here works
everywhere."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import PsftError

Chat = list[dict[str, str]]  # [{"role": "system" | "user" | "assistant", "content": "..."}]
# A prompt is a chat, or raw text a base model continues as it is (no chat template):
# the completion-style prompts of MultiPL-E, with `SamplingParams.stop` ending them.
Prompt = Chat | str


@dataclass(frozen=True)
class SamplingParams:
    n: int = 1
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int = 0
    stop: tuple[str, ...] = ()  # the completion ends before the first of these (not kept)


@dataclass
class Completion:
    text: str
    finish_reason: str | None = None  # "stop", "length", ...
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Backend(ABC):
    """Subclasses set `name` and `model` and implement `generate`."""

    name: str
    model: str

    @abstractmethod
    def generate(self, chats: Sequence[Prompt], params: SamplingParams) -> list[list[Completion]]:
        """One list of `params.n` completions per prompt (a chat, or raw text continued
        without a chat template), in the order of `chats`."""

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release what the backend holds (connections, GPU memory)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Errors. Each message is one line that names what failed and what to do about it.


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """`text` up to (not including) the first stop sequence, and whether one was found:
    what a server does with `stop`, for backends whose engine stops only near it.

    >>> cut_at_stop("x = 1\n}\nint main", ["\n}"])
    ('x = 1', True)
    """
    ends = [i for i in (text.find(s) for s in stop if s) if i >= 0]
    return (text[: min(ends)], True) if ends else (text, False)


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class BackendError(PsftError):
    """Base class of the backends' errors. `partial` holds what a failed `generate` did
    get, by chat index, so callers can keep it (a server that dies mid-batch)."""

    partial: dict[int, list[Completion]] = {}  # set per instance, never mutated in place


class UnknownBackendError(BackendError, KeyError):
    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        super().__init__(name)

    def __str__(self) -> str:
        return f"unknown backend {self.name!r}; choose one of: {', '.join(self.known)}"


class MissingDependencyError(BackendError):
    """A backend's optional dependency is not installed; names the extra that brings it."""

    def __init__(self, backend: str, module: str, extra: str, install: str | None = None):
        self.backend, self.module, self.extra = backend, module, extra
        self.install = install or f"pip install 'parallel-sft[{extra}]'"
        super().__init__(module)

    def __str__(self) -> str:
        return (
            f"the {self.backend} backend needs `{self.module}`, which is not installed: "
            f"{self.install}"
        )


class ModelNotFoundError(BackendError):
    def __init__(self, model: str, reason: str):
        self.model, self.reason = model, reason
        super().__init__(model)

    def __str__(self) -> str:
        return f"model {self.model!r} not found: {_one_line(self.reason, 300)}"


class ServerError(BackendError):
    """An OpenAI-compatible server failed us; `url` is the endpoint we called."""

    def __init__(self, url: str):
        self.url = url
        super().__init__(url)


class ServerUnreachableError(ServerError):
    """`answered`: how many requests the server had answered before; more than none means
    it went away mid-run (it died, or was stopped)."""

    def __init__(self, url: str, reason: str, attempts: int, answered: int = 0):
        self.reason, self.attempts, self.answered = reason, attempts, answered
        super().__init__(url)

    def __str__(self) -> str:
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        if self.answered:
            return (
                f"the model server at {self.url} stopped answering mid-run "
                f"({_one_line(self.reason, 120)}{tries}, after {self.answered} answers): it "
                "most likely died, and its log says why; completions so far are cached, so "
                "rerunning the same command once it is back resumes from them"
            )
        return (
            f"cannot reach the model server at {self.url} ({_one_line(self.reason, 120)}{tries}); "
            "start one (e.g. `vllm serve MODEL`) or point base_url (--base-url, OPENAI_BASE_URL) "
            "at a running one"
        )


class ServerTimeoutError(ServerError):
    def __init__(self, url: str, timeout_s: float):
        self.timeout_s = timeout_s
        super().__init__(url)

    def __str__(self) -> str:
        return (
            f"the model server at {self.url} sent no answer within {self.timeout_s:g} s; check "
            "that it is not stuck or overloaded (its log), lower the concurrency, or raise "
            "timeout_s (--timeout)"
        )


class ServerResponseError(ServerError):
    """An HTTP error status: a non-retryable one, or a retryable one that outlasted retries."""

    def __init__(self, url: str, status: int, detail: str, attempts: int = 1):
        self.status, self.detail, self.attempts = status, detail, attempts
        super().__init__(url)

    def __str__(self) -> str:
        if self.status in (401, 403):
            fix = "set OPENAI_API_KEY to a key this server accepts"
        elif self.status == 404:
            fix = "check the model name and that base_url ends in /v1"
        elif self.attempts > 1:
            fix = f"still failing after {self.attempts} attempts; check the server's log"
        else:
            fix = "check the model name and the sampling parameters"
        detail = f": {_one_line(self.detail)}" if self.detail.strip() else ""
        return f"the model server at {self.url} answered HTTP {self.status}{detail}; {fix}"
