"""A persistent cache of model completions: what was asked once is never asked again.

Keyed by backend, model, the rendered chat, the sampling parameters (except `n`) and the
sample index, so asking for more samples later reuses the first ones. Entries are appended
to a JSONL file as they arrive and flushed, so a crash or Ctrl-C loses at most the line
being written (a torn last line is skipped on load).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from pathlib import Path

from ..backends.base import Chat, Completion, SamplingParams


def cache_key(backend: str, model: str, chat: Chat, params: SamplingParams, sample: int) -> str:
    blob = json.dumps([backend, model, chat, asdict(replace(params, n=0)), sample])
    return hashlib.sha256(blob.encode()).hexdigest()


class CompletionCache:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._entries: dict[str, Completion] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self._entries[row["key"]] = Completion(**row["completion"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # torn by a crash mid-write
        self._file = open(self.path, "a", encoding="utf-8")

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Completion | None:
        return self._entries.get(key)

    def put(self, key: str, completion: Completion) -> None:
        self._entries[key] = completion
        self._file.write(json.dumps({"key": key, "completion": asdict(completion)}) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> CompletionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
