"""The trusted process inside a sandbox session (see `session.py`): it starts each run.

This file is not imported by the toolkit: `session.py` runs it with `/usr/bin/python3 -I
-S` inside bubblewrap, so it uses the standard library only and sees the machine as the
sandbox does. It reads one JSON request per line on stdin
and answers one JSON line per request on stdout, in order.

Each run starts like this (A, B and C are processes; the session's outer sandbox already
has no network, no home, read-only system paths, see `sandbox.py`):

- A (forked from here) makes itself a new user, mount, PID, IPC and UTS namespace, with
  the sandbox user (65534) mapped to itself: it holds capabilities only over those, and
  only until the program's exec.
- B (A's child) is PID 1 of the new PID namespace: it joins the run's cgroup(s) and then a
  new cgroup namespace, mounts its own /proc (with /proc/sys and the like read-only, as
  bubblewrap leaves them), a fresh /tmp and /dev/shm, binds the run's work dir at /box
  (read-only unless the run may write), and covers the session's directory (every other
  run's files) and the cgroup files with empty read-only mounts. It opens the run's stdio,
  forks C, reaps every process of the namespace, and exits with C's status; when PID 1
  exits, the kernel kills whatever is left in the namespace.
- C gets its own session (and session keyring), rlimits and no_new_privs, every other
  descriptor closed, the signals Python ignores back to their defaults, and execs the
  program as uid 65534 with the request's environment. Being uid 65534 inside its
  namespace, it keeps no capability across the exec.

A request with `zygote` (a Python script's run) goes to a Python interpreter started once for
the session, which goes through these same steps and then runs the script without an exec
(zygote.py).

A request with `detach` is answered once its program has started (the host keeps it for
many requests: a compile server, see `verify/compile_server.py`), and its A is reaped when
it ends; the host talks to it through FIFOs as its stdio and ends it by killing its cgroup.

Why the program cannot reach this process: it is not in the program's PID namespace (no
pid to signal or to open), and this process and its forks are not dumpable, so its /proc
entries (fds, memory) need a capability the program does not have in this namespace. The
host measures CPU and memory from the cgroup and enforces the time limits; this process
only reports how the run ended, or why it could not start it.
"""

import ctypes
import json
import os
import resource
import signal
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 4, 38
KEYCTL_JOIN_SESSION_KEYRING = 1
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}.get(os.uname().machine)
UID = 65534
PROC_READ_ONLY = ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus")

libc = ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source, target, fstype, flags, data=None) -> None:
    def arg(s):
        return None if s is None else s.encode()

    _check(libc.mount(arg(source), arg(target), arg(fstype), flags, arg(data)), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _namespaces() -> None:
    """A: the run's own namespaces, this process the sandbox user in them."""
    _check(
        libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS),
        "unshare",
    )
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{UID} {UID} 1")
    _write("/proc/self/gid_map", f"{UID} {UID} 1")


def _filesystem(req: dict) -> None:
    """B: the run's view of the files."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)  # this namespace's pids
    for path in PROC_READ_ONLY:  # as bwrap leaves them for a single run
        if os.path.exists(path):
            _mount(path, path, None, MS_BIND | MS_REC)
            _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    for path in ("/tmp", "/dev/shm"):
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
    _mount(req["box"], "/box", None, MS_BIND | MS_REC)
    if not req["writable"]:
        _mount(None, "/box", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    for path in req["hide"]:
        _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0555")


def _stdio(req: dict) -> tuple[int, int, int]:
    if req.get("secret") is not None:  # a short secret on a pipe, read once (sandbox.py)
        fin, write = os.pipe()
        os.write(write, req["secret"].encode("latin-1"))
        os.close(write)
    else:
        fin = os.open(req["stdin"] or os.devnull, os.O_RDONLY)
    fout = os.open(req["stdout"], os.O_WRONLY | os.O_TRUNC)
    ferr = os.open(req["stderr"], os.O_WRONLY | os.O_TRUNC)
    return fin, fout, ferr


def _prepare(req: dict, fds: tuple[int, int, int]) -> None:
    """C: everything of the run's process but the program itself."""
    os.setsid()
    if SYS_KEYCTL is not None:  # a new, empty session keyring: nothing kept for the next run
        libc.syscall(SYS_KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, None)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    os.closerange(3, 1 << 16)
    for which, soft, hard in req["rlimits"]:
        resource.setrlimit(which, (soft, hard))
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    os.chdir("/box")


def _exec(req: dict) -> None:
    """C: become the program."""
    for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):  # as Python found them
        signal.signal(sig, signal.SIG_DFL)
    argv, env = req["argv"], req["env"]
    try:
        os.execvpe(argv[0], argv, env)  # searches env's PATH, as bwrap's execvp does
    except OSError as err:
        os.write(2, f"psft-sandbox: cannot run {argv[0]}: {err}\n".encode())
    os._exit(127)


def _failed(report: int, err: BaseException) -> None:
    """A or B: say why the run could not start, and end."""
    try:
        os.write(report, f"{type(err).__name__}: {err}".encode())
    finally:
        os._exit(127)


def _init(req: dict, report: int, become) -> None:
    """B: PID 1 of the run's namespace. Returns only in C, where `become` returned."""
    try:
        for procs in req["cgroups"]:
            _write(procs, "0")
        _check(libc.unshare(CLONE_NEWCGROUP), "unshare cgroup")
        fds = _stdio(req)
        _filesystem(req)
        child = os.fork()
    except BaseException as err:  # noqa: BLE001 - any failure means "did not start"
        _failed(report, err)
    if child == 0:
        try:
            _prepare(req, fds)
        except BaseException:  # noqa: BLE001
            os._exit(127)
        become(req)
        return
    for fd in fds:
        os.close(fd)
    os.close(report)  # everything that could fail before the program has been done
    while True:
        pid, status = os.wait()
        if pid == child:
            os._exit(_exit_code(status))


def _start(req: dict, report: int, become) -> None:
    """A: namespaces, then B; exits with B's status. Returns only in C."""
    try:
        _namespaces()
        child = os.fork()
    except BaseException as err:  # noqa: BLE001
        _failed(report, err)
    if child == 0:
        _init(req, report, become)
        return
    os.close(report)
    _, status = os.waitpid(child, 0)
    os._exit(_exit_code(status))


_detached: set[int] = set()  # long-lived runs (a compile server): reaped once they end


def _reap() -> None:
    for pid in list(_detached):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            _detached.discard(pid)


def _run(req: dict, become=_exec) -> dict | None:
    """Start one run; answer when it has ended, or (`detach`) once it has started: the host
    then talks to it through its stdio (FIFOs) and ends it by killing its cgroup.

    C, the run's process, calls `become(req)`: `_exec` execs the program; a `become` that
    returns (zygote.py's) makes this function return None in C, which then is the program.
    """
    _reap()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
        except BaseException as err:  # noqa: BLE001
            _failed(write, err)
        _start(req, write, become)
        return None
    os.close(write)
    if req.get("detach"):  # the report pipe closes at the program's exec (or its failure)
        with os.fdopen(read, "rb") as f:
            error = f.read().decode("utf-8", "replace")
        _detached.add(pid)
        return {"started": False, "error": error} if error else {"started": True}
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as f:
        error = f.read().decode("utf-8", "replace")
    if error:
        return {"started": False, "error": error}
    return {"started": True, "exit_code": _exit_code(status)}


# Zygotes (zygote.py), by command and environment; None: it failed, runs of it are exec'd.
_zygotes: dict[str, tuple | None] = {}


def _start_zygote(python: str, env: dict) -> tuple | None:
    requests, to_zygote = os.pipe()
    from_zygote, replies = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            null = os.open(os.devnull, os.O_RDWR)
            fds = [os.dup(fd) for fd in (null, null, 2, requests, replies)]  # all above 4
            for target, fd in enumerate(fds):
                os.dup2(fd, target)  # inheritable
            os.closerange(5, 1 << 16)
            for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):  # as for a program
                signal.signal(sig, signal.SIG_DFL)
            code = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")
            os.execvpe(python, [python, code, "3", "4"], env)
        finally:
            os._exit(127)
    for fd in (requests, replies):
        os.close(fd)
    return pid, os.fdopen(to_zygote, "wb"), os.fdopen(from_zygote, "rb")


def _zygote_run(req: dict) -> dict | None:
    """The run, started by the zygote for its command and environment (started on first
    use); None where there is none (not `python3 script`, or it failed): then `_run`."""
    argv = req["argv"]
    if len(argv) != 2 or argv[1].startswith("-") or req.get("detach"):
        return None
    key = json.dumps([argv[0], req["env"]], sort_keys=True)
    if key not in _zygotes:
        _zygotes[key] = _start_zygote(argv[0], req["env"])
    zygote = _zygotes[key]
    if zygote is None:
        return None
    pid, writer, reader = zygote
    try:
        writer.write(json.dumps(req).encode() + b"\n")
        writer.flush()
        line = reader.readline()
    except OSError:
        line = b""
    if not line:  # it is gone: runs of this command are exec'd from now on
        print(f"psft-sandbox: the zygote for {argv[0]} ended", file=sys.stderr, flush=True)
        _zygotes[key] = None
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return None
    return json.loads(line)


def main() -> None:
    _check(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "not dumpable")
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        reply = (_zygote_run(req) if req.get("zygote") else None) or _run(req)
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
