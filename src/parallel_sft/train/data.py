"""Extra SFT data mixed into a Parallel-SFT mixture (the corpus itself is read by
`corpus/read.py`)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from ..corpus.read import load_corpus
from ..errors import PsftError

__all__ = ["load_corpus", "load_extra"]

Row = dict[str, Any]


def load_extra(path_or_id: str, count: int, seed: int) -> list[Row]:
    """`count` rows of a general SFT dataset as prompt/completion chats.

    Accepted shapes: a ``messages`` column (the last turn, an assistant turn, is the
    completion) or ``prompt`` and ``completion`` columns (strings or chats).
    """
    import datasets

    try:
        if Path(path_or_id).exists():
            from ..tables import read_rows

            rows = [row for _, row in read_rows(path_or_id)]
        else:
            rows = list(datasets.load_dataset(path_or_id, split="train"))
    except PsftError:
        raise
    except Exception as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise PsftError(f"cannot load extra data {path_or_id!r}: {reason}") from err
    converted = [_chat_row(row, path_or_id) for row in rows]
    if not converted:
        raise PsftError(f"extra data {path_or_id!r} is empty")
    rng = random.Random(seed)
    out: list[Row] = []
    while len(out) < count:
        batch = converted[:]
        rng.shuffle(batch)
        out += batch[: count - len(out)]
    return out


def _chat_row(row: Row, where: str) -> Row:
    if row.get("messages"):
        messages = row["messages"]
        if messages[-1].get("role") != "assistant":
            raise PsftError(f"{where}: a messages row does not end with an assistant turn")
        return {"prompt": list(messages[:-1]), "completion": [messages[-1]]}
    if "prompt" in row and "completion" in row:
        prompt, completion = row["prompt"], row["completion"]
        if isinstance(prompt, str):
            prompt = [{"role": "user", "content": prompt}]
        if isinstance(completion, str):
            completion = [{"role": "assistant", "content": completion}]
        return {"prompt": prompt, "completion": completion}
    raise PsftError(
        f"{where}: extra data needs a messages column or prompt and completion columns; "
        f"found {', '.join(sorted(row))}"
    )
