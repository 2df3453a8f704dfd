"""What a corpus build is asked to do, and the build directory's record of it.

`BuildConfig` holds every option that changes the dataset. Its fingerprint is written to
`<out>/.build/build.json` on the first run; a rerun with the same fingerprint resumes, a
rerun with another one is refused (unless `--overwrite`), so one directory never mixes two
configurations. Options that change only *how* the work runs (server URLs, concurrency,
executor and workers, progress display) are not part of it: a build started on the local
pool may resume on a Ray cluster, and the other way round.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PsftError
from ..verify.runner import VerifyConfig

BUILD_DIR = ".build"  # private state; never uploaded, never read by load_dataset
FORMAT = 1  # bump when the layout of .build changes


@dataclass(frozen=True)
class BuildConfig:
    langs: tuple[str, ...]
    source: str = "sample"
    split: str = "train"
    source_lang: str = "python"
    columns: tuple[tuple[str, str], ...] = ()
    limit: int | None = None
    backend: str = "hf"
    model: str | None = None
    n: int = 1
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int = 0
    few_shot: bool = True
    repair_rounds: int = 1
    keep: int = 1
    test_fraction: float = 0.1
    check_reference: bool = False
    source_solutions: int = 0  # the source's own solutions taken per (problem, PL)
    decontaminate_against: str | None = None
    ngram: int = 13
    shard_size: int = 128
    verify: VerifyConfig = field(default_factory=VerifyConfig)

    def __post_init__(self) -> None:
        problems = []
        if not self.langs:
            problems.append("--langs names no PL")
        if self.n < 0 or (self.n == 0 and not self.source_solutions):
            problems.append(
                "--n must be at least 1 (0 only with --source-solutions: no model at all)"
            )
        if self.keep < 1:
            problems.append("--keep must be at least 1")
        if self.repair_rounds < 0:
            problems.append("--repair-rounds cannot be negative")
        if not 0.0 <= self.test_fraction < 1.0:
            problems.append("--test-fraction must be in [0, 1)")
        if self.shard_size < 1:
            problems.append("--shard-size must be at least 1")
        if self.source_solutions < 0:
            problems.append("--source-solutions cannot be negative")
        if self.limit is not None and self.limit < 1:
            problems.append("--limit must be at least 1")
        if problems:
            raise PsftError("; ".join(problems))

    def fingerprint(self) -> dict[str, Any]:
        return {"format": FORMAT, **json.loads(json.dumps(asdict(self)))}


class BuildDir:
    """The output directory: the dataset at the top, the resumable state under .build/."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.state = self.out / BUILD_DIR

    @property
    def manifest(self) -> Path:
        return self.state / "build.json"

    def claim(self, config: BuildConfig, *, overwrite: bool) -> bool:
        """Take `out` for this config; True when it resumes an earlier run.

        A directory that holds something other than a build is never touched. With
        `overwrite`, the outputs and shards of a different configuration are removed but
        the completion and verdict caches stay: they are keyed by content, so a changed
        build still reuses every answer and verdict that applies to it.
        """
        wanted = config.fingerprint()
        if self.out.exists() and any(self.out.iterdir()) and not self.manifest.exists():
            raise PsftError(
                f"{self.out} exists and is not a corpus build directory; choose another --out"
            )
        if self.manifest.exists():
            try:
                found = json.loads(self.manifest.read_text())
            except json.JSONDecodeError:
                found = {}
            if found == wanted:
                return True
            if not overwrite:
                changed = sorted(
                    k for k in wanted.keys() | found.keys() if wanted.get(k) != found.get(k)
                )
                raise PsftError(
                    f"{self.out} was built with another configuration (differs in: "
                    f"{', '.join(changed)}); rerun with --overwrite to rebuild it, or use "
                    "another --out"
                )
            self._clear()
        self.state.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps(wanted, indent=2, sort_keys=True) + "\n")
        tmp.replace(self.manifest)
        return False

    def _clear(self) -> None:
        keep = {"completions.jsonl", "verdicts.jsonl"}
        for path in self.state.iterdir():
            if path.name not in keep:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        for path in self.out.iterdir():
            if path.name != BUILD_DIR:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
