"""Sandbox sessions (verify/session.py): one bubblewrap for many runs, each run still in
namespaces, files and a cgroup of its own, and the supervisor out of the program's reach."""

from __future__ import annotations

import json
import os
import platform
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

import pytest

from parallel_sft.languages import LANGUAGES
from parallel_sft.languages.base import Toolchain
from parallel_sft.records import Status
from parallel_sft.verify import session as session_module
from parallel_sft.verify.limits import Limits
from parallel_sft.verify.runner import verify_program
from parallel_sft.verify.sandbox import Sandbox

from ..conftest import make_problem, processes_matching
from .test_sandbox import PROBE, REPO


@pytest.fixture
def fresh(monkeypatch):
    """Sessions of this test only: none kept from other tests, none left for them."""
    monkeypatch.setattr(session_module, "_sessions", OrderedDict())
    monkeypatch.setattr(session_module, "_broken", [])
    yield
    session_module.close_sessions()


def _session(tmp_path: Path):
    session = session_module.session_for(Sandbox(), tmp_path, Toolchain(), ())
    assert session is not None, session_module._broken
    return session


def _run(session, tmp_path: Path, code: str, *, name="io", wall_s=10.0, memory_mb=256, **kw):
    box = tmp_path / "box"
    box.mkdir(exist_ok=True)
    limits = Limits(time_s=wall_s / 3, memory_mb=memory_mb).for_run(LANGUAGES["python"])
    return session.execute(
        ["python3", "-c", code], box=box, scratch=tmp_path / name, limits=limits, **kw
    )


OWN_PROC = r"""
import json, os
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
mounts = [line.split() for line in open("/proc/self/mountinfo")]
sys_mount = next(f[5] for f in mounts if f[4] == "/proc/sys")
print(json.dumps([pids, os.getpid(), os.readlink("/proc/self"), sys_mount]))
"""


def test_a_run_in_a_session_has_the_isolation_of_a_sandbox_of_its_own(fresh, tmp_path):
    session = _session(tmp_path)
    result = _run(session, tmp_path, PROBE.replace("REPO", repr(str(REPO))))
    assert result.started and result.exit_code == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["uid"] == 65534 and facts["cwd"] == "/box" and facts["pid"] < 10
    assert not facts["home_dirs"] and not facts["repo"] and facts["tmp"] == []
    assert facts["hostname"] == "sandbox"
    assert facts["shadow"] in ("", "Permission denied")
    assert facts["/usr/psft-probe"] == facts["/etc/psft-probe"] == "Read-only file system"
    assert facts["/box/probe"] == "Read-only file system"
    assert facts["/tmp/probe"] == "writable"
    assert facts["net"] in ("Network is unreachable", "Connection refused")
    own_proc = _run(session, tmp_path, OWN_PROC, name="proc")
    assert own_proc.exit_code == 0, own_proc.stderr
    pids, me, self_link, sys_mount = json.loads(own_proc.stdout)
    assert pids == [1, me] and self_link == str(me), "/proc shows the run's namespace only"
    assert sys_mount.startswith("ro,"), "/proc/sys is read-only, as bwrap leaves it"
    writes = _run(session, tmp_path, "open('/box/out', 'w').write('built')", writable=True)
    assert writes.exit_code == 0 and (tmp_path / "box" / "out").read_text() == "built"


REACH_OUT = r"""
import os, signal
found = []
for path in ("/psft-session", "/psft-cgroup", "/dev", "/etc/ssh"):
    if os.path.isdir(path):
        found += [f"{path}/{name}" for name in os.listdir(path) if path != "/dev"]
        try:
            open(f"{path}/psft-x", "w").write("x"); found.append(f"wrote {path}")
        except OSError:
            pass
me = os.readlink("/proc/self")
for pid in filter(str.isdigit, os.listdir("/proc")):
    for part in ("environ", "fd/0", "fd/1", "mem"):
        try:
            with open(f"/proc/{pid}/{part}", "rb") as f:
                f.read(1)
            if pid != me:
                found.append(f"/proc/{pid}/{part}")
        except OSError:
            pass
try:
    os.kill(-1, signal.SIGKILL)  # all it may signal: its own namespace's, but not PID 1
except OSError:
    pass
print(found)
"""


def test_a_run_cannot_reach_the_supervisor_or_other_runs_files(fresh, tmp_path):
    session = _session(tmp_path)
    (tmp_path / "other-run-input").write_text("the next test's input")
    supervisor = session.proc.pid
    result = _run(session, tmp_path, REACH_OUT)
    assert result.started and result.exit_code == 0, result.stderr
    assert result.stdout == b"[]\n", "nothing of the session, nothing of the supervisor"
    after = _run(session, tmp_path, "print(sum(range(10)))", name="after")
    assert after.exit_code == 0 and after.stdout == b"45\n"
    assert session.proc is not None and session.proc.pid == supervisor, "the session lives on"


def test_a_command_that_is_not_there_exits_127_and_the_session_lives_on(fresh, tmp_path):
    session = _session(tmp_path)
    (tmp_path / "box").mkdir()
    limits = Limits().for_run(LANGUAGES["python"])
    missing = session.execute(["psft-no-such-tool", "x"], box=tmp_path / "box",
                              scratch=tmp_path / "missing", limits=limits)  # fmt: skip
    assert missing.started and missing.exit_code == 127
    assert missing.stderr.startswith(b"psft-sandbox: cannot run psft-no-such-tool: "), missing
    after = _run(session, tmp_path, "print(6 * 7)", name="after")
    assert after.exit_code == 0 and after.stdout == b"42\n", after.stderr


LEAVES = r"""
import ctypes, os, platform, subprocess
open("/tmp/psft-left", "w").write("x")
open("/dev/shm/psft-left", "w").write("x")
subprocess.Popen(["sleep", "3600.625"], start_new_session=True)
if platform.machine() == "x86_64":  # add_key(2) into the session keyring
    libc = ctypes.CDLL(None, use_errno=True)
    key = libc.syscall(248, b"user", b"psft-left", b"x", 1, -3)
    assert key > 0, ctypes.get_errno()
print("left")
"""
FINDS = r"""
import ctypes, os, platform
seen = [p for d in ("/tmp", "/dev/shm") for p in os.listdir(d)]
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if b"3600." + b"625" in open(f"/proc/{pid}/cmdline", "rb").read():  # not our own
            seen.append(pid)
    except OSError:
        pass
if platform.machine() == "x86_64":  # request_key(2) from the session keyring
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(249, b"user", b"psft-left", None, -3) > 0:
        seen.append("key")
print(seen)
"""


def test_nothing_of_a_run_is_left_for_the_next(fresh, tmp_path):
    session = _session(tmp_path)
    first = _run(session, tmp_path, LEAVES, name="first")
    assert first.exit_code == 0 and first.stdout == b"left\n", first.stderr
    second = _run(session, tmp_path, FINDS, name="second")
    assert second.exit_code == 0, second.stderr
    assert second.stdout == b"[]\n"
    assert processes_matching("sleep 3600.625") == []


def test_limits_hold_in_a_session(fresh, tmp_path):
    session = _session(tmp_path)
    sleeper = "import subprocess, time\nsubprocess.Popen(['sleep', '3600.375'])\ntime.sleep(99)"
    slow = _run(session, tmp_path, sleeper, wall_s=1.5, name="wall")
    assert slow.timed_out and slow.exit_code == 137
    assert processes_matching("sleep 3600.375") == []
    spin = _run(session, tmp_path, "while True: pass", wall_s=3.0, name="cpu")
    assert not spin.timed_out and spin.cpu_s > 1.0 and spin.exit_code == 137
    hog = _run(session, tmp_path, "x = bytearray(600 * 2**20)", memory_mb=128, name="mem")
    assert hog.oom_killed or hog.exit_code != 0
    assert hog.peak_memory_mb > 100
    secret = _run(session, tmp_path, "import sys; print(sys.stdin.read())", stdin=b"tok3n")
    assert secret.stdout == b"tok3n\n"
    missing = session.execute(["psft-no-such-tool"], box=tmp_path / "box",
                              scratch=tmp_path / "missing",
                              limits=Limits().for_run(LANGUAGES["python"]))  # fmt: skip
    assert missing.started and missing.exit_code == 127
    assert b"psft-no-such-tool" in missing.stderr


def test_a_program_is_judged_in_one_session_and_the_same_verdicts(fresh, monkeypatch):
    direct = []
    real = Sandbox.execute
    monkeypatch.setattr(Sandbox, "execute", lambda *a, **k: direct.append(a) or real(*a, **k))
    problem = make_problem(("3 4\n", "7\n"), ("1 1\n", "2\n"), ("5 5\n", "10\n"))
    wrong = LANGUAGES["c"].example.replace("a + b", "a * b")
    assert "a * b" in wrong
    session_sandbox = Sandbox()
    verdict = verify_program(wrong, LANGUAGES["c"], problem, sandbox=session_sandbox)
    assert verdict.status is Status.WRONG_ANSWER and verdict.tests_passed == 0
    ok = verify_program(LANGUAGES["c"].example, LANGUAGES["c"], problem, sandbox=session_sandbox)
    assert ok.status is Status.OK and ok.tests_passed == 3
    assert direct == [], "compile and tests ran in the session"
    assert len(session_module._sessions) == 1, "one session for both programs"
    per_run = Sandbox(sessions=False)
    again = verify_program(wrong, LANGUAGES["c"], problem, sandbox=per_run)
    assert (again.status, again.tests_passed) == (verdict.status, verdict.tests_passed)
    assert len(direct) == 2, "a sandbox per run when sessions are off: compile + first test"


REFUSES = """# a supervisor that cannot start runs
import json, sys
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    print(json.dumps({"started": False, "error": "no nested namespaces here"}), flush=True)
"""


def test_where_sessions_cannot_start_runs_each_run_gets_its_own_sandbox(
    fresh, monkeypatch, caplog, tmp_path
):
    refuses = tmp_path / "code" / "supervisor.py"
    refuses.parent.mkdir()
    refuses.write_text(REFUSES)
    monkeypatch.setattr(session_module, "_SUPERVISOR", refuses)
    problem = make_problem(("3 4\n", "7\n"))
    py = LANGUAGES["python"]
    for _ in range(2):
        verdict = verify_program(py.example, py, problem, sandbox=Sandbox())
        assert verdict.status is Status.OK, verdict.detail
    assert session_module._broken == ["no nested namespaces here"], "tried once, then not"
    warnings = [r for r in caplog.records if "sandbox sessions off" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.skipif(platform.machine() != "x86_64", reason="keyring syscall numbers")
def test_a_sandbox_per_run_keeps_no_key_for_the_next_either(tmp_path):
    """The same keyring check without sessions (bwrap starts the program in the worker's
    session keyring; the launcher path must not leak a key from one run to the next)."""
    box = tmp_path / "box"
    box.mkdir()
    sandbox = Sandbox(sessions=False)
    limits = replace(Limits().for_run(LANGUAGES["python"]))
    first = sandbox.execute(["python3", "-c", LEAVES], box=box, scratch=tmp_path / "a",
                            limits=limits)  # fmt: skip
    assert first.exit_code == 0, first.stderr
    second = sandbox.execute(["python3", "-c", FINDS], box=box, scratch=tmp_path / "b",
                             limits=limits)  # fmt: skip
    assert second.exit_code == 0 and b"key" not in second.stdout, second.stdout
    assert os.path.exists("/proc/self")
