import signal
from dataclasses import replace

from parallel_sft.languages import LANGUAGES
from parallel_sft.records import Status
from parallel_sft.verify.limits import Limits
from parallel_sft.verify.runner import VerifyConfig, judge, verify_program
from parallel_sft.verify.sandbox import Execution

from ..conftest import make_problem

PY = LANGUAGES["python"]
ECHO_SUM = LANGUAGES["python"].example


def test_stops_at_first_failure_unless_asked_for_all(sandbox):
    problem = make_problem(("1 1\n", "2\n"), ("2 2\n", "5\n"), ("3 3\n", "6\n"))
    first = verify_program(ECHO_SUM, PY, problem, sandbox=sandbox)
    assert first.status is Status.WRONG_ANSWER
    assert (first.tests_passed, first.tests_total) == (1, 3)
    assert first.detail.startswith("test 2:")
    every = verify_program(
        ECHO_SUM, PY, problem, sandbox=sandbox, config=VerifyConfig(all_tests=True)
    )
    assert every.status is Status.WRONG_ANSWER and every.tests_passed == 2


def test_compiles_once_and_reports_timings(sandbox):
    problem = make_problem(*[(f"{i} {i}\n", f"{2 * i}\n") for i in range(5)])
    v = verify_program(LANGUAGES["c"].example, LANGUAGES["c"], problem, sandbox=sandbox)
    assert v.status is Status.OK and v.tests_passed == 5
    assert v.compile_ms > 0 and v.run_ms > 0


def test_compile_error_carries_the_compiler_message(sandbox):
    v = verify_program("int main( {", LANGUAGES["c"], make_problem(("", "")), sandbox=sandbox)
    assert v.status is Status.COMPILE_ERROR and "error" in v.detail


def test_exact_mode(sandbox):
    problem = make_problem(("", "1 2\n"))
    spaced = "print('1  2')"
    assert verify_program(spaced, PY, problem, sandbox=sandbox).status is Status.OK
    exact = verify_program(spaced, PY, problem, sandbox=sandbox, config=VerifyConfig(exact=True))
    assert exact.status is Status.WRONG_ANSWER


def test_missing_toolchain_is_infra_error_with_install_hint(sandbox):
    ghost = replace(LANGUAGES["lua"], tools=("lua-not-installed-psft",))
    v = verify_program("print(1)", ghost, make_problem(("", "1")), sandbox=sandbox)
    assert v.status is Status.INFRA_ERROR
    assert "install-toolchains.sh lua" in v.detail and "apt-get install lua5.4" in v.detail


def test_time_limit_uses_cpu_time_and_the_language_factor(sandbox):
    burn = "x = 0\nfor i in range(10**9): x += i"
    v = verify_program(burn, PY, make_problem(("", ""), time_limit_s=0.5), sandbox=sandbox)
    assert v.status is Status.TIME_LIMIT and "CPU" in v.detail
    slow = replace(PY, time_factor=4.0)
    ok_code = "x = 0\nfor i in range(10**7): x += i\nprint(1)"  # about 0.5-1 s of CPU
    assert verify_program(
        ok_code, slow, make_problem(("", "1"), time_limit_s=0.5), sandbox=sandbox
    ).ok


def test_death_by_sigxcpu_is_time_limit_whatever_the_cgroup_counted():
    """The kernel sends SIGXCPU only past RLIMIT_CPU, itself past the limit; its count is
    tick-sampled and may exceed the cgroup's, so the exit status decides, not the count."""
    limits = Limits().for_run(PY)
    killed = Execution(
        started=True,
        exit_code=128 + signal.SIGXCPU,
        timed_out=False,
        cpu_s=limits.cpu_s * 0.9,
        wall_s=limits.cpu_s * 2,
        peak_memory_mb=10.0,
        oom_killed=False,
        output_limited=False,
        stdout=b"",
        stderr=b"",
    )
    status, detail = judge(killed, "7", PY, limits)
    assert status is Status.TIME_LIMIT and "SIGXCPU" in detail
    status, _ = judge(replace(killed, exit_code=128 + signal.SIGSEGV), "7", PY, limits)
    assert status is Status.RUNTIME_ERROR


def test_runtime_error_and_memory_marker(sandbox):
    crash = verify_program("raise SystemExit(3)", PY, make_problem(("", "")), sandbox=sandbox)
    assert crash.status is Status.RUNTIME_ERROR and "exit code 3" in crash.detail
    oom = verify_program("raise MemoryError", PY, make_problem(("", "")), sandbox=sandbox)
    assert oom.status is Status.MEMORY_LIMIT


def test_syntax_rejected_candidates_are_never_executed():
    from parallel_sft.records import Candidate
    from parallel_sft.verify.pool import verify_batch

    problem = make_problem(("3 4\n", "7\n"))
    rejected = Candidate(
        problem.id, "python", ECHO_SUM, extra={"syntax_ok": False, "syntax_error": "ERROR at 1:3"}
    )
    empty = Candidate(problem.id, "python", "  \n")
    fine = Candidate(problem.id, "python", ECHO_SUM, extra={"syntax_ok": True})
    items = [(rejected, problem), (empty, problem), (fine, problem)]
    verdicts = verify_batch(items, progress=False)
    assert [v.status for v in verdicts] == [Status.SYNTAX_ERROR, Status.SYNTAX_ERROR, Status.OK]
    assert verdicts[0].detail == "ERROR at 1:3" and verdicts[0].compile_ms == 0
    assert verdicts[0].run_ms == 0 and verdicts[1].detail == "no program"


NUMPY_SUM = """import sys
import numpy as np

values = np.array(sys.stdin.read().split(), dtype=np.int64)
print(int(values[1:].sum()))
"""


def test_python_programs_may_use_numpy_as_judges_offer_it(sandbox):
    assert "numpy" in PY.libraries and PY.find_toolchain() is not None
    problem = make_problem(("3 1 2 3\n", "6\n"), ("2 1000000000000 5\n", "1000000000005\n"))
    verdict = verify_program(NUMPY_SUM, PY, problem, sandbox=sandbox)
    assert verdict.status is Status.OK, verdict.detail
    assert verdict.tests_passed == 2


def test_a_runtime_without_its_libraries_counts_as_not_installed():
    from parallel_sft.languages import base

    broken = replace(PY, runtime_check=("python3", "-c", "import no_such_module_psft"))
    assert broken.find_toolchain() is None
    assert PY.find_toolchain() is not None
    assert "python3-numpy" in PY.debian_packages
    assert base._runtime_ok(("python3", "-c", "import numpy"))
