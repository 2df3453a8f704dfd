"""A Python interpreter started once per sandbox session and forked for each Python run.

Starting /usr/bin/python3 costs about 8 ms here before a program's first line; a test run
of a short program is mostly that. The supervisor (supervisor.py) starts this file as
`python3 zygote.py` with the runs' environment, so this interpreter starts exactly as a
program's would (same executable, flags, environment, site). For each run it is asked for,
it forks and goes through the supervisor's own steps (`supervisor._run`: new namespaces,
PID 1, the run's cgroup, mounts, stdio, rlimits, no_new_privs), and then, instead of
exec'ing `python3 main.py`, the run's process makes itself what that exec would have made:

- capabilities dropped (a process that execs as uid 65534 loses those it held in its new
  user namespace; one that does not exec must drop them itself, or it could unmount the
  covers over other runs' files) and dumpable again, as after an exec;
- `__main__` a fresh module for /box/main.py, `sys.argv`, `sys.orig_argv` and `sys.path[0]`
  as `python3 main.py` sets them; stdin, stdout and stderr the run's files (the
  interpreter's own stdio objects, never read or written here, now over them);

and runs the program. An uncaught exception is reported by `sys.excepthook`, a SystemExit
makes the same status, and the exit does what the interpreter's does, in its order, but for
tearing the interpreter down (`_finish`).

What differs from a fresh interpreter: modules this file imports (atexit, ctypes, gc,
json, signal, the supervisor's) are already in sys.modules; the string hash seed is the
zygote's, the same for every run of the session (a fresh interpreter draws one per run:
programs whose output depends on set order were flaky, and are stable within a session);
and the pages the run shares with the zygote are not charged to the run's cgroup (about
2 MB less than an exec'd run counts). Where a run's environment or command differs from
the zygote's, the supervisor execs it as before.
"""

import atexit
import ctypes
import gc
import json
import os
import signal
import sys

import supervisor  # this file's directory is sys.path[0]

PR_SET_DUMPABLE = 4
CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]


def _become(req: dict) -> None:
    """C: what exec would have done to the process (see the module's doc)."""
    header, data = _CapHeader(CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    supervisor._check(supervisor.libc.capset(ctypes.byref(header), data), "drop capabilities")
    supervisor._check(supervisor.libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")


def _serve(requests: int, replies: int) -> dict:
    """Answer the supervisor's requests; returns only in a run's process, with its request."""
    supervisor._check(supervisor.libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "not dumpable")
    # closefd=False: a run's process has closed these descriptors; nothing may close them again
    reader = os.fdopen(requests, "rb", closefd=False)
    writer = os.fdopen(replies, "wb", closefd=False)
    for line in reader:
        req = json.loads(line)
        reply = supervisor._run(req, become=_become)
        if reply is None:
            return req
        writer.write(json.dumps(reply).encode() + b"\n")
        writer.flush()
    os._exit(0)


def _excepthook(kind, value, tb) -> None:
    """The interpreter's own report, without this file's frame."""
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    sys.__excepthook__(kind, value.with_traceback(tb), tb)


def _exit_status(exit: SystemExit) -> int:
    """The exit status the interpreter makes of an uncaught SystemExit."""
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code & 0xFF
    try:
        print(exit.code, file=sys.stderr)
    except Exception:  # noqa: BLE001
        pass
    return 1


def _finish(code: int) -> None:
    """The interpreter's exit, in its order (Py_FinalizeEx): wait for the program's
    non-daemon threads, run atexit, flush stdout and stderr (120 where that fails), then
    the program's own objects go (its __main__ cleared: open files flush and close), and
    the process ends without tearing the interpreter down. Tearing it down writes to every
    page the zygote shared with this process, which costs 4 ms here, as much as the rest of
    a short run."""
    if "threading" in sys.modules:
        sys.modules["threading"]._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: BLE001 - as the interpreter: "Exception ignored", 120
            code = 120
    sys.modules["__main__"].__dict__.clear()
    gc.collect()
    for stream in (sys.stdout, sys.stderr):  # what closing the program's objects printed
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: BLE001
            pass
    if code < 0:  # KeyboardInterrupt: the interpreter ends by the signal itself
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code)


_req = _serve(int(sys.argv[1]), int(sys.argv[2]))
_path = os.path.abspath(_req["argv"][1])
try:
    with open(_path, "rb") as _file:
        _source = _file.read()
except OSError as _err:  # as python3 says it
    os.write(2, f"{_req['argv'][0]}: can't open file {_path!r}: [Errno {_err.errno}] "
                f"{_err.strerror}\n".encode())  # fmt: skip
    os._exit(2)
_main = type(sys)("__main__")
_main.__file__, _main.__builtins__, _main.__cached__ = _path, __builtins__, None
_main.__loader__ = sys.modules["_frozen_importlib_external"].SourceFileLoader("__main__", _path)
sys.modules["__main__"] = _main
sys.argv, sys.orig_argv = list(_req["argv"][1:]), list(_req["argv"])
sys.path[0] = os.path.dirname(_path)
sys.excepthook = _excepthook
del _req, _file
try:
    exec(compile(_source, _path, "exec", dont_inherit=True), _main.__dict__)
    _code = 0
except SystemExit as _exit:
    _code = _exit_status(_exit)
except BaseException as _error:  # noqa: BLE001 - reported as the interpreter reports it
    sys.excepthook(type(_error), _error, _error.__traceback__)
    _code = -signal.SIGINT if isinstance(_error, KeyboardInterrupt) else 1
_finish(_code)
