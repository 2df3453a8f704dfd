"""A sandbox session: one bubblewrap sandbox for all the runs of one program.

A program is compiled once and run once per test; starting bubblewrap for each of those
runs costs about 6 ms, the cgroup and launcher another 5 (`benchmarks/language_costs.py`).
A session starts bubblewrap once, with a small trusted supervisor inside
(`supervisor.py`), and asks it for each run. The supervisor gives every run new user,
mount, PID, IPC, UTS and cgroup namespaces of its own, a fresh /tmp and /dev/shm, only its
own work dir at /box, and its own cgroup, and every process of a run is dead before the
next starts (PID 1 of its namespace has exited, and its cgroup is empty). So a run sees
nothing of the runs before it, exactly as with a sandbox per run, and the program cannot
reach the supervisor (see supervisor.py for why).

What stays with the host, as for a single run (`Sandbox.execute`): the cgroup (created,
measured, killed and removed here), the wall-clock deadline and the CPU check, the
program's stdio files, the verdict. The supervisor only starts runs and says how they
ended, so a program that fooled it could not change what is measured.

Sessions need nested user namespaces (Linux allows them by default; some hardened kernels
and AppArmor profiles do not), a writable cgroup and /usr/bin/python3. Where any is
missing, or a session fails once, runs go back to one sandbox each, with a warning.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..languages.base import CompileServer, Toolchain
from .cgroup import Cgroup
from .limits import RunLimits
from .sandbox import (
    BOX,
    CPU_CHECK_S,
    Execution,
    Sandbox,
    bwrap_mounts,
    collect,
    not_started,
    run_env,
    run_rlimits,
    writable_mounts,
)

if TYPE_CHECKING:
    from .compile_server import Server

log = logging.getLogger(__name__)
PYTHON = "/usr/bin/python3"  # the system's: the toolkit's own may live in a hidden home
ROOT = "/psft-session"  # the session's directory inside the sandbox
CGROUPS = "/psft-cgroup"  # the cgroup bases, bound at CGROUPS/0, /1, ...
CODE = "/psft-code"  # supervisor.py's directory
START_TIMEOUT_S = 10.0
_SUPERVISOR = Path(__file__).parent / "supervisor.py"
_broken: list[str] = []  # why sessions failed in this process (then they are not tried)


KEEP = 8  # sessions kept open per process (one per toolchain and set of paths in use)
_sessions: OrderedDict[tuple, Session] = OrderedDict()
_work_root: list[Path] = []


def work_root() -> Path:
    """This process's directory for programs' work dirs, and its sessions' root: the only
    host directory a session binds (and every run covers again)."""
    if not _work_root:
        _work_root.append(Path(tempfile.mkdtemp(prefix=f"psft-worker-{os.getpid()}-")))
        atexit.register(_cleanup, os.getpid())
    return _work_root[0]


def _forget() -> None:
    """In a forked child: the parent's sessions and directory stay the parent's."""
    _sessions.clear()
    _work_root.clear()


os.register_at_fork(after_in_child=_forget)


def session_for(
    sandbox: Sandbox, root: Path, toolchain: Toolchain, ro_paths: Sequence[str]
) -> Session | None:
    """The open session for runs under `root` with these paths, started on first use; or
    None where sessions cannot work here (then use `sandbox.execute`). Sessions stay open
    for the next program (a run's namespaces are its own, see the module's doc); the
    least recently used is closed past KEEP."""
    usable = sandbox.isolate and sandbox.sessions and sandbox.cgroups is not None
    if not usable or _broken or not os.path.exists(PYTHON):
        return None
    key = (id(sandbox), str(root), toolchain, tuple(ro_paths), threading.get_ident())
    session = _sessions.get(key)
    if session is not None and session.proc is not None:
        _sessions.move_to_end(key)
        return session
    session = Session(sandbox, root, toolchain, ro_paths)
    if not session.start():
        return None
    _sessions[key] = session
    while len(_sessions) > KEEP:
        _sessions.popitem(last=False)[1].close()
    return session


def close_sessions() -> None:
    while _sessions:
        _sessions.popitem()[1].close()


def _cleanup(pid: int) -> None:
    if pid != os.getpid():
        return
    close_sessions()
    for root in _work_root:
        shutil.rmtree(root, ignore_errors=True)


class Session:
    def __init__(self, sandbox: Sandbox, root: Path, toolchain: Toolchain, ro_paths: Sequence[str]):
        assert sandbox.cgroups is not None
        self.sandbox, self.root, self.toolchain = sandbox, root.resolve(), toolchain
        self.cgroups = sandbox.cgroups
        self.ro_paths = tuple(ro_paths)
        self.proc: subprocess.Popen | None = None
        self._pending = b""
        # Compile servers running in this session, and how often each failed (compile_server.py).
        self.servers: dict[CompileServer, Server] = {}
        self.server_failures: dict[CompileServer, int] = {}

    def start(self) -> bool:
        cmd = ["bwrap", "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc"]
        cmd += ["--unshare-uts", *bwrap_mounts(self.toolchain, self.ro_paths, host_proc=True)]
        cmd += ["--bind", str(self.root), ROOT, "--dir", BOX]
        cmd += ["--ro-bind", str(_SUPERVISOR.parent), CODE]
        for index, base in enumerate(self.cgroups.bases):
            cmd += ["--bind", str(base), f"{CGROUPS}/{index}"]
        for path in ("/", *writable_mounts()):  # a run writes only its own /tmp, /dev/shm, /box
            cmd += ["--remount-ro", path]
        cmd += ["--clearenv", "--", PYTHON, "-I", "-S", f"{CODE}/{_SUPERVISOR.name}"]
        log_path = self.log_path = self.root / f".session-{id(self)}.log"
        try:
            with open(log_path, "wb") as log_file:
                self.proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log_file,
                    bufsize=0,
                    start_new_session=True,
                )
        except OSError as err:
            return self._fail(f"cannot start bwrap: {err}")
        reply = self._reply(time.monotonic() + START_TIMEOUT_S)
        if reply is None or not reply.get("ready"):
            return self._fail(f"the supervisor did not start: {_tail(log_path)}")
        return True

    def _fail(self, why: str) -> bool:
        if not _broken:
            log.warning("sandbox sessions off, one sandbox per run instead: %s", why)
        _broken.append(why)
        self.close()
        return False

    def inside(self, path: Path) -> str:
        """`path` (under the session's root) as the sandbox sees it."""
        return f"{ROOT}/{Path(path).resolve().relative_to(self.root)}"

    def execute(
        self,
        argv: Sequence[str],
        *,
        box: Path,
        scratch: Path,
        limits: RunLimits,
        stdin: Path | bytes | None = None,
        env: Mapping[str, str] | None = None,
        writable: bool = False,
        zygote: bool = False,
    ) -> Execution:
        """As `Sandbox.execute`, for a `box` and `stdin` under the session's root. `zygote`:
        a `python3 script` run, which the session's Python zygote may start (zygote.py)."""
        if self.proc is None:
            return not_started("the sandbox session has ended")
        scratch.mkdir(parents=True, exist_ok=True)
        for name in ("stdout", "stderr"):
            (scratch / name).write_bytes(b"")
        try:
            cgroup = self.cgroups.create(limits.memory_mb, limits.processes)
        except OSError as err:
            return not_started(f"cannot create the run's cgroup: {err}")
        try:
            request = self._request(argv, box, stdin, scratch / "stdout", scratch / "stderr",
                                    cgroup, limits, env, writable)  # fmt: skip
            request["zygote"] = zygote and os.environ.get("PSFT_ZYGOTE", "1") != "0"
            start = time.monotonic()
            if not self._send(request):
                return not_started("the sandbox session failed")
            reply, stopped = self._wait(start, limits, cgroup)
            wall = time.monotonic() - start
            if reply is None:
                self._fail(f"the supervisor stopped answering: {_tail(self.log_path)}")
                return not_started("the sandbox session failed")
            if not reply["started"]:
                self._fail(reply["error"])
                return not_started(f"the sandbox session could not start the run: {reply['error']}")
            cgroup.kill()  # PID 1 of the run has exited; this only waits for the zombies
            return collect(True, reply["exit_code"], stopped == "wall", wall, cgroup, scratch,
                           limits)  # fmt: skip
        finally:
            cgroup.remove()

    def detach(
        self,
        argv: Sequence[str],
        *,
        box: Path,
        stdin: Path,
        stdout: Path,
        stderr: Path,
        limits: RunLimits,
        cgroup: Cgroup,
    ) -> str | None:
        """Start a long-lived run (a compile server) in `cgroup`, with FIFOs under the
        session's root as its stdin and stdout, and `box` writable; the caller talks to it
        and ends it by killing `cgroup`. None once it has started, else why not."""
        if self.proc is None:
            return "the sandbox session has ended"
        request = self._request(argv, box, stdin, stdout, stderr, cgroup, limits, None, True)
        if not self._send({**request, "detach": True}):
            return "the sandbox session failed"
        reply = self._reply(time.monotonic() + START_TIMEOUT_S)
        if reply is None:
            self._fail(f"the supervisor stopped answering: {_tail(self.log_path)}")
            return "the sandbox session failed"
        return None if reply["started"] else reply["error"]

    def _request(self, argv, box, stdin, stdout, stderr, cgroup, limits, env, writable) -> dict:
        return {
            "argv": list(argv),
            "env": run_env(self.toolchain, env),
            "box": self.inside(box),
            "writable": writable,
            "stdin": self.inside(stdin) if isinstance(stdin, Path) else None,
            "secret": stdin.decode("latin-1") if isinstance(stdin, bytes) else None,
            "stdout": self.inside(stdout),
            "stderr": self.inside(stderr),
            "cgroups": [
                f"{CGROUPS}/{i}/{path.parent.name}/{path.name}"
                for i, path in enumerate(cgroup.joins)
            ],  # fmt: skip
            "rlimits": [[which, soft, hard] for _, which, soft, hard in run_rlimits(limits)],
            "hide": [ROOT, CGROUPS, CODE],
        }

    def _send(self, request: dict) -> bool:
        try:
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
            return True
        except OSError as err:
            self._fail(f"the supervisor is gone: {err}")
            return False

    def _wait(self, start: float, limits: RunLimits, cgroup) -> tuple[dict | None, str | None]:
        """The supervisor's reply, killing the run's cgroup at the deadline or once its CPU
        time passes the limit (as `sandbox._wait`); and what stopped it, if anything."""
        deadline = start + limits.wall_s
        stopped = None
        while stopped is None:
            now = time.monotonic()
            reply = self._reply(min(deadline, now + CPU_CHECK_S), missing_ok=True)
            if reply is not None:
                return reply, None
            if self.proc is None:
                return None, None
            if time.monotonic() >= deadline:
                stopped = "wall"
            elif (cgroup.cpu_seconds() or 0.0) > limits.cpu_s:
                stopped = "cpu"
        cgroup.kill()
        return self._reply(time.monotonic() + START_TIMEOUT_S), stopped

    def _reply(self, until: float, missing_ok: bool = False) -> dict | None:
        """One reply line, waiting until `until`; None when none came (and then, unless
        `missing_ok`, or when the supervisor is gone, the session is over)."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._pending:
            left = until - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(0.0, left))
            chunk = os.read(fd, 65536) if ready else None
            if chunk == b"" or (chunk is None and not missing_ok):
                self.close()  # the supervisor is gone, or did not answer in time
                return None
            if chunk is None:
                return None
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return json.loads(line)

    def close(self) -> None:
        while self.servers:
            self.servers.popitem()[1].close()
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=1.0)
        except (OSError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _tail(path: Path, keep: int = 400) -> str:
    try:
        return path.read_text(errors="replace")[-keep:].strip()
    except OSError:
        return ""
