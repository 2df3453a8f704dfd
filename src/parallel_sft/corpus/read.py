"""Reading a built corpus back: its `parallel` config's rows, and problem sets (a corpus
split or any source) for RL and evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import PsftError
from ..records import Problem

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


def row_programs(row: Row) -> dict[str, list[str]]:
    """A `parallel` row's programs by PL: the source program (`reference`) first in its
    PL, then the verified ones; blank programs left out."""
    found: dict[str, list[str]] = {}
    ref = row.get("reference") or {}
    if ref.get("language") and (ref.get("code") or "").strip():
        found[ref["language"]] = [ref["code"]]
    for lang, codes in (row.get("programs") or {}).items():
        kept = [code for code in codes or [] if code and code.strip()]
        if kept:
            found.setdefault(lang, []).extend(kept)
    return found


def load_problem_set(
    source: str,
    *,
    split: str | None = None,
    limit: int | None = None,
    corpus_split: str = "train",
) -> list[Problem]:
    """Problems with tests from a corpus directory, a source `psft corpus build` accepts,
    or a corpus on the Hub (tried in that order), for RL and evaluation.

    `split` None takes a corpus's `corpus_split` (train for RL, test for evaluation) and a
    source's train split.
    """
    from ..sources import load_source, names_a_source

    root = Path(source)
    if (root / "parallel").is_dir() or (not root.exists() and not names_a_source(source)):
        split = split or corpus_split
        train, test = load_corpus(source)
        rows = {"train": train, "test": test}.get(split)
        if rows is None:
            raise PsftError(f"a corpus has train and test splits, not {split!r}")
        problems = [Problem.from_dict(row) for row in rows]
        problems = problems[:limit] if limit is not None else problems
    else:
        split = split or "train"
        problems, skipped = load_source(source, split=split, limit=limit)
        # A public source's few untested problems are skipped; in the user's own file,
        # one is more likely a mistake worth stopping for.
        if root.exists() and skipped.get("no_tests"):
            raise PsftError(
                f"{skipped['no_tests']} problem(s) in {source} have no tests, so no reward; "
                "remove them or add tests"
            )
    if not problems:
        raise PsftError(f"{source!r} has no problems in its {split} split")
    untested = [p.id for p in problems if not p.judged]
    if untested:
        raise PsftError(
            f"{len(untested)} problem(s) have no tests, so no reward: {', '.join(untested[:3])}"
        )
    return problems
