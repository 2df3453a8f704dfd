"""Verify one program against one problem: compile once, run each test, judge.

`verify_program` is the parent-side driver; everything it starts goes through
`Sandbox.execute`. The verdict order for one run: the sandbox failed (INFRA_ERROR), the
output cap was hit (OUTPUT_LIMIT), memory ran out (MEMORY_LIMIT: cgroup OOM kill, or the
runtime's own out-of-memory message), time ran out (TIME_LIMIT: CPU time over the limit,
the wall clock, or RLIMIT_CPU's SIGXCPU), the exit status was not zero (RUNTIME_ERROR),
the output differs (WRONG_ANSWER).

A program in a PL with a sanitizer (C, C++: see `languages.base.Sanitizer`) that passes is
built again with it and run on every test once more, unless `VerifyConfig.sanitize` is off
(`--no-sanitize`): undefined behaviour that printed the right answer by luck fails there.
That pass fails a program with the status it earns (COMPILE_ERROR for a warning that is a
bug, RUNTIME_ERROR with the sanitizer's first report, WRONG_ANSWER, OUTPUT_LIMIT), except
TIME_LIMIT and MEMORY_LIMIT: instrumented code is slower and bigger, and the program
already passed within the real limits, so it stays OK with a note. The sanitizer failing to
run at all is INFRA_ERROR. The verdict's timings and memory stay those of the real build.
"""

from __future__ import annotations

import math
import re
import shutil
import signal
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..languages import Language, Toolchain
from ..languages.base import Sanitizer
from ..languages.entry import EntryPointError
from ..records import Candidate, Harness, Problem, Status, Test, Verdict
from .checker import compare
from .compile_server import compile_with_server
from .functions import FunctionProblemError, function_program, run_calls
from .harness import HarnessError, harness_program, run_harness
from .limits import Limits, RunLimits
from .precompiled import with_precompiled
from .sandbox import Execution, Sandbox
from .session import session_for, work_root

# A detail keeps the head of an error (the message) and its tail (where it ended).
DETAIL_HEAD, DETAIL_TAIL = 240, 160
INFRA_RETRIES = 2
STDOUT_SCAN = 4096  # compilers may report on stdout: its tail is searched for markers


@dataclass(frozen=True)
class VerifyConfig:
    """How candidates are judged; one object shared by every caller (CLI, corpus, RL)."""

    limits: Limits = field(default_factory=Limits)
    isolate: bool = True  # False only with --no-sandbox
    all_tests: bool = False  # run every test instead of stopping at the first failure
    exact: bool = False  # exact line comparison instead of token-wise with tolerance
    sanitize: bool = True  # check passing programs again under the PL's sanitizer (C, C++)


def syntax_verdict(candidate: Candidate, problem: Problem) -> Verdict | None:
    """SYNTAX_ERROR for a candidate the tree-sitter layer rejected (or with no program at
    all): it is never executed. None for a candidate that should run."""
    if candidate.code.strip() and candidate.extra.get("syntax_ok", True):
        return None
    detail = candidate.extra.get("syntax_error") or "no program"
    return Verdict(Status.SYNTAX_ERROR, 0, len(problem.tests), detail=detail)


def verify_program(
    code: str,
    lang: Language,
    problem: Problem,
    *,
    sandbox: Sandbox,
    config: VerifyConfig = VerifyConfig(),
    workdir: Path | None = None,
) -> Verdict:
    """Judge `code`, a complete `lang` program, on every test of `problem`: by the
    benchmark's own tests where `problem` has a harness in `lang`, else by its tests."""
    toolchain = lang.find_toolchain()
    harness = problem.harnesses.get(lang.name)
    total = 1 if harness is not None else len(problem.tests)
    if toolchain is None:
        detail = f"{lang.display} toolchain not found: {lang.install_hint()}"
        return Verdict(Status.INFRA_ERROR, 0, total, detail=detail)
    try:
        if harness is not None:  # the benchmark's prompt, the program, its tests
            code, lang = harness_program(code, lang, harness)
        elif problem.kind == "function":  # the function inside its language's test driver
            code = function_program(code, lang, problem)
        entry = lang.entry_point(code)
        lang = with_precompiled(lang, code, toolchain, sandbox)  # see precompiled.py
    except HarnessError as err:
        return Verdict(Status.INFRA_ERROR, 0, total, detail=str(err))
    except (EntryPointError, FunctionProblemError) as err:
        return Verdict(Status.COMPILE_ERROR, 0, total, detail=str(err))
    limits = config.limits.for_problem(problem)
    root = Path(tempfile.mkdtemp(prefix="psft-", dir=workdir or work_root()))
    try:
        values = {
            "src": entry.source_file,
            "memory_mb": str(limits.memory_mb),
            **lang.placeholders(),
            **entry.values,
        }
        job = _Job(lang, toolchain, sandbox, root, limits, values, entry.run or lang.run,
                   harness=harness)  # fmt: skip
        job.box.mkdir()
        (job.box / entry.source_file).write_text(code)
        return _judge(job, problem, config)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class _Job:
    lang: Language
    toolchain: Toolchain
    sandbox: Sandbox
    root: Path
    limits: Limits
    values: dict[str, str]  # for the command templates: {src}, {memory_mb}, ...
    run: tuple[str, ...]  # the language's run command, or the program's own (entry point)
    sanitizer: Sanitizer | None = None  # set on the sanitized pass's job
    harness: Harness | None = None  # judged by a benchmark's own tests

    @property
    def box(self) -> Path:
        return self.root / "box"

    def execute(
        self,
        template: tuple[str, ...],
        limits: RunLimits,
        *,
        writable: bool = False,
        name: str,
        stdin: Path | bytes | None = None,
    ) -> Execution:
        argv = [arg.format(**self.values) for arg in template]
        env = {k: v.format(**self.values) for k, v in self.lang.env.items()}
        scratch = self.root / name
        for _ in range(INFRA_RETRIES + 1):
            session = self._session()
            server = self.lang.compile_server
            if session is not None and server is not None and template == self.lang.compile:
                result = compile_with_server(session, server, argv, box=self.box,
                                             scratch=scratch, limits=limits,
                                             values=self.values)  # fmt: skip
                if result is not None:  # else the compile command, as without a server
                    return result
            if session is not None:  # the same run, without starting a sandbox for it
                result = session.execute(
                    argv,
                    box=self.box,
                    scratch=scratch,
                    limits=limits,
                    stdin=stdin,
                    env=env,
                    writable=writable,
                    zygote=self.lang.zygote and template == self.lang.run,
                )
            else:
                result = self.sandbox.execute(
                    argv,
                    box=self.box,
                    scratch=scratch,
                    limits=limits,
                    stdin=stdin,
                    env=env,
                    toolchain=self.toolchain,
                    ro_paths=self.lang.sandbox_paths,
                    writable=writable,
                    rlimit_as=self.lang.rlimit_as,
                )
            if result.started:
                break
        return result

    def _session(self):
        """The sandbox session for this job's runs (see session.py), or None."""
        base = work_root()
        if not self.root.is_relative_to(base):  # a caller's own work dir
            base = self.root.parent
        return session_for(self.sandbox, base, self.toolchain, self.lang.sandbox_paths)


def _judge(job: _Job, problem: Problem, config: VerifyConfig) -> Verdict:
    """Build and test the program in `job.box`; if it passes and its PL has a sanitizer
    (and `config.sanitize`), build and test it once more with that."""
    sanitizer = job.lang.sanitizer if config.sanitize else None
    twin = _sanitized_job(job, sanitizer) if sanitizer is not None else None
    verdict = _build_and_test(job, problem, config)
    if twin is None or not verdict.ok:
        return verdict
    return _with_sanitizer(verdict, _build_and_test(twin, problem, config))


def _sanitized_job(job: _Job, sanitizer: Sanitizer) -> _Job:
    """The sanitized pass's job: the PL's sanitized variant, the memory limit scaled, its
    own work dir holding the files the real build starts from (copied before that runs)."""
    sanitized = job.lang.sanitized()
    assert sanitized is not None
    memory_mb = math.ceil(job.limits.memory_mb * sanitizer.memory_factor)
    twin = replace(
        job,
        lang=sanitized,
        root=job.root / "sanitized",
        limits=replace(job.limits, memory_mb=memory_mb),
        values={**job.values, "memory_mb": str(memory_mb)},
        sanitizer=sanitizer,
    )
    shutil.copytree(job.box, twin.box)
    return twin


def _build_and_test(job: _Job, problem: Problem, config: VerifyConfig) -> Verdict:
    compile_ms = 0.0
    if job.lang.compile is not None:
        result = job.execute(
            job.lang.compile, job.limits.for_compile(), writable=True, name="compile"
        )
        compile_ms = result.wall_s * 1000
        failure = _compile_failure(result, job.lang)
        if failure is not None:
            status, detail = _sanitizer_fault(job, result) or failure
            total = 1 if job.harness is not None else len(problem.tests)
            return Verdict(status, 0, total, compile_ms, 0.0, result.peak_memory_mb, detail)
    if job.harness is not None:
        return run_harness(job, job.harness, compile_ms)
    if problem.kind == "function":
        return run_calls(job, problem, config, compile_ms)
    return _run_tests(job, problem, config, compile_ms)


# How a failure of the sanitized pass reads in the verdict's detail.
_SANITIZED = {
    Status.COMPILE_ERROR: "with sanitizer warnings as errors: ",
    Status.INFRA_ERROR: "sanitizer pass: ",
}
_REPORT = re.compile(r"test \d+: sanitizer: ")


def _with_sanitizer(plain: Verdict, checked: Verdict) -> Verdict:
    """The verdict of a program that passed, given its sanitized pass's verdict."""
    if checked.ok:
        return plain
    if checked.status in (Status.TIME_LIMIT, Status.MEMORY_LIMIT):
        return replace(plain, detail=f"sanitizer pass inconclusive: {checked.detail}")
    prefix = _SANITIZED.get(checked.status, "under sanitizers: ")
    if _REPORT.match(checked.detail):
        prefix = ""  # "test 2: sanitizer: <the report>" says it already
    return replace(
        plain,
        status=checked.status,
        tests_passed=checked.tests_passed,
        detail=prefix + checked.detail,
    )


def _sanitized_failure(
    job: _Job, result: Execution, status: Status, detail: str
) -> tuple[Status, str]:
    """A failed test run of the sanitized build: INFRA_ERROR where the sanitizer could not
    run; a RUNTIME_ERROR names the sanitizer's first report, where there is one."""
    assert job.sanitizer is not None
    fault = _sanitizer_fault(job, result)
    if fault is not None:
        return fault
    if status is Status.RUNTIME_ERROR:
        report = job.sanitizer.first_report(result.stderr.decode("utf-8", "replace"))
        if report:
            return status, f"sanitizer: {report}"
    return status, detail


def _sanitizer_fault(job: _Job, result: Execution) -> tuple[Status, str] | None:
    """INFRA_ERROR where the output says the sanitizer itself could not run, and the PL's
    own example cannot run under it either (a program can print the same words)."""
    if job.sanitizer is None:
        return None
    text = (result.stdout[-STDOUT_SCAN:] + result.stderr).decode("utf-8", "replace")
    if not any(m in text for m in job.sanitizer.infra_markers) or _sanitizer_runs(job):
        return None
    hint = "fix the toolchain, or turn the check off with --no-sanitize"
    return Status.INFRA_ERROR, f"the sanitizer could not run ({hint}): {_text(result.stderr)}"


# (PL, build, run) -> whether the PL's example passed sanitized, in this process.
_sanitizer_works: dict[tuple, bool] = {}


def _sanitizer_runs(job: _Job) -> bool:
    key = (job.lang.name, job.lang.compile, job.lang.run)
    if key not in _sanitizer_works:
        probe = Problem("psft/sanitizer-probe", "psft", "", [Test("3 4\n", "7\n")])
        verdict = verify_program(
            job.lang.example,
            job.lang,  # the sanitized variant already: it has no sanitizer of its own
            probe,
            sandbox=job.sandbox,
            config=VerifyConfig(sanitize=False),
            workdir=job.root,
        )
        _sanitizer_works[key] = verdict.ok
    return _sanitizer_works[key]


def _compile_failure(result: Execution, lang: Language) -> tuple[Status, str] | None:
    if not result.started:
        return Status.INFRA_ERROR, "sandbox failed to start: " + _text(result.stderr)
    if result.timed_out:
        return Status.COMPILE_ERROR, "compilation timed out"
    if result.oom_killed:
        return Status.COMPILE_ERROR, "compiler ran out of memory"
    if result.exit_code != 0:
        out = _text(result.stderr, lang.stderr_noise) or _text(result.stdout)
        return Status.COMPILE_ERROR, f"exit code {result.exit_code}: {out}"
    return None


def _run_tests(job: _Job, problem: Problem, config: VerifyConfig, compile_ms: float) -> Verdict:
    run_limits = job.limits.for_run(job.lang)
    passed, run_ms, peak = 0, 0.0, 0.0
    first_failure: tuple[Status, str] | None = None
    for index, test in enumerate(problem.tests, start=1):
        stdin = job.root / f"input-{index}"
        stdin.write_text(test.input)
        result = job.execute(job.run, run_limits, name=f"test-{index}", stdin=stdin)
        run_ms += result.wall_s * 1000
        peak = max(peak, result.peak_memory_mb)
        status, detail = judge(result, test.output, job.lang, run_limits, exact=config.exact)
        if status is not Status.OK and job.sanitizer is not None:
            status, detail = _sanitized_failure(job, result, status, detail)
        if status is Status.OK:
            passed += 1
            continue
        if first_failure is None:
            first_failure = (status, f"test {index}: {detail}")
        if not config.all_tests or status is Status.INFRA_ERROR:
            break
    status, detail = first_failure or (Status.OK, "")
    return Verdict(status, passed, len(problem.tests), compile_ms, run_ms, peak, detail)


def judge(
    result: Execution, expected: str, lang: Language, limits: RunLimits, *, exact: bool = False
) -> tuple[Status, str]:
    """The verdict of one run of one test, and a short reason."""
    failure = run_failure(result, lang, limits)
    if failure is not None:
        return failure
    ok, why = compare(expected, result.stdout.decode("utf-8", "replace"), exact=exact)
    return (Status.OK, "") if ok else (Status.WRONG_ANSWER, why)


def run_failure(result: Execution, lang: Language, limits: RunLimits) -> tuple[Status, str] | None:
    """How the run itself failed (sandbox, output, memory, time, exit status), or None."""
    stderr = _text(result.stderr, lang.stderr_noise)
    if not result.started:
        return Status.INFRA_ERROR, "sandbox failed to start: " + stderr
    if result.output_limited:
        return Status.OUTPUT_LIMIT, f"output exceeded {limits.file_bytes} bytes"
    out_of_memory = any(m.encode() in result.stderr for m in lang.oom_markers)
    if result.oom_killed or (result.exit_code != 0 and out_of_memory):
        return Status.MEMORY_LIMIT, f"memory limit {limits.memory_mb} MB exceeded"
    if result.timed_out:
        return Status.TIME_LIMIT, f"killed after {result.wall_s:.1f} s wall time"
    cpu = result.cpu_s if result.cpu_s is not None else result.wall_s
    if cpu > limits.cpu_s:
        return Status.TIME_LIMIT, f"{cpu:.2f} s CPU, limit {limits.cpu_s:.2f} s"
    if result.exit_code == 128 + signal.SIGXCPU:  # RLIMIT_CPU fired: only past the limit
        return Status.TIME_LIMIT, f"killed by SIGXCPU at {cpu:.2f} s CPU counted"
    if result.exit_code != 0:
        return Status.RUNTIME_ERROR, f"exit code {result.exit_code}: {stderr}"
    return None


def _text(raw: bytes, noise: tuple[str, ...] = ()) -> str:
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    text = "\n".join(ln for ln in lines if not ln.startswith(noise)).strip()
    if len(text) <= DETAIL_HEAD + DETAIL_TAIL:
        return text
    return text[:DETAIL_HEAD] + " ... " + text[-DETAIL_TAIL:]
