"""Per-run control groups: the memory, process-count and CPU-time accounting of a sandbox.

Why cgroups and not rlimits: RLIMIT_AS breaks runtimes that reserve address space up
front (the JVM, Go, V8, GHC), RLIMIT_NPROC does not apply to root and counts a user's
processes everywhere, and the CPU time of a process tree inside a PID namespace does not
reach the parent's rusage. A cgroup limits and measures the whole tree.

Both hierarchies are supported:
- cgroup v2 (most current distributions): one leaf per run under `$PSFT_CGROUP_ROOT`, or
  under `/sys/fs/cgroup/psft` when we may create it (root). A non-root user needs a
  delegated subtree (e.g. `systemd-run --user -p Delegate=yes --scope bash`) and points
  PSFT_CGROUP_ROOT at a writable cgroup inside it.
- cgroup v1: one directory per run in each of the memory, pids and cpuacct hierarchies.

When neither is writable, `CgroupManager.detect()` returns None and the sandbox falls back
to rlimits and wall time (less exact; `psft langs` says which mode is active).
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _read_keyed(path: Path, key: str) -> int | None:
    """`key N` lines, as in memory.events, memory.oom_control and cpu.stat."""
    try:
        for line in path.read_text().splitlines():
            k, _, v = line.partition(" ")
            if k == key:
                return int(v)
    except (OSError, ValueError):
        return None
    return None


@dataclass
class Cgroup:
    """One run's cgroup(s)."""

    version: int
    dirs: tuple[Path, ...]  # v2: (leaf,); v1: (memory, pids, cpuacct)

    @property
    def procs(self) -> tuple[Path, ...]:
        return tuple(d / "cgroup.procs" for d in self.dirs)

    @property
    def joins(self) -> tuple[Path, ...]:
        """The files a single-threaded process writes "0" into to move itself in (the
        child before exec, the sandbox's launcher, a session's run). On v1 that is `tasks`,
        which moves the calling thread alone: moving a whole process (cgroup.procs) takes
        the kernel's thread-group lock for writing, which waits for an RCU grace period,
        about 10 ms here whenever the previous move was more than a grace period ago (a
        run after a compile, every run of a JVM program). Moving only the caller skips
        that lock (Linux 6.x); for a single-threaded process it is the same move, and its
        children are born inside. v2 has only cgroup.procs for a domain cgroup (mounting
        it with `favordynmods` removes the wait there)."""
        name = "cgroup.procs" if self.version == 2 else "tasks"
        return tuple(d / name for d in self.dirs)

    def join(self) -> None:
        """Move the calling process into the cgroup (called in the child before exec,
        which is single-threaded: see `joins`)."""
        for path in self.joins:
            _write(path, "0")

    def oom_killed(self) -> bool:
        if self.version == 2:
            return (_read_keyed(self.dirs[0] / "memory.events", "oom_kill") or 0) > 0
        return (_read_keyed(self.dirs[0] / "memory.oom_control", "oom_kill") or 0) > 0

    def cpu_seconds(self) -> float | None:
        if self.version == 2:
            usec = _read_keyed(self.dirs[0] / "cpu.stat", "usage_usec")
            return None if usec is None else usec / 1e6
        ns = _read_int(self.dirs[2] / "cpuacct.usage")
        return None if ns is None else ns / 1e9

    def peak_memory_mb(self) -> float | None:
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        peak = _read_int(self.dirs[0] / name)
        return None if peak is None else peak / 2**20

    def pids(self) -> set[int]:
        """Every process inside. One file says it: each process joins all of `dirs` at
        once, and nothing inside can see these files to move itself."""
        try:
            return {int(p) for p in self.procs[0].read_text().split()}
        except (OSError, ValueError):
            return set()

    def kill(self) -> None:
        """SIGKILL everything inside, including processes that left the process group."""
        if self.version == 2 and (self.dirs[0] / "cgroup.kill").exists():
            try:
                _write(self.dirs[0] / "cgroup.kill", "1")
            except OSError:
                pass
        delay = 0.0005
        for _ in range(200):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(delay)  # a killed process leaves the list once it has exited
            delay = min(delay * 2, 0.005)

    def remove(self) -> None:
        for d in self.dirs:
            for attempt in range(100):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # still has processes, or busy a moment after they exited
                    if attempt == 0:
                        self.kill()
                    else:
                        time.sleep(0.01)


class CgroupManager:
    """Creates one cgroup per run under a base that this process may write."""

    def __init__(self, version: int, bases: tuple[Path, ...]):
        self.version = version
        self.bases = bases

    @classmethod
    def detect(cls) -> CgroupManager | None:
        root = os.environ.get("PSFT_CGROUP_ROOT")
        try:
            if root:
                return cls._v2(Path(root), enable_parent=False)
            if (V1_ROOT / "cgroup.controllers").exists():
                return cls._v2(V1_ROOT / "psft", enable_parent=True)
            if all((V1_ROOT / c / "cgroup.procs").exists() for c in ("memory", "pids", "cpuacct")):
                bases = tuple(V1_ROOT / c / "psft" for c in ("memory", "pids", "cpuacct"))
                for b in bases:
                    b.mkdir(exist_ok=True)
                    _remove_stale(b)
                return cls(1, bases)
        except OSError:
            return None
        return None

    @classmethod
    def _v2(cls, base: Path, enable_parent: bool) -> CgroupManager | None:
        if enable_parent:
            _enable_controllers(base.parent)
        base.mkdir(exist_ok=True)
        _remove_stale(base)
        _enable_controllers(base)
        controllers = (base / "cgroup.subtree_control").read_text().split()
        if not {"memory", "pids"} <= set(controllers):
            return None
        return cls(2, (base,))

    def create(self, memory_mb: int, processes: int) -> Cgroup:
        name = f"{os.getpid()}-{next(_counter)}"
        limit = str(memory_mb * 2**20)
        dirs = tuple(b / name for b in self.bases)
        for d in dirs:
            d.mkdir()
        if self.version == 2:
            leaf = dirs[0]
            _write(leaf / "memory.max", limit)
            if (leaf / "memory.swap.max").exists():
                _write(leaf / "memory.swap.max", "0")
            _write(leaf / "pids.max", str(processes))
        else:
            memory, pids, _ = dirs
            _write(memory / "memory.limit_in_bytes", limit)
            if (memory / "memory.memsw.limit_in_bytes").exists():
                try:  # counts swap too, so a run cannot swap its way past the limit
                    _write(memory / "memory.memsw.limit_in_bytes", limit)
                except OSError:
                    pass
            _write(pids / "pids.max", str(processes))
        return Cgroup(self.version, dirs)


def _remove_stale(base: Path) -> None:
    """Remove run cgroups left by a process that died (they are named <pid>-<n>)."""
    for child in base.iterdir():
        owner = child.name.split("-")[0]
        if child.is_dir() and owner.isdigit() and not Path(f"/proc/{owner}").exists():
            try:
                child.rmdir()
            except OSError:
                pass


def _enable_controllers(cgroup: Path) -> None:
    present = set((cgroup / "cgroup.controllers").read_text().split())
    enabled = set((cgroup / "cgroup.subtree_control").read_text().split())
    wanted = {"memory", "pids", "cpu"} & present - enabled
    if wanted:
        _write(cgroup / "cgroup.subtree_control", " ".join(f"+{c}" for c in sorted(wanted)))
