"""The only place in the toolkit that starts untrusted code.

Isolation comes from bubblewrap (bwrap), not from this module: each run gets new user,
PID, network, IPC, UTS and cgroup namespaces; a read-only view of /usr, /etc (minus its
secrets) and /opt; a fresh /proc, a minimal /dev and a private tmpfs /tmp; the candidate's
work dir at /box (writable only while compiling); no home directories, no project files,
no network; it dies with its parent. Inside it runs as uid 65534.

Resources come from a per-run cgroup (memory, process count, CPU accounting; see
`cgroup.py`) plus rlimits (CPU seconds, file size, open files, core dumps), and a
wall-clock timeout here kills the whole tree: process group, cgroup and PID namespace.

stdin, stdout and stderr are plain files opened by the parent, so a program that never
reads its input or floods its output cannot block us; RLIMIT_FSIZE caps what it writes.
A short secret (a test driver's per-run token) comes on a pipe instead (`stdin` as bytes,
written and closed before the start): read once, it is gone, where a file could be read
again through /proc/self/fd/0 or the sandbox init's /proc/1/fd/0.

`Sandbox(isolate=False)` runs the same command with the same limits but without bwrap:
only for code you trust (the CLI's --no-sandbox warns).
"""

from __future__ import annotations

import logging
import math
import os
import resource
import select
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SandboxUnavailableError
from ..languages.base import SYSTEM_PATH, Toolchain
from .cgroup import Cgroup, CgroupManager
from .limits import RunLimits, cpu_rlimit

log = logging.getLogger(__name__)
BOX = "/box"
SANDBOX_UID = 65534
STDERR_KEEP = 64 * 1024
_LAUNCHED = b"psft-launched"  # the launcher's mark in the status file (see _launcher)
CPU_CHECK_S = 0.02  # how often a running tree's CPU time is compared with its limit
# Readable by root on the host, and root's files look like the sandbox user's own.
_SECRETS = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers")
_SECRET_DIRS = ("/etc/ssh", "/etc/ssl/private", "/etc/sudoers.d")
_LIBRARY_SPACE = 128 * 2**20
_MERGED_USR = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


@dataclass
class Execution:
    """What happened to one sandboxed process tree."""

    started: bool  # False: the sandbox itself failed to come up (-> INFRA_ERROR)
    exit_code: int | None  # shell convention: 128 + N when killed by signal N
    timed_out: bool  # killed by the wall-clock timeout
    cpu_s: float | None  # None where no cgroup measures it
    wall_s: float
    peak_memory_mb: float
    oom_killed: bool
    output_limited: bool
    stdout: bytes
    stderr: bytes


class Sandbox:
    def __init__(self, isolate: bool = True, sessions: bool | None = None):
        self.isolate = isolate
        # Whether a program's runs may share one sandbox session (session.py); off with
        # PSFT_SANDBOX_SESSIONS=0.
        if sessions is None:
            sessions = os.environ.get("PSFT_SANDBOX_SESSIONS", "1") != "0"
        self.sessions = sessions
        if isolate and shutil.which("bwrap") is None:
            raise SandboxUnavailableError("bubblewrap (bwrap) is not installed")
        self.cgroups = CgroupManager.detect()
        self.prlimit = shutil.which("prlimit", path=":".join(SYSTEM_PATH))  # util-linux
        if self.cgroups is None:
            log.warning(
                "no writable cgroup: memory and CPU limits fall back to rlimits and wall time "
                "(set PSFT_CGROUP_ROOT to a delegated cgroup v2 directory to fix)"
            )

    def describe(self) -> str:
        iso = "bubblewrap" if self.isolate else "NONE (--no-sandbox)"
        cg = f"cgroup v{self.cgroups.version}" if self.cgroups else "rlimits only"
        return f"isolation: {iso}; limits: {cg}"

    def execute(
        self,
        argv: Sequence[str],
        *,
        box: Path,
        scratch: Path,
        limits: RunLimits,
        stdin: Path | bytes | None = None,
        env: Mapping[str, str] | None = None,
        toolchain: Toolchain = Toolchain(),
        ro_paths: Sequence[str] = (),
        writable: bool = False,
        rlimit_as: bool = False,
    ) -> Execution:
        """Run `argv` in `box` (the program's cwd), its stdio in files under `scratch`."""
        scratch.mkdir(parents=True, exist_ok=True)
        full_env = run_env(toolchain, env)
        status_path = scratch / "status.json"
        try:
            cgroup = (
                self.cgroups.create(limits.memory_mb, limits.processes) if self.cgroups else None
            )
        except OSError as err:
            return not_started(f"cannot create the run's cgroup: {err}")
        try:
            with (
                _stdin(stdin) as fin,
                open(scratch / "stdout", "wb") as fout,
                open(scratch / "stderr", "wb") as ferr,
                open(status_path, "wb") as fstatus,
            ):
                if self.isolate:
                    cmd = self._bwrap_argv(
                        argv, box, full_env, toolchain, ro_paths, writable, fstatus.fileno()
                    )
                    popen_env, cwd = {}, None
                else:
                    cmd, popen_env, cwd = list(argv), full_env, box
                child_setup = None
                if cgroup is not None and self.prlimit is not None:
                    mark = None if self.isolate else status_path  # bwrap reports on its own
                    launcher = _launcher(self.prlimit, limits, cgroup, mark)
                    cmd = [*launcher, *cmd]
                else:
                    child_setup = _ChildSetup(limits, cgroup, rlimit_as)
                start = time.monotonic()
                try:
                    proc = subprocess.Popen(
                        cmd,
                        stdin=fin,
                        stdout=fout,
                        stderr=ferr,
                        cwd=cwd,
                        env=popen_env,
                        pass_fds=(fstatus.fileno(),),
                        start_new_session=True,
                        preexec_fn=child_setup,  # None: vfork, see _launcher
                    )
                except (OSError, subprocess.SubprocessError) as err:
                    return not_started(f"cannot start {cmd[0]}: {err}")
                status, stopped = _wait(proc, limits, cgroup)
                timed_out = stopped == "wall"
                wall = time.monotonic() - start
            exit_code = os.waitstatus_to_exitcode(status)
            if exit_code < 0:  # bare mode: killed by a signal; use bwrap's convention
                exit_code = 128 - exit_code
            # bwrap reports "exit-code" only once the program ran; a setup failure has none,
            # and neither has a tree we stopped. Without bwrap, the launcher's mark says it
            # got as far as the command (a preexec_fn that fails raises in Popen instead).
            reported = status_path.read_bytes()
            if self.isolate:
                started = stopped is not None or b"exit-code" in reported
            else:
                started = child_setup is not None or stopped is not None or _LAUNCHED in reported
            return collect(started, exit_code, timed_out, wall, cgroup, scratch, limits)
        finally:
            if cgroup is not None:
                cgroup.remove()

    def _bwrap_argv(
        self,
        argv: Sequence[str],
        box: Path,
        env: Mapping[str, str],
        toolchain: Toolchain,
        ro_paths: Sequence[str],
        writable: bool,
        status_fd: int,
    ) -> list[str]:
        cmd = ["bwrap", "--unshare-all", *bwrap_mounts(toolchain, ro_paths)]
        cmd += ["--bind" if writable else "--ro-bind", str(box), BOX, "--chdir", BOX]
        cmd += ["--clearenv"]
        for key, value in env.items():
            cmd += ["--setenv", key, value]
        cmd += ["--json-status-fd", str(status_fd), "--", *argv]
        return cmd


def run_env(toolchain: Toolchain, env: Mapping[str, str] | None) -> dict[str, str]:
    """A sandboxed program's whole environment: nothing of ours but a PATH to its tools."""
    return {
        "PATH": ":".join((*toolchain.bin_dirs, *SYSTEM_PATH)),
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        **(env or {}),
    }


def writable_mounts() -> tuple[str, ...]:
    """The file systems `bwrap_mounts` creates writable besides /tmp (a session makes them
    read-only: runs in it must not leave files there for the next)."""
    return ("/dev", *(path for path in _SECRET_DIRS if os.path.isdir(path)))


def bwrap_mounts(
    toolchain: Toolchain, ro_paths: Sequence[str], *, host_proc: bool = False
) -> list[str]:
    """bwrap's arguments for what a sandboxed program sees, but for its work dir: the
    sandbox user, read-only system and toolchain paths, no secrets, fresh /proc, /dev and
    /tmp. Shared by a single run (above) and a session's outer sandbox (session.py), which
    takes the host's /proc instead (`host_proc`): the kernel lets a nested namespace mount
    its own /proc only where a proc mount with nothing over it is in view, and bwrap's
    fresh one has read-only mounts over /proc/sys and others. No program sees that /proc:
    each run mounts its own over it."""
    cmd = ["--die-with-parent", "--new-session"]
    cmd += ["--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox"]
    cmd += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for path in _MERGED_USR:
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            cmd += ["--ro-bind", path, path]
    for path in _SECRETS:
        if os.path.exists(path):
            cmd += ["--ro-bind", "/dev/null", path]
    for path in _SECRET_DIRS:
        if os.path.isdir(path):
            cmd += ["--tmpfs", path]
    cmd += ["--bind", "/proc", "/proc"] if host_proc else ["--proc", "/proc"]
    cmd += ["--dev", "/dev", "--tmpfs", "/tmp"]
    # After /tmp's tmpfs, which would hide a path under /tmp bound before it.
    for path in ("/opt", *toolchain.ro_paths, *ro_paths):
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    return cmd


def collect(
    started: bool,
    exit_code: int,
    timed_out: bool,
    wall_s: float,
    cgroup: Cgroup | None,
    scratch: Path,
    limits: RunLimits,
) -> Execution:
    """The Execution of a run that has ended: its cgroup's counts, its output files."""
    stdout_size = (scratch / "stdout").stat().st_size
    return Execution(
        started=started,
        exit_code=exit_code,
        timed_out=timed_out,
        cpu_s=cgroup.cpu_seconds() if cgroup else None,
        wall_s=wall_s,
        peak_memory_mb=(cgroup.peak_memory_mb() if cgroup else None) or 0.0,
        oom_killed=cgroup.oom_killed() if cgroup else False,
        output_limited=stdout_size >= limits.file_bytes or exit_code == 128 + signal.SIGXFSZ,
        stdout=_read(scratch / "stdout", limits.file_bytes),
        stderr=_read_tail(scratch / "stderr", STDERR_KEEP),
    )


def _stdin(stdin: Path | bytes | None):
    """The file the program reads: `stdin`'s file, /dev/null, or for bytes a pipe that
    holds them (at most PIPE_BUF, so writing never blocks) with its write end closed."""
    if not isinstance(stdin, bytes):
        return open(stdin or os.devnull, "rb")
    if len(stdin) > select.PIPE_BUF:
        raise ValueError(f"stdin bytes are for short secrets (<= {select.PIPE_BUF} bytes)")
    read, write = os.pipe()
    try:
        os.write(write, stdin)
    finally:
        os.close(write)
    return os.fdopen(read, "rb")


def not_started(reason: str) -> Execution:
    return Execution(
        started=False,
        exit_code=None,
        timed_out=False,
        cpu_s=None,
        wall_s=0.0,
        peak_memory_mb=0.0,
        oom_killed=False,
        output_limited=False,
        stdout=b"",
        stderr=reason.encode(),
    )


def _launcher(prlimit: str, limits: RunLimits, cgroup: Cgroup, mark: Path | None) -> list[str]:
    """A prefix that does what `_ChildSetup` does, from outside Python: /bin/sh joins the
    cgroup, util-linux's prlimit sets the rlimits, then the command is exec'd. Without a
    preexec_fn, Python starts the child with vfork instead of fork, which for a worker
    process that has imported the toolkit saves about 3 ms per run. Once in the cgroup it
    writes a mark to `mark` (without bwrap, which reports for itself), so that a launcher
    that failed reads as a run that did not start, not as the program's failure."""
    flags = [f"--{name}={soft}:{hard}" for name, _, soft, hard in run_rlimits(limits)]
    joins = " && ".join(f"echo 0 > {shlex.quote(str(path))}" for path in cgroup.joins)
    if mark is not None:
        joins += f" && echo {_LAUNCHED.decode()} > {shlex.quote(str(mark))}"
    return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", prlimit, *flags, "--"]


def run_rlimits(limits: RunLimits) -> list[tuple[str, int, int, int]]:
    """(prlimit's name, resource, soft, hard) for a run that has a cgroup: hard limits the
    program cannot raise, each clamped to the inherited hard limit (keep the stricter)."""
    cpu = cpu_rlimit(limits.cpu_s, backstop=True)
    stack = min(limits.memory_mb, 1024) * 2**20
    wanted = (
        ("cpu", resource.RLIMIT_CPU, cpu, cpu + 1),
        ("fsize", resource.RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
        ("nofile", resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
        ("core", resource.RLIMIT_CORE, 0, 0),
        ("stack", resource.RLIMIT_STACK, stack, stack),
    )
    out = []
    for name, which, soft, hard in wanted:
        inherited = resource.getrlimit(which)[1]
        if inherited != resource.RLIM_INFINITY and hard > inherited:
            soft = hard = min(soft, inherited)
        out.append((name, which, soft, hard))
    return out


class _ChildSetup:
    """Runs in the forked child before exec: join the cgroup, then set the rlimits."""

    def __init__(self, limits: RunLimits, cgroup: Cgroup | None, rlimit_as: bool):
        self.limits, self.cgroup, self.rlimit_as = limits, cgroup, rlimit_as

    def __call__(self) -> None:
        lim = self.limits
        cpu = cpu_rlimit(lim.cpu_s, backstop=self.cgroup is not None)
        _setrlimit(resource.RLIMIT_CPU, cpu, cpu + 1)
        _setrlimit(resource.RLIMIT_FSIZE, lim.file_bytes, lim.file_bytes)
        _setrlimit(resource.RLIMIT_NOFILE, lim.open_files, lim.open_files)
        _setrlimit(resource.RLIMIT_CORE, 0, 0)
        stack = min(lim.memory_mb, 1024) * 2**20
        _setrlimit(resource.RLIMIT_STACK, stack, stack)
        if self.cgroup is not None:
            self.cgroup.join()
        else:  # Best effort without a cgroup; see cgroup.py.
            if self.rlimit_as:
                # Address space, not memory: some runtimes (Ruby) reserve the whole stack
                # rlimit up front, and shared libraries need room too.
                space = lim.memory_mb * 2**20 + stack + _LIBRARY_SPACE
                _setrlimit(resource.RLIMIT_AS, space, space)
            nproc = len(os.listdir("/proc")) + lim.processes
            _setrlimit(resource.RLIMIT_NPROC, nproc, nproc)


def _setrlimit(which: int, soft: int, hard: int) -> None:
    try:
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):  # above the inherited hard limit: keep the stricter one
        resource.setrlimit(which, (min(soft, resource.getrlimit(which)[1]),) * 2)


def _wait(
    proc: subprocess.Popen, limits: RunLimits, cgroup: Cgroup | None
) -> tuple[int, str | None]:
    """Wait for `proc`, killing its whole tree at the wall-clock deadline or, where a cgroup
    counts it, as soon as the tree's CPU time passes the limit. Returns the wait status and
    what stopped the run: "wall", "cpu", or None when it ended by itself.

    The CPU check is ours rather than RLIMIT_CPU's because the kernel checks that rlimit
    against tick-sampled time, which on a busy (virtual) machine runs ahead of the cgroup's
    exact count: a run could die of SIGXCPU with its measured time under the limit."""
    deadline = time.monotonic() + limits.wall_s
    stopped = None
    exited = _ExitWatch(proc.pid)
    try:
        # WNOWAIT leaves the exited leader a zombie: its pid, and so its process group id,
        # stay taken until we reap it below. Reaping first would let another run's process
        # take the pid (pid_max is often 32768, and JVM threads use pids too) and die by
        # our killpg.
        while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            now = time.monotonic()
            if now >= deadline:
                stopped = "wall"
                break
            if cgroup is not None and (cgroup.cpu_seconds() or 0.0) > limits.cpu_s:
                stopped = "cpu"  # the verdict reads the same count: TIME_LIMIT
                break
            exited.wait(min(deadline - now, CPU_CHECK_S))
    finally:
        exited.close()
    # Whatever the program left behind (daemons, orphans) dies with it.
    _kill_tree(proc.pid, cgroup)
    _, status = os.waitpid(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # we reaped it, not Popen
    return status, stopped


class _ExitWatch:
    """Sleeps until a process exits or a timeout passes. A pidfd (Linux 5.3+) wakes us the
    moment it exits, so a run that takes 3 ms costs 3 ms; without one, sleeps that double
    from 0.5 ms up to CPU_CHECK_S."""

    def __init__(self, pid: int):
        self.delay = 0.0005
        try:
            self.fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.fd = None
        if self.fd is not None:
            self.poll = select.poll()
            self.poll.register(self.fd, select.POLLIN)

    def wait(self, timeout_s: float) -> None:
        if self.fd is not None:
            self.poll.poll(max(1, math.ceil(timeout_s * 1000)))
        else:
            time.sleep(min(self.delay, timeout_s))
            self.delay = min(self.delay * 2, CPU_CHECK_S)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _kill_tree(pgid: int, cgroup: Cgroup | None) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if cgroup is not None:
        cgroup.kill()


def _read(path: Path, limit: int) -> bytes:
    with open(path, "rb") as f:
        return f.read(limit)


def _read_tail(path: Path, keep: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - keep))
        return f.read()
