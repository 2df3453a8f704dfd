"""A persistent cache of model completions: what was asked once is never asked again.

Keyed by backend, model, the rendered chat, the sampling parameters (except `n`) and the
sample index, so asking for more samples later reuses the first ones. Entries are appended
to a JSONL file as they arrive (see `store.JsonlStore`), so a crash or Ctrl-C loses at most
the line being written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace

from ..backends.base import Chat, Completion, SamplingParams
from ..store import JsonlStore


def cache_key(backend: str, model: str, chat: Chat, params: SamplingParams, sample: int) -> str:
    sampling = asdict(replace(params, n=0))
    if not params.stop:  # keys made before stop sequences existed stay valid
        del sampling["stop"]
    blob = json.dumps([backend, model, chat, sampling, sample])
    return hashlib.sha256(blob.encode()).hexdigest()


class CompletionCache(JsonlStore):
    def get(self, key: str) -> Completion | None:
        value = self.get_value(key)
        return None if value is None else Completion(**value)

    def put(self, key: str, completion: Completion) -> None:
        self.put_value(key, asdict(completion))
