"""Reading a built corpus (a local directory or a Hub dataset id) and extra SFT data."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from ..errors import PsftError

Row = dict[str, Any]


def load_corpus(path_or_id: str) -> tuple[list[Row], list[Row]]:
    """The `parallel` config's (train rows, test rows) of a corpus.

    A local directory is read from its parquet files directly (not through
    `load_dataset(dir)`, whose cache is keyed by the folder's name); anything else is a
    Hub dataset id.
    """
    import datasets

    root = Path(path_or_id)
    try:
        if root.exists():
            if not (root / "parallel").is_dir():
                raise PsftError(
                    f"{root} has no parallel config: not a corpus built by psft corpus build, "
                    "or no problem got a verified program"
                )
            files = {
                split: str(root / "parallel" / f"{split}-*.parquet")
                for split in ("train", "test")
                if list((root / "parallel").glob(f"{split}-*.parquet"))
            }
            ds = datasets.load_dataset("parquet", data_files=files)
        else:
            ds = datasets.load_dataset(path_or_id, "parallel")
    except PsftError:
        raise
    except Exception as err:  # datasets raises many types for "not there"
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise PsftError(f"cannot load corpus {path_or_id!r}: {reason}") from err
    train = list(ds["train"]) if "train" in ds else []
    test = list(ds["test"]) if "test" in ds else []
    return train, test


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
