"""The sandbox's promises, checked from inside a sandboxed program."""

from __future__ import annotations

import json
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest

from parallel_sft.errors import SandboxUnavailableError
from parallel_sft.languages import LANGUAGES
from parallel_sft.records import Status
from parallel_sft.verify import sandbox as sandbox_module
from parallel_sft.verify.limits import Limits, cpu_rlimit
from parallel_sft.verify.runner import verify_program
from parallel_sft.verify.sandbox import Sandbox

from ..conftest import make_problem, processes_matching

REPO = Path(__file__).resolve().parents[2]
PROBE = r"""
import json, os, socket
facts = {"uid": os.getuid(), "cwd": os.getcwd(), "pid": os.getpid(),
         "home_dirs": os.path.exists("/root") or os.path.exists("/home/" + "x"),
         "repo": os.path.exists(REPO), "tmp": os.listdir("/tmp"),
         "env": sorted(os.environ), "hostname": socket.gethostname()}
try:
    facts["shadow"] = open("/etc/shadow").read()
except OSError as e:
    facts["shadow"] = e.strerror
for path in ("/usr/psft-probe", "/etc/psft-probe", "/box/probe", "/tmp/probe"):
    try:
        open(path, "w").write("x"); facts[path] = "writable"
    except OSError as e:
        facts[path] = e.strerror
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2); facts["net"] = "connected"
except OSError as e:
    facts["net"] = e.strerror
print(json.dumps(facts))
"""


def _run(sandbox: Sandbox, tmp_path: Path, code: str, *, writable=False, wall_s=10.0, **kw):
    box = tmp_path / "box"
    box.mkdir(exist_ok=True)
    limits = Limits(time_s=wall_s / 3).for_run(LANGUAGES["python"])
    return sandbox.execute(
        ["python3", "-c", code],
        box=box,
        scratch=tmp_path / "io",
        limits=limits,
        writable=writable,
        **kw,
    )


def test_isolation_as_seen_from_inside(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("PSFT_HOST_SECRET", "x")
    result = _run(sandbox, tmp_path, PROBE.replace("REPO", repr(str(REPO))))
    assert result.started and result.exit_code == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["uid"] == 65534
    assert facts["cwd"] == "/box"
    assert facts["pid"] < 10, "own PID namespace"
    assert not facts["home_dirs"] and not facts["repo"]
    assert facts["tmp"] == [], "private /tmp"
    assert "PSFT_HOST_SECRET" not in facts["env"] and "HOME" in facts["env"]
    assert facts["hostname"] == "sandbox"
    assert facts["shadow"] in ("", "Permission denied"), "host secrets are masked"
    assert facts["/usr/psft-probe"] == facts["/etc/psft-probe"] == "Read-only file system"
    assert facts["/box/probe"] == "Read-only file system", "the work dir is read-only at run time"
    assert facts["/tmp/probe"] == "writable"
    assert facts["net"] in ("Network is unreachable", "Connection refused")


def test_work_dir_is_writable_while_compiling(sandbox, tmp_path):
    result = _run(sandbox, tmp_path, "open('/box/out', 'w').write('built')", writable=True)
    assert result.exit_code == 0 and (tmp_path / "box" / "out").read_text() == "built"


def test_wall_timeout_kills_the_whole_tree(sandbox, tmp_path):
    code = "import subprocess, time\nsubprocess.Popen(['sleep', '3600.5'])\ntime.sleep(3600)"
    start = time.monotonic()
    result = _run(sandbox, tmp_path, code, wall_s=1.5)
    assert result.timed_out and time.monotonic() - start < 10
    assert processes_matching("sleep 3600.5") == []


def test_the_tree_is_killed_before_its_leader_is_reaped(sandbox, tmp_path, monkeypatch):
    """Once reaped, the leader's pid may go to another run's process, which a late killpg
    would then kill: a correct program elsewhere in the pool would die as RUNTIME_ERROR."""
    seen = []
    kill_tree = sandbox_module._kill_tree

    def spy(pgid, cgroup):
        stat = Path(f"/proc/{pgid}/stat").read_text()
        seen.append(stat.rsplit(")", 1)[1].split()[0])  # the state letter: Z = zombie
        kill_tree(pgid, cgroup)

    monkeypatch.setattr(sandbox_module, "_kill_tree", spy)
    code = "import subprocess\nsubprocess.Popen(['sleep', '3600.25'])"
    result = _run(sandbox, tmp_path, code)
    assert result.exit_code == 0 and not result.timed_out
    assert seen == ["Z"]
    assert processes_matching("sleep 3600.25") == []


def test_cpu_time_is_measured(sandbox, tmp_path):
    result = _run(sandbox, tmp_path, "x = 0\nfor i in range(3 * 10**7): x += i")
    assert result.exit_code == 0
    assert result.cpu_s is not None and 0.3 < result.cpu_s < result.wall_s + 0.5


LOOP = "x = 0\nfor i in range(6 * 10**6): x += i"
TREE = f"""
import subprocess, sys, threading
child = subprocess.Popen([sys.executable, "-c", "b = bytearray(96 << 20)\\n" + {LOOP!r}])
thread = threading.Thread(target=exec, args=({LOOP!r}, {{}})); thread.start(); thread.join()
print(child.wait())
"""


@pytest.mark.parametrize("sessions", [False, True], ids=["sandbox", "session"])
def test_every_process_and_thread_of_a_run_is_counted(tmp_path, sessions):
    """A run joins its cgroup by moving its one thread before exec (`Cgroup.joins`):
    threads and child processes it starts later are counted too, CPU and memory."""
    from parallel_sft.verify.session import Session

    box = Sandbox(sessions=sessions)
    if sessions:
        session = Session(box, tmp_path, LANGUAGES["python"].find_toolchain(), ())
        assert session.start()
        (tmp_path / "box").mkdir()
        limits = Limits(time_s=10.0).for_run(LANGUAGES["python"])
        with session:
            result = session.execute(["python3", "-c", TREE], box=tmp_path / "box",
                                     scratch=tmp_path / "io", limits=limits)  # fmt: skip
    else:
        result = _run(box, tmp_path, TREE, wall_s=30.0)
    assert result.exit_code == 0 and result.stdout == b"0\n", result
    one = _run(Sandbox(sessions=False), tmp_path, LOOP)
    assert result.cpu_s > 1.6 * one.cpu_s, (result.cpu_s, one.cpu_s)  # the thread + the child
    assert result.peak_memory_mb > 96, "the child's 96 MB"


def test_a_spinning_tree_is_stopped_at_its_cpu_limit_by_the_cgroup_count(sandbox, tmp_path):
    """RLIMIT_CPU is checked against tick-sampled time, which on a busy virtual machine runs
    ahead of the cgroup's exact count (CI once saw a SIGXCPU death measured under the
    limit). So the sandbox stops the run from the count itself, and the rlimit sits well
    clear of it: the run ends by our SIGKILL just past the limit, never by SIGXCPU."""
    box = tmp_path / "box"
    box.mkdir()
    limits = replace(Limits(time_s=1.0).for_run(LANGUAGES["python"]), cpu_s=0.6)
    spin = ["python3", "-c", "while True: pass"]
    result = sandbox.execute(spin, box=box, scratch=tmp_path / "io", limits=limits)
    assert not result.timed_out
    assert result.exit_code == 128 + signal.SIGKILL, result.stderr
    assert 0.6 < result.cpu_s < cpu_rlimit(0.6) < cpu_rlimit(0.6, backstop=True)


def test_missing_bubblewrap_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(sandbox_module.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailableError) as err:
        Sandbox()
    assert "apt-get install bubblewrap" in str(err.value)
    assert "--no-sandbox" in str(err.value)


def test_no_sandbox_mode_still_enforces_limits(tmp_path):
    bare = Sandbox(isolate=False)
    problem = make_problem(("3 4\n", "7\n"), time_limit_s=1.0)
    ok = verify_program(LANGUAGES["python"].example, LANGUAGES["python"], problem, sandbox=bare)
    assert ok.status is Status.OK
    hog = "x = b'x' * (2 * 2**30)\nprint(7)"
    assert verify_program(hog, LANGUAGES["python"], problem, sandbox=bare).status is (
        Status.MEMORY_LIMIT
    )
    spin = "while True: pass"
    assert verify_program(spin, LANGUAGES["python"], problem, sandbox=bare).status is (
        Status.TIME_LIMIT
    )


def test_sandbox_that_fails_to_start_is_infra_error_and_retried(monkeypatch):
    sandbox = Sandbox(sessions=False)  # a sandbox per run: its bwrap is the one broken
    calls = []
    real = Sandbox._bwrap_argv

    def broken(self, argv, *args):
        calls.append(argv)
        cmd = real(self, argv, *args)
        return cmd[:1] + ["--ro-bind", "/nonexistent-psft", "/x"] + cmd[1:]

    monkeypatch.setattr(Sandbox, "_bwrap_argv", broken)
    problem = make_problem(("3 4\n", "7\n"))
    verdict = verify_program(LANGUAGES["c"].example, LANGUAGES["c"], problem, sandbox=sandbox)
    assert verdict.status is Status.INFRA_ERROR
    assert "nonexistent-psft" in verdict.detail
    assert len(calls) == 3, "tried once and retried twice"


def test_without_a_cgroup_limits_fall_back_to_rlimits():
    """Where no cgroup is writable (a non-delegated cgroup v2 user): programs still run,
    and memory and time are still limited, by RLIMIT_AS and RLIMIT_CPU / wall time."""
    fallback = Sandbox()
    fallback.cgroups = None
    problem = make_problem(("3 4\n", "7\n"), time_limit_s=1.0)
    address_space_limited = [lang for lang in LANGUAGES.values() if lang.rlimit_as]
    assert len(address_space_limited) >= 10
    for lang in address_space_limited:
        verdict = verify_program(lang.example, lang, problem, sandbox=fallback)
        assert verdict.ok, (lang.name, verdict.detail)
    py = LANGUAGES["python"]
    hog = "x = b'x' * (8 * 2**30)"
    assert verify_program(hog, py, problem, sandbox=fallback).status is Status.MEMORY_LIMIT
    spin = "while True: pass"
    assert verify_program(spin, py, problem, sandbox=fallback).status is Status.TIME_LIMIT


def test_cgroup_failure_is_infra_error_not_a_crash(monkeypatch):
    box = Sandbox()
    assert box.cgroups is not None

    def no_cgroup(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(box.cgroups, "create", no_cgroup)
    problem = make_problem(("3 4\n", "7\n"))
    verdict = verify_program(LANGUAGES["python"].example, LANGUAGES["python"], problem, sandbox=box)
    assert verdict.status is Status.INFRA_ERROR
    assert "cannot create the run's cgroup" in verdict.detail


@pytest.mark.parametrize("isolate", [True, False])
def test_a_run_that_cannot_join_its_cgroup_did_not_start(monkeypatch, tmp_path, isolate):
    """The launcher (sh + prlimit, see sandbox._launcher) joins the cgroup before the
    command: where that fails, the run never happened (INFRA_ERROR, retried), with or
    without bubblewrap; it is not the program's RUNTIME_ERROR."""
    box = Sandbox(isolate=isolate)
    create = box.cgroups.create

    def unjoinable(*args):
        cgroup = create(*args)
        monkeypatch.setattr(type(cgroup), "joins", property(lambda self: (tmp_path / "no" / "x",)))
        return cgroup

    monkeypatch.setattr(box.cgroups, "create", unjoinable)
    result = _run(box, tmp_path, "print('ran')")
    assert not result.started and result.stdout == b""
    assert b"no/x" in result.stderr


LEAVES_TRACES = r"""
import os, subprocess, sys
open("/tmp/psft-trace", "w").write("secret")
if os.path.isdir("/dev/shm"):
    open("/dev/shm/psft-trace", "w").write("secret")
subprocess.Popen(["sleep", "3600.75"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(sum(map(int, sys.stdin.read().split())))
"""
LOOKS_FOR_TRACES = r"""
import os, sys
seen = [p for d in ("/tmp", "/dev/shm") if os.path.isdir(d) for p in os.listdir(d)]
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        seen.append(open(f"/proc/{pid}/cmdline").read().replace("\0", " "))
    except OSError:
        pass
seen = [s for s in seen if "psft-trace" in s or "3600.75" in s]
print(seen or sum(map(int, sys.stdin.read().split())))
"""


def test_a_candidate_sees_nothing_of_the_one_before_in_the_same_worker():
    """One worker judges both, one after the other: the first leaves files in /tmp and
    /dev/shm and a detached process; the second, in the same worker, finds none of them
    (it prints them instead of the sum if it does), and neither survives on the host."""
    from parallel_sft.records import Candidate
    from parallel_sft.verify.pool import verify_batch

    problem = make_problem(("2 3\n", "5\n"))
    codes = (LEAVES_TRACES, LOOKS_FOR_TRACES) * 2
    items = [(Candidate(problem.id, "python", code), problem) for code in codes]
    verdicts = verify_batch(items, workers=1, progress=False)
    assert [v.status for v in verdicts] == [Status.OK] * 4, [v.detail for v in verdicts]
    assert processes_matching("sleep 3600.75") == []
