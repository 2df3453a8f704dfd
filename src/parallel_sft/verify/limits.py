"""Every resource limit of a verification run, in one typed config.

How a limit becomes a number for one program run (see `Limits.for_run`):
- CPU time per test = `time_s` x the PL's `time_factor`. A run that uses more is
  TIME_LIMIT. CPU time comes from the run's cgroup, so a busy machine does not turn a
  correct program into a TIME_LIMIT; the sandbox stops the run as soon as that count passes
  the limit. Without a cgroup, RLIMIT_CPU kills it one second later.
- Wall clock per test = CPU limit x `wall_factor` + `wall_extra_s`: this catches programs
  that sleep or block, and it kills the whole process tree.
- Memory = `memory_mb` + the PL's `memory_overhead_mb` (JVM metaspace and friends), held by
  the cgroup; runtimes that size their own heap get `memory_mb` through `{memory_mb}`.
- Compilers get their own, larger budget: they are trusted-ish but still sandboxed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..languages import Language
from ..records import Problem

MiB = 2**20


@dataclass(frozen=True)
class RunLimits:
    """The limits of one sandboxed process tree."""

    cpu_s: float
    wall_s: float
    memory_mb: int
    processes: int
    file_bytes: int  # largest file (stdout included) the run may write
    open_files: int


@dataclass(frozen=True)
class Limits:
    time_s: float = 2.0
    memory_mb: int = 256
    processes: int = 128  # threads count too: a JVM needs a few dozen
    output_bytes: int = 32 * MiB
    open_files: int = 256
    wall_factor: float = 3.0
    wall_extra_s: float = 2.0
    compile_time_s: float = 120.0
    compile_memory_mb: int = 4096
    compile_processes: int = 512
    compile_file_bytes: int = 1024 * MiB

    def for_problem(self, problem: Problem) -> Limits:
        return replace(self, time_s=problem.time_limit_s, memory_mb=problem.memory_limit_mb)

    def for_run(self, lang: Language) -> RunLimits:
        cpu = self.time_s * lang.time_factor
        return RunLimits(
            cpu_s=cpu,
            wall_s=cpu * self.wall_factor + self.wall_extra_s,
            memory_mb=self.memory_mb + lang.memory_overhead_mb,
            processes=self.processes,
            file_bytes=self.output_bytes,
            open_files=self.open_files,
        )

    def for_compile(self) -> RunLimits:
        return RunLimits(
            cpu_s=self.compile_time_s * 2,  # parallel compilers burn CPU faster than wall
            wall_s=self.compile_time_s,
            memory_mb=self.compile_memory_mb,
            processes=self.compile_processes,
            file_bytes=self.compile_file_bytes,
            open_files=4096,
        )


def cpu_rlimit(cpu_s: float, *, backstop: bool = False) -> int:
    """RLIMIT_CPU in whole seconds. Without a cgroup it is what stops a runaway: one second
    past the limit. With one, the sandbox stops the run at the limit from the cgroup's exact
    count, and the rlimit is only a backstop, set well clear of the tick-sampled time the
    kernel checks it against (see sandbox._wait)."""
    return math.ceil(cpu_s * 2 if backstop else cpu_s) + 1
