"""An append-only JSONL key-value store: the crash-safe memory behind every resumable step.

Each `put` appends one line and flushes it, so a crash or Ctrl-C loses at most the line
being written; a torn last line is skipped on load. Later lines win over earlier ones.
The completion cache (translate) and the verdict cache (verify) are both one of these.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class JsonlStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._entries: dict[str, Any] = {}
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self._entries[row["key"]] = row["value"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # torn by a crash mid-write
        self._file = open(self.path, "a", encoding="utf-8")

    def __len__(self) -> int:
        return len(self._entries)

    def get_value(self, key: str) -> Any:
        return self._entries.get(key)

    def put_value(self, key: str, value: Any) -> None:
        self._entries[key] = value
        self._file.write(json.dumps({"key": key, "value": value}, ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
