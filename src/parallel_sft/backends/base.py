"""The one interface every LLM backend implements: a batch of chats in, `n` completions
each out. Translation, evaluation and RL sample through it, so a backend added here works
everywhere."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

Chat = list[dict[str, str]]  # [{"role": "system" | "user" | "assistant", "content": "..."}]


@dataclass(frozen=True)
class SamplingParams:
    n: int = 1
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int = 0


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
    def generate(self, chats: Sequence[Chat], params: SamplingParams) -> list[list[Completion]]:
        """One list of `params.n` completions per chat, in the order of `chats`."""

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release what the backend holds (connections, GPU memory)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
