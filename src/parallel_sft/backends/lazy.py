"""A backend that loads its model only when a completion is actually missing."""

from __future__ import annotations

from typing import Any

from .base import Backend


class LazyBackend(Backend):
    """A backend that loads its model at the first `generate`: a resumed build whose
    completions are all cached never loads it. Its `model` (part of every cache key) is
    known without loading where the backend has a default name."""

    def __init__(self, name: str, model: str | None, options: dict[str, Any]):
        self.name, self._requested, self._model, self._options = name, model, model, options
        self._backend: Backend | None = None

    def _loaded(self) -> Backend:
        if self._backend is None:
            from . import get_backend

            self._backend = get_backend(self.name, self._requested, **self._options)
        return self._backend

    @property
    def model(self) -> str:  # type: ignore[override]
        if self._model is None and self.name in ("hf", "vllm"):
            from .embedded import DEFAULT_MODEL_NAME

            self._model = DEFAULT_MODEL_NAME
        if self._model is None:
            self._model = self._loaded().model  # an OpenAI server names its model
        return self._model

    def generate(self, chats, params):
        return self._loaded().generate(chats, params)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
