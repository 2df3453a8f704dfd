"""Verify one program against one problem: compile once, run each test, judge.

`verify_program` is the parent-side driver; everything it starts goes through
`Sandbox.execute`. The verdict order for one run: the sandbox failed (INFRA_ERROR), the
output cap was hit (OUTPUT_LIMIT), memory ran out (MEMORY_LIMIT: cgroup OOM kill, or the
runtime's own out-of-memory message), time ran out (TIME_LIMIT: CPU time over the limit,
the wall clock, or RLIMIT_CPU's SIGXCPU), the exit status was not zero (RUNTIME_ERROR),
the output differs (WRONG_ANSWER).
"""

from __future__ import annotations

import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..languages import Language, Toolchain
from ..records import Candidate, Problem, Status, Verdict
from .checker import compare
from .limits import Limits, RunLimits
from .sandbox import Execution, Sandbox

# A detail keeps the head of an error (the message) and its tail (where it ended).
DETAIL_HEAD, DETAIL_TAIL = 240, 160
INFRA_RETRIES = 2


@dataclass(frozen=True)
class VerifyConfig:
    """How candidates are judged; one object shared by every caller (CLI, corpus, RL)."""

    limits: Limits = field(default_factory=Limits)
    isolate: bool = True  # False only with --no-sandbox
    all_tests: bool = False  # run every test instead of stopping at the first failure
    exact: bool = False  # exact line comparison instead of token-wise with tolerance


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
    """Judge `code`, a complete `lang` program, on every test of `problem`."""
    toolchain = lang.find_toolchain()
    total = len(problem.tests)
    if toolchain is None:
        detail = f"{lang.display} toolchain not found: {lang.install_hint()}"
        return Verdict(Status.INFRA_ERROR, 0, total, detail=detail)
    limits = config.limits.for_problem(problem)
    root = Path(tempfile.mkdtemp(prefix="psft-", dir=workdir))
    try:
        values = {"src": lang.source_file, "memory_mb": str(limits.memory_mb)}
        job = _Job(lang, toolchain, sandbox, root, limits, {**values, **lang.placeholders()})
        job.box.mkdir()
        (job.box / lang.source_file).write_text(code)
        compile_ms = 0.0
        if lang.compile is not None:
            result = job.execute(lang.compile, limits.for_compile(), writable=True, name="compile")
            compile_ms = result.wall_s * 1000
            failure = _compile_failure(result, lang)
            if failure is not None:
                status, detail = failure
                return Verdict(status, 0, total, compile_ms, 0.0, result.peak_memory_mb, detail)
        return _run_tests(job, problem, config, compile_ms)
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
        stdin: Path | None = None,
    ) -> Execution:
        argv = [arg.format(**self.values) for arg in template]
        env = {k: v.format(**self.values) for k, v in self.lang.env.items()}
        for _ in range(INFRA_RETRIES + 1):
            result = self.sandbox.execute(
                argv,
                box=self.box,
                scratch=self.root / name,
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
        result = job.execute(job.lang.run, run_limits, name=f"test-{index}", stdin=stdin)
        run_ms += result.wall_s * 1000
        peak = max(peak, result.peak_memory_mb)
        status, detail = judge(result, test.output, job.lang, run_limits, exact=config.exact)
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
    ok, why = compare(expected, result.stdout.decode("utf-8", "replace"), exact=exact)
    return (Status.OK, "") if ok else (Status.WRONG_ANSWER, why)


def _text(raw: bytes, noise: tuple[str, ...] = ()) -> str:
    lines = raw.decode("utf-8", "replace").strip().splitlines()
    text = "\n".join(ln for ln in lines if not ln.startswith(noise)).strip()
    if len(text) <= DETAIL_HEAD + DETAIL_TAIL:
        return text
    return text[:DETAIL_HEAD] + " ... " + text[-DETAIL_TAIL:]
