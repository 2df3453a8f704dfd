"""The Python zygote (verify/zygote.py): a run forked from a pre-started interpreter behaves
as `python3 main.py` exec'd in the same sandbox, holds no capability, and keeps nothing
from one run for the next."""

from __future__ import annotations

import json
import os
import signal
from collections import OrderedDict
from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES
from parallel_sft.records import Status
from parallel_sft.verify import session as session_module
from parallel_sft.verify.limits import Limits
from parallel_sft.verify.runner import verify_program
from parallel_sft.verify.sandbox import Sandbox, run_env

from ..conftest import make_problem
from .test_sandbox import PROBE, REPO

PYTHON = LANGUAGES["python"]


@pytest.fixture
def session(monkeypatch, tmp_path):
    monkeypatch.setattr(session_module, "_sessions", OrderedDict())
    monkeypatch.setattr(session_module, "_broken", [])
    found = session_module.session_for(Sandbox(), tmp_path, PYTHON.find_toolchain(), ())
    assert found is not None, session_module._broken
    yield found
    session_module.close_sessions()


def _run(session, tmp_path: Path, code: str, *, zygote: bool, stdin: str = "", name="run"):
    box = tmp_path / f"box-{name}"
    box.mkdir(exist_ok=True)
    (box / "main.py").write_text(code)
    (tmp_path / f"in-{name}").write_text(stdin)
    limits = Limits(time_s=2.0, memory_mb=256).for_run(PYTHON)
    argv = [arg.format(src="main.py") for arg in PYTHON.run]
    return session.execute(argv, box=box, scratch=tmp_path / f"out-{name}", limits=limits,
                           stdin=tmp_path / f"in-{name}", env=dict(PYTHON.env),
                           zygote=zygote)  # fmt: skip


def _zygotes(session) -> list[int]:
    """The pids of the session's zygotes: processes under its bubblewrap running zygote.py."""
    found, todo = [], [session.proc.pid]
    while todo:
        pid = todo.pop()
        try:
            for task in Path(f"/proc/{pid}/task").glob("*"):
                todo += [int(c) for c in (task / "children").read_text().split()]
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:  # it has just ended
            continue
        if any(arg.endswith(b"/zygote.py") for arg in cmdline):
            found.append(pid)
    return found


PROGRAMS = {
    "exit code": "import sys\nprint('a')\nsys.exit(3)",
    "exit message": "import sys\nsys.exit('bye')",
    "exit builtin": "print(1)\nexit()",  # site's
    "exception": "def f():\n    raise ValueError('no')\n\nf()",
    "keyboard interrupt": "raise KeyboardInterrupt",
    "os._exit": "import os\nprint('flushed', flush=True)\nos._exit(5)",
    "atexit": "import atexit\natexit.register(lambda: print('at exit'))\nprint('main')",
    "thread": (
        "import threading, time\ndef w():\n    time.sleep(0.05)\n    print('thread')\n"
        "threading.Thread(target=w).start()\nprint('main')"
    ),
    "unclosed file": "f = open(1, 'w', closefd=False)\nf.write('via fd 1\\n')",
    "names": (
        "import sys, os\nprint(__name__, __file__, sys.argv, sys.orig_argv, sys.path[0],"
        " os.getcwd(), __spec__, __package__, __cached__, type(__loader__).__name__,"
        " __builtins__ is __import__('builtins'), __doc__)"
    ),
    "stdin": "import sys\nprint(input())\nprint(sys.stdin.read().split())",
    "stdio": (
        "import sys\nprint(sys.flags, sys.stdout.encoding, sys.stdout.line_buffering,"
        " sys.stdin.buffer.raw.name, sys.stdout.isatty(), sys.getrecursionlimit())"
    ),
    "signals": (
        "import signal\nprint(signal.getsignal(signal.SIGPIPE),"
        " signal.getsignal(signal.SIGXFSZ), signal.getsignal(signal.SIGINT))"
    ),
    "processes": (
        "import os\nprint(os.getpid(), os.getppid(), sorted(p for p in os.listdir('/proc')"
        " if p.isdigit()), sorted(os.listdir('/proc/self/fd')))"
    ),
    "capabilities": (
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('Cap')])"
    ),
    "big output": "print('x' * (1 << 20))",
    "deep recursion": (
        "import sys\nsys.setrecursionlimit(10**6)\n"
        "def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\n\nprint(f(20000))"
    ),
    "unicode": "# -*- coding: utf-8 -*-\nprint('naïve ✓', input())",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_zygote_run_is_the_run_of_the_exec_d_interpreter(session, tmp_path, name):
    stdin = "first line ✓\nthe rest of it\n"
    execd = _run(session, tmp_path, PROGRAMS[name], zygote=False, stdin=stdin, name="exec")
    forked = _run(session, tmp_path, PROGRAMS[name], zygote=True, stdin=stdin, name="zygote")
    assert _zygotes(session), "the run was forked from a zygote"
    assert forked.started and execd.started
    assert (forked.exit_code, forked.stdout, forked.stderr) == (
        execd.exit_code, execd.stdout, execd.stderr
    )  # fmt: skip
    assert forked.stdout or forked.stderr, "each program says something"
    if name == "capabilities":
        assert forked.stdout.split(b"'")[1:6:2] == [b"0000000000000000"] * 3  # inh, prm, eff
    if name == "keyboard interrupt":
        assert forked.exit_code == 130


def test_a_zygote_run_cannot_uncover_other_runs_files(session, tmp_path):
    code = (
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "print(libc.umount2(b'/psft-session', 2), os.strerror(ctypes.get_errno()),"
        " libc.mount(b'none', b'/box', b'tmpfs', 0, None), os.path.exists('/psft-session/.'),"
        " os.listdir('/psft-session'))"
    )
    result = _run(session, tmp_path, code, zygote=True)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.decode().split() == ["-1", "Operation", "not", "permitted", "-1",
                                              "True", "[]"]  # fmt: skip


def test_a_zygote_run_has_the_isolation_of_an_exec_d_one(session, tmp_path):
    probe = PROBE.replace("REPO", repr(str(REPO)))
    facts = [json.loads(_run(session, tmp_path, probe, zygote=z, name=str(z)).stdout)
             for z in (False, True)]  # fmt: skip
    assert facts[0] == facts[1]
    assert facts[1]["uid"] == 65534 and not facts[1]["repo"] and not facts[1]["home_dirs"]


def test_nothing_of_a_zygote_run_is_left_for_the_next(session, tmp_path):
    first = _run(session, tmp_path, "import json, random\njson.mark = 1\nprint(random.random())",
                 zygote=True, name="a")  # fmt: skip
    second = _run(session, tmp_path, "import json, random\nprint(hasattr(json, 'mark'))\n"
                  "print(random.random())", zygote=True, name="b")  # fmt: skip
    assert first.exit_code == second.exit_code == 0, (first.stderr, second.stderr)
    mark, draw = second.stdout.decode().split()
    assert mark == "False", "a run changed the zygote's modules for the next"
    assert draw != first.stdout.decode().strip(), "each run seeds random afresh"


def test_limits_hold_and_verdicts_match_in_zygote_runs(monkeypatch, tmp_path):
    monkeypatch.setattr(session_module, "_sessions", OrderedDict())
    problem = make_problem(("5\n", "5\n"), time_limit_s=0.5, memory_mb=64)
    programs = {
        "print(input())": Status.OK,
        "print(int(input()) + 1)": Status.WRONG_ANSWER,
        "x = bytearray(200 * 2**20)\nprint(5)": Status.MEMORY_LIMIT,
        "while True:\n    pass": Status.TIME_LIMIT,
        "import sys\nsys.exit(4)": Status.RUNTIME_ERROR,
    }
    for code, status in programs.items():
        verdicts = []
        for zygote in ("1", "0"):
            monkeypatch.setenv("PSFT_ZYGOTE", zygote)
            verdicts.append(verify_program(code, PYTHON, problem, sandbox=Sandbox(),
                                           workdir=tmp_path).status)  # fmt: skip
        assert verdicts == [status, status], code
    session_module.close_sessions()


def test_runs_are_exec_d_once_the_zygote_is_gone(session, tmp_path):
    assert _run(session, tmp_path, "print(1)", zygote=True, name="a").stdout == b"1\n"
    (pid,) = _zygotes(session)
    os.kill(pid, signal.SIGKILL)
    again = _run(session, tmp_path, "print(2)", zygote=True, name="b")
    assert again.exit_code == 0 and again.stdout == b"2\n"
    assert "the zygote for python3 ended" in session.log_path.read_text()
    assert not _zygotes(session), "not started again"
    assert run_env(PYTHON.find_toolchain(), PYTHON.env)["PYTHONIOENCODING"] == "utf-8"
