"""Compile servers: a PL's compiler kept warm inside a sandbox session.

javac spends about 0.30 s of a small program's 0.32 s compile starting and warming its
JVM; the same javac in a JVM that stays up takes about 15 ms (scalac: 1.4 s and 0.3 s).
A session (session.py) starts the PL's server (`languages.base.CompileServer`) at its
first compile, as a long-lived run of its own: its own namespaces and cgroup, the
session's work dirs at /box, FIFOs for stdin and stdout. Each compile is then a request
line and a reply.

What keeps this as safe as a compile per sandbox: the server only compiles (javac with
-proc:none, which the server insists on, and scalac run nothing of the program; neither
gets a compiler plugin), runs with the sandbox's limits (the cgroup, the
rlimits but a CPU limit of its own, each compile's wall and CPU deadline checked here),
and sees only this worker's work dirs. Programs' runs never see it: each run has its own
namespaces and only its own work dir (supervisor.py).

What keeps verdicts the same: the server is the PL's own compiler with the same arguments,
its messages name files as the command's would (paths relative to the work dir), and
anything unusual (it cannot start, dies, passes a deadline, fails itself, cannot take the
arguments) sends that compile to the `compile` command instead, as before; a server that
failed `MAX_FAILURES` times is not started again in that session. `PSFT_COMPILE_SERVERS=0`
turns servers off (every compile runs the command, as without sessions).
"""

from __future__ import annotations

import logging
import os
import select
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..languages.base import CompileServer
from .limits import RunLimits
from .sandbox import CPU_CHECK_S, STDERR_KEEP, Execution

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger(__name__)
SERVERS = Path(__file__).resolve().parent.parent / "languages" / "servers"
DIR = ".psft-servers"  # under the session's root: the servers' programs, FIFOs and logs
MAX_FAILURES = 3
SERVER_CPU_S = 6 * 3600.0  # the server's RLIMIT_CPU (it is restarted when it passes it)


def compile_with_server(
    session: Session,
    spec: CompileServer,
    argv: Sequence[str],
    *,
    box: Path,
    scratch: Path,
    limits: RunLimits,
    values: Mapping[str, str],
) -> Execution | None:
    """The compile `argv` of the program in `box`, done by `spec`'s server in `session`
    (started with the command templates' `values` where it is not running yet); None where
    the server could not do it (then run the `compile` command)."""
    if os.environ.get("PSFT_COMPILE_SERVERS", "1") == "0":
        return None
    failures = session.server_failures.get(spec, 0)
    server = session.servers.get(spec)
    if server is None:
        if failures >= MAX_FAILURES:
            return None
        server = Server(session, spec)
        if not server.start(limits, values):
            session.server_failures[spec] = failures + 1
            return None
        session.servers[spec] = server
    result = server.compile(argv, box=box, scratch=scratch, limits=limits)
    if result is None:
        session.servers.pop(spec, None)
        server.close()
        session.server_failures[spec] = failures + 1
    return result


class Server:
    """One running compile server, and the host's ends of its FIFOs."""

    def __init__(self, session: Session, spec: CompileServer):
        self.session, self.spec = session, spec
        self.cgroup = None
        self.fds: tuple[int, int] | None = None  # (requests, replies)
        self._pending = b""

    def start(self, limits: RunLimits, values: Mapping[str, str]) -> bool:
        session, name = self.session, f"{Path(self.spec.source).stem}-{id(self)}"
        home = session.root / DIR
        fifos = home / f"{name}.in", home / f"{name}.out"
        self.paths = (*fifos, home / f"{name}.log")
        try:
            home.mkdir(exist_ok=True)
            shutil.copyfile(SERVERS / self.spec.source, home / self.spec.source)
            for fifo in fifos:
                os.mkfifo(fifo, 0o666)
            # Ours first, so that neither open blocks: requests read-write (the server reads
            # them), replies without blocking (a FIFO shows its end once a writer has left).
            self.fds = (os.open(fifos[0], os.O_RDWR),
                        os.open(fifos[1], os.O_RDONLY | os.O_NONBLOCK))  # fmt: skip
            self.paths[2].write_bytes(b"")
            self.cgroup = session.cgroups.create(limits.memory_mb, limits.processes)
        except OSError as err:
            log.warning("cannot start the %s compile server: %s", self.spec.source, err)
            self.close()
            return False
        server = f"{DIR}/{self.spec.source}"
        argv = [arg.format(**values, server=server) for arg in self.spec.start]
        error = session.detach(
            argv,
            box=session.root,
            stdin=fifos[0],
            stdout=fifos[1],
            stderr=self.paths[2],
            limits=replace(limits, cpu_s=SERVER_CPU_S),
            cgroup=self.cgroup,
        )
        if error is not None:
            log.warning("cannot start the %s compile server: %s", self.spec.source, error)
            self.close()
            return False
        return True

    def compile(
        self, argv: Sequence[str], *, box: Path, scratch: Path, limits: RunLimits
    ) -> Execution | None:
        assert self.fds is not None and self.cgroup is not None
        workdir = str(box.resolve().relative_to(self.session.root))
        args = self.spec.request(argv, workdir)
        if args is None or any("\t" in a or "\n" in a for a in args):
            return None
        start = time.monotonic()
        cpu_start = self.cgroup.cpu_seconds() or 0.0
        os.write(self.fds[0], "\t".join(args).encode() + b"\n")
        reply = self._reply(start + limits.wall_s, cpu_start + limits.cpu_s)
        wall = time.monotonic() - start
        if reply is None or reply[0] > 2:  # no answer in time, or javac itself failed
            return None
        code, printed = reply
        printed = printed.replace(f"{workdir}/".encode(), b"")  # as the command names files
        scratch.mkdir(parents=True, exist_ok=True)
        (scratch / "stdout").write_bytes(b"")
        (scratch / "stderr").write_bytes(printed)
        return Execution(
            started=True,
            exit_code=code,
            timed_out=False,
            cpu_s=(self.cgroup.cpu_seconds() or 0.0) - cpu_start,
            wall_s=wall,
            peak_memory_mb=self.cgroup.peak_memory_mb() or 0.0,
            oom_killed=False,
            output_limited=False,
            stdout=b"",
            stderr=printed[-STDERR_KEEP:],
        )

    def _reply(self, deadline: float, cpu_deadline: float) -> tuple[int, bytes] | None:
        """The reply "<code> <n>\\n" + n bytes, or None: the server ended, or passed the
        compile's wall or CPU deadline."""
        assert self.fds is not None and self.cgroup is not None
        while True:
            head, newline, body = self._pending.partition(b"\n")
            if newline:
                try:
                    code, size = (int(field) for field in head.split(b" "))
                except ValueError:
                    return None  # not the protocol: treat as a failed server
                if len(body) >= size:
                    self._pending = body[size:]
                    return code, body[:size]
            now = time.monotonic()
            if now >= deadline or (self.cgroup.cpu_seconds() or 0.0) > cpu_deadline:
                return None
            ready, _, _ = select.select([self.fds[1]], [], [], min(deadline - now, CPU_CHECK_S))
            if ready:
                try:
                    chunk = os.read(self.fds[1], 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    return None
                self._pending += chunk

    def close(self) -> None:
        if self.cgroup is not None:
            self.cgroup.kill()
            self.cgroup.remove()
            self.cgroup = None
        for fd in self.fds or ():
            os.close(fd)
        self.fds = None
        for path in getattr(self, "paths", ()):
            path.unlink(missing_ok=True)
