"""Reading and writing tables of records: JSONL, parquet, or a saved HF dataset.

Every stage reads its input and writes its output through these two functions, so any
record file a user has works with any command. The format follows the path: `*.jsonl`
(or `*.json` with one object per line), `*.parquet`, or a directory (a dataset saved with
`save_to_disk`, or a folder of data files that `datasets.load_dataset` understands).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import InputFormatError

Row = dict[str, Any]


def read_rows(path: str | os.PathLike) -> Iterator[tuple[int | None, Row]]:
    """Yield (line number or None, row). Malformed JSONL names the file and line."""
    p = Path(path)
    if not p.exists():
        raise InputFormatError(str(p), "no such file or directory")
    if p.is_dir():
        yield from ((None, row) for row in _read_dataset_dir(p))
    elif p.suffix == ".parquet":
        import polars as pl

        try:
            frame = pl.read_parquet(p)
        except Exception as err:  # polars raises several unrelated types
            raise InputFormatError(str(p), f"not a readable parquet file ({err})") from err
        yield from ((None, row) for row in frame.to_dicts())
    elif p.suffix in (".jsonl", ".json", ".ndjson"):
        yield from _read_jsonl(p)
    else:
        raise InputFormatError(str(p), "unknown format: expected .jsonl, .parquet or a directory")


def _read_jsonl(p: Path) -> Iterator[tuple[int, Row]]:
    with open(p, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputFormatError(str(p), f"malformed JSON ({err.msg})", number) from err
            if not isinstance(row, dict):
                raise InputFormatError(str(p), "expected a JSON object", number)
            yield number, row


def _read_dataset_dir(p: Path) -> Iterator[Row]:
    import datasets

    if (p / "dataset_info.json").exists() or (p / "dataset_dict.json").exists():
        ds = datasets.load_from_disk(str(p))
    else:
        try:
            ds = datasets.load_dataset(str(p))
        except Exception as err:  # datasets raises many types for "not a dataset"
            raise InputFormatError(str(p), f"not a readable dataset ({err})") from err
    splits = ds.values() if isinstance(ds, datasets.DatasetDict) else [ds]
    for split in splits:
        yield from split


def write_rows(path: str | os.PathLike, rows: Sequence[Row]) -> Path:
    """Write `rows` in the format the path names, atomically (temp file, then rename)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    if p.suffix == ".parquet":
        import polars as pl

        pl.DataFrame(list(rows)).write_parquet(tmp)
    elif p.suffix in (".jsonl", ".json", ".ndjson"):
        with open(tmp, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        import datasets

        datasets.Dataset.from_list(list(rows)).save_to_disk(str(tmp))
        if p.exists():
            import shutil

            shutil.rmtree(p)
    os.replace(tmp, p)
    return p
