"""Loaders that turn public datasets' own schemas, and local files, into Problems.

One module per source; each has a pure ``convert(row, ...) -> Problem | Skip`` and a
``load(data, *, source_lang, skipped, split) -> Iterator[Problem]`` that counts skipped
rows by snake_case reason into a ``Counter``. ``load_source`` picks the loader from a
name (a Hub id in ``SOURCES``, its short form, or ``sample``) or a local path.

Adding a source: a module here with ``SOURCE``, ``HUB_ID``, ``convert`` and ``load``,
fixtures in its real schema under ``tests/fixtures/sources/``, and one line in ``_MODULES``.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import PsftError
from ..records import Problem
from . import (
    apps,
    code_contests,
    codeforces,
    humaneval,
    humaneval_x,
    mbpp,
    mbxp,
    multi_humaneval,
    multipl_e,
    sample,
    taco,
)
from .base import (
    Skip,
    SourceUnavailableError,
    UnknownSourceError,
    UnsupportedSourceLanguageError,
)
from .local import load_local

_MODULES: tuple[ModuleType, ...] = (
    code_contests, taco, apps, codeforces, humaneval, mbpp,
    multipl_e, mbxp, multi_humaneval, humaneval_x,
)  # fmt: skip
# Benchmarks that ship tests per PL (sources/multilingual.py): several configs or files
# per dataset, read row by row; their problems carry harnesses and canonical solutions.
_MULTILINGUAL = {m.HUB_ID for m in (multipl_e, mbxp, multi_humaneval, humaneval_x)}

#: Source name -> loader. Hub ids are fetched with ``datasets.load_dataset``; ``sample``
#: is the bundled offline default.
SOURCES: dict[str, Callable[..., Iterator[Problem]]] = {
    sample.SOURCE: sample.load,
    **{m.HUB_ID: m.load for m in _MODULES},
}
_BY_NAME: dict[str, ModuleType] = {m.HUB_ID: m for m in _MODULES}
_ALIASES: dict[str, str] = {m.SOURCE: m.HUB_ID for m in _MODULES}


def _hub_offline() -> bool:
    import huggingface_hub.constants

    env = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    return env or bool(huggingface_hub.constants.HF_HUB_OFFLINE)


def load_hub_dataset(dataset_id: str, *, split: str = "train"):  # -> datasets.Dataset
    """A known Hub dataset's split through ``datasets.load_dataset`` (the local HF cache
    first; a download unless HF_HUB_OFFLINE=1). Failures become SourceUnavailableError."""
    import datasets

    module = _BY_NAME[dataset_id]
    split = getattr(module, "ONLY_SPLIT", None) or split
    data_files = getattr(module, "HUB_DATA_FILES", None)  # (builder, pattern) or None
    try:
        if data_files:
            builder, pattern = data_files
            return datasets.load_dataset(
                builder, data_files=pattern.format(split=split), split="train"
            )
        return datasets.load_dataset(dataset_id, split=split)
    except Exception as err:  # datasets/hub raise many types for "not available"
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise SourceUnavailableError(dataset_id, reason, _hub_offline()) from err


def source_solutions(
    name: str, *, split: str = "train", source_lang: str = "python", problem_ids: Iterable[str]
) -> dict[str, dict[str, list[str]]]:
    """problem id -> PL -> solutions the source itself carries in PLs other than the source
    PL: already-parallel programs, to be verified like any candidate. Only sources with a
    ``parallel_solutions`` function have them (code_contests: C++, Java, Python 3)."""
    module = _BY_NAME.get(_ALIASES.get(name, name))
    if module is None or not hasattr(module, "parallel_solutions"):
        having = [m.HUB_ID for m in _MODULES if hasattr(m, "parallel_solutions")]
        having += ["mbxp", "humaneval-x (their canonical solutions)"]
        raise PsftError(
            f"source {name!r} carries no solutions in other PLs; --source-solutions works "
            f"with: {', '.join(having)}"
        )
    data = load_hub_dataset(module.HUB_ID, split=split)
    return module.parallel_solutions(data, source_lang=source_lang, problem_ids=set(problem_ids))


def load_local_copy(name: str, path: str, *, split: str = "train", label: str | None = None):
    """A known dataset's `split` from local files in its own schema, read by `datasets`:
    a saved dataset directory, a directory of parquet/JSON(L) files (the split's own files
    where their names say so), or one such file (`.gz` too). Offline clusters keep Hub
    data this way; nothing is downloaded. `label` names it in errors (what the user typed).
    Returns a `datasets.Dataset`."""
    import datasets

    split = getattr(_BY_NAME[name], "ONLY_SPLIT", None) or split
    where, label = Path(path).expanduser(), f"{label or name}:{path}"
    if not where.exists():
        raise PsftError(f"{label}: no such file or directory")
    try:
        if (where / "dataset_dict.json").exists() or (where / "dataset_info.json").exists():
            saved = datasets.load_from_disk(str(where))
            return saved[split] if isinstance(saved, datasets.DatasetDict) else saved
        files = [where] if where.is_file() else _data_files(where, split)
        if not files:
            raise PsftError(f"{label}: no parquet, JSON or JSONL files there")
        builder = "parquet" if files[0].name.endswith(".parquet") else "json"
        return datasets.load_dataset(builder, data_files=[str(f) for f in files], split="train")
    except PsftError:
        raise
    except Exception as err:  # datasets raises many types for unreadable files
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise PsftError(f"{label}: cannot read it: {reason}") from err


def _data_files(folder: Path, split: str) -> list[Path]:
    suffixes = (".parquet", ".jsonl", ".json", ".jsonl.gz", ".json.gz")
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.name.endswith(suffixes))
    mine = [p for p in found if split in p.name or p.parent.name == split]
    return mine or found


def _multilingual_rows(module: ModuleType, where: str | None, *, split: str, label: str):
    """A multilingual benchmark's rows: from a local file or directory, or from its Hub
    configs (all, or a subset's: `multipl-e:humaneval` takes MultiPL-E's humaneval-*)."""
    from .multilingual import hub_rows, read_rows

    if where is not None and (Path(where).expanduser().exists() or "/" in where or "." in where):
        return (row for _, row in read_rows(Path(where).expanduser(), label=f"{label}:{where}"))
    configs = module.hub_configs(where) if hasattr(module, "hub_configs") else module.HUB_CONFIGS
    if where is not None and not hasattr(module, "hub_configs"):
        raise PsftError(f"{label}:{where}: no such file or directory")
    split = getattr(module, "ONLY_SPLIT", None) or split
    return (row for _, row in hub_rows(module.HUB_ID, configs, split))


def hub_id_for(name: str) -> str | None:
    """The Hub id of a known source given by its Hub id or short name (any case)."""
    wanted = name.strip().lower()
    for short, hub_id in _ALIASES.items():
        if wanted in (short.lower(), hub_id.lower()):
            return hub_id
    return None


def known_sources() -> list[str]:
    return sorted(SOURCES)


def names_a_source(spec: str) -> bool:
    """Whether `spec` names a known source: its Hub id or short name, or NAME:PATH /
    NAME:SUBSET of one (`mbxp:data/`, `multipl-e:humaneval`)."""
    prefix, _, rest = spec.partition(":")
    return (
        spec in SOURCES
        or spec in _ALIASES
        or (bool(rest) and _ALIASES.get(prefix, prefix) in _BY_NAME)
    )


def load_source(
    name_or_path: str,
    *,
    split: str = "train",
    source_lang: str = "python",
    columns: Mapping[str, str] | None = None,
    limit: int | None = None,
    **options: Any,
) -> tuple[list[Problem], dict[str, int]]:
    """Problems from a known source or a local path, and the skipped rows by reason.

    `options` go to the source's loader (``solutions=`` for codeforces, ``test_sets=`` for
    code_contests). `limit` stops after that many problems (skips do not count).
    """
    skipped: Counter[str] = Counter()
    name = _ALIASES.get(name_or_path, name_or_path)
    prefix, _, local = name_or_path.partition(":")
    if local and _ALIASES.get(prefix, prefix) in _MULTILINGUAL:  # NAME:PATH or NAME:SUBSET
        name = _ALIASES.get(prefix, prefix)
        data = _multilingual_rows(_BY_NAME[name], local, split=split, label=prefix)
        problems = SOURCES[name](data, source_lang=source_lang, skipped=skipped, **options)
    elif local and _ALIASES.get(prefix, prefix) in _BY_NAME:  # NAME:PATH, a local copy
        name = _ALIASES.get(prefix, prefix)
        data = load_local_copy(name, local, split=split, label=prefix)
        problems = SOURCES[name](
            data, source_lang=source_lang, skipped=skipped, split=split, **options
        )
    elif name == sample.SOURCE:
        problems = sample.load(source_lang=source_lang, skipped=skipped)
    elif name in _MULTILINGUAL:
        data = _multilingual_rows(_BY_NAME[name], None, split=split, label=name)
        problems = SOURCES[name](data, source_lang=source_lang, skipped=skipped, **options)
    elif name in _BY_NAME:
        data = load_hub_dataset(name, split=split)
        problems = SOURCES[name](
            data, source_lang=source_lang, skipped=skipped, split=split, **options
        )
    elif Path(name_or_path).exists():
        problems = load_local(
            name_or_path, columns, source_lang=source_lang, split=split, skipped=skipped
        )
    else:
        raise UnknownSourceError(name_or_path, known_sources())
    chosen = list(itertools.islice(problems, limit) if limit is not None else problems)
    return chosen, dict(skipped)


__all__ = [
    "SOURCES",
    "Skip",
    "SourceUnavailableError",
    "UnknownSourceError",
    "UnsupportedSourceLanguageError",
    "apps",
    "code_contests",
    "codeforces",
    "hub_id_for",
    "humaneval",
    "known_sources",
    "load_hub_dataset",
    "load_local",
    "load_local_copy",
    "load_source",
    "mbpp",
    "sample",
    "source_solutions",
    "taco",
]
