"""Programs judged by a benchmark's own tests (a problem's `harnesses`, see
`benchmarks/`): the program, spliced into the benchmark's prompt where it is a model's
whole program, with the benchmark's tests appended, built and run once as the benchmark
runs it. It passes when that run exits 0 and breaks none of the benchmark's other rules
(HumanEval-X's JavaScript must print nothing). The verdict counts the test program as one
test: the benchmarks report a sample as passed or not, never a fraction of its asserts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..benchmarks import protocol, test_program
from ..languages import Language
from ..languages.testing import TestSetupError
from ..records import Harness, Status, Verdict

if TYPE_CHECKING:
    from .runner import _Job

# The benchmark's test program runs every assert in one process: it gets this many times
# the per-test CPU limit (MultiPL-E and mxeval allow a program 15 s or so in all).
HARNESS_TIME_FACTOR = 5.0


class HarnessError(Exception):
    """A harness this machine cannot run (its test library could not be set up)."""


def harness_program(code: str, lang: Language, harness: Harness) -> tuple[str, Language]:
    """The test program for `code` and the language as the benchmark builds and runs it."""
    try:
        run_lang = protocol(harness.benchmark).language(lang)
    except TestSetupError as err:
        raise HarnessError(str(err)) from None
    return test_program(code, harness, lang.name), run_lang


def run_harness(job: _Job, harness: Harness, compile_ms: float) -> Verdict:
    """Run the built test program in `job` once and judge it by its benchmark's rules."""
    from .runner import _text, run_failure

    per_test = job.limits.for_run(job.lang)
    limits = replace(
        per_test,
        cpu_s=per_test.cpu_s * HARNESS_TIME_FACTOR,
        wall_s=per_test.wall_s * HARNESS_TIME_FACTOR,
    )
    result = job.execute(job.run, limits, name="harness", stdin=b"")
    verdict = Verdict(Status.OK, 1, 1, compile_ms, result.wall_s * 1000, result.peak_memory_mb)
    failure = run_failure(result, job.lang, limits)
    if failure is not None:
        status, detail = failure
        if status is Status.RUNTIME_ERROR:
            said = _text(result.stderr, job.lang.stderr_noise) or _text(result.stdout)
            detail = f"the {harness.benchmark} tests failed (exit code {result.exit_code}): {said}"
        return replace(verdict, status=status, tests_passed=0, detail=detail)
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    why = protocol(harness.benchmark).failure(job.lang.name, stdout, stderr)
    if why is not None:
        return replace(verdict, status=Status.WRONG_ANSWER, tests_passed=0, detail=why)
    return verdict
