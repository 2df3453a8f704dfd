"""Precompiled headers, built once per machine and compiler, shared by every worker.

A PL declares the header (`languages.base.PrecompiledHeader`: C++'s <bits/stdc++.h>); the
first compile of a program that includes it builds the `.gch` in the sandbox, like any
compile, under `$PSFT_CACHE_DIR/pch/` (default `~/.cache/parallel-sft/pch/`), in a
directory named by a hash of the build command and the compiler (its version line, path,
size and mtime): a new compiler gets a new one. Workers that want it meanwhile wait on a
file lock; the directory appears complete or not at all (built aside, then renamed). A
build that fails leaves a `.failed` note beside it and programs compile as before.

The header is the toolchain's own, compiled with the PL's own flags; no candidate code is
involved, and each compile sees the directory read-only.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from ..languages import Language, Toolchain
from ..languages.base import PrecompiledHeader
from .limits import Limits
from .sandbox import Sandbox

log = logging.getLogger(__name__)
_ready: dict[str, Path | None] = {}  # per process: root/key -> directory (None: unavailable)


def pch_root() -> Path:
    root = os.environ.get("PSFT_CACHE_DIR") or Path.home() / ".cache" / "parallel-sft"
    return Path(root) / "pch"


def with_precompiled(lang: Language, code: str, toolchain: Toolchain, sandbox: Sandbox) -> Language:
    """`lang` for compiling `code`: where the program includes a header the PL precompiles
    and it could be built, its directory in the compiler's include-path variable and among
    the sandbox's read-only paths; else `lang` itself."""
    spec = lang.precompiled
    if lang.compile is None or spec is None or not spec.wanted(code):
        return lang
    directory = ensure(lang.name, spec, toolchain, sandbox)
    if directory is None:
        return lang
    return replace(
        lang,
        env={**lang.env, spec.env: str(directory)},
        sandbox_paths=(*lang.sandbox_paths, str(directory)),
    )


def ensure(
    name: str, spec: PrecompiledHeader, toolchain: Toolchain, sandbox: Sandbox
) -> Path | None:
    """The directory holding `spec`'s precompiled header, built first if need be; None
    when it cannot be built here."""
    key = _key(name, spec, toolchain)
    memo = f"{pch_root()}/{key}"
    if memo not in _ready or (_ready[memo] is not None and not _ready[memo].is_dir()):
        _ready[memo] = _build_once(name, key, spec, toolchain, sandbox)
    return _ready[memo]


@functools.cache  # once per process: it runs the compiler, and ensure() runs per compile
def _key(name: str, spec: PrecompiledHeader, toolchain: Toolchain) -> str:
    search = os.pathsep.join((*toolchain.bin_dirs, os.environ.get("PATH", "")))
    compiler = shutil.which(spec.builds[0][0], path=search)
    facts = [name, *(arg for build in spec.builds for arg in build), spec.include, str(compiler)]
    if compiler is not None:
        real = os.path.realpath(compiler)
        stat = os.stat(real)
        facts += [real, str(stat.st_size), str(stat.st_mtime_ns)]
        try:
            version = subprocess.run([compiler, "--version"], capture_output=True, timeout=30)
            facts.append(version.stdout.decode(errors="replace"))
        except (OSError, subprocess.SubprocessError):
            pass
    return f"{name}-" + hashlib.sha256("\0".join(facts).encode()).hexdigest()[:16]


def _build_once(
    name: str, key: str, spec: PrecompiledHeader, toolchain: Toolchain, sandbox: Sandbox
) -> Path | None:
    root = pch_root()
    target = root / key
    failed = root / f"{key}.failed"
    try:
        root.mkdir(parents=True, exist_ok=True)
        with open(root / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building it right now
            if target.is_dir():
                return target
            if failed.exists():
                return None
            return _build(name, spec, toolchain, sandbox, target, failed)
    except OSError as err:
        log.warning("precompiled header for %s unavailable: %s", name, err)
        return None


def _build(
    name: str,
    spec: PrecompiledHeader,
    toolchain: Toolchain,
    sandbox: Sandbox,
    target: Path,
    failed: Path,
) -> Path | None:
    log.info("building the precompiled %s for %s (once per machine)", spec.include, name)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        box = work / "box"
        variants = box / f"{spec.include}.gch"
        variants.mkdir(parents=True)
        (box / "pch.h").write_text(f"#include <{spec.include}>\n")
        errors = []
        for index, build in enumerate(spec.builds):
            out = f"{spec.include}.gch/{index}.gch"
            argv = [arg.format(src="pch.h", out=out) for arg in build]
            result = sandbox.execute(argv, box=box, scratch=work / f"run-{index}",
                                     limits=Limits().for_compile(), toolchain=toolchain,
                                     writable=True, rlimit_as=False)  # fmt: skip
            if result.exit_code != 0 or not (box / out).is_file():
                why = result.stderr.decode(errors="replace").strip()[-2000:] or "no output"
                errors.append(f"{' '.join(argv)}\n{why}\n")
                (box / out).unlink(missing_ok=True)
        if not any(variants.iterdir()):
            failed.write_text("".join(errors))
            log.warning("cannot precompile %s for %s (see %s)", spec.include, name, failed)
            return None
        for error in errors:  # the others still serve the compiles they fit
            log.warning("one variant of the precompiled %s failed: %s", spec.include, error)
        (box / "pch.h").unlink()
        os.rename(box, target)  # complete or absent, never half-written
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)
