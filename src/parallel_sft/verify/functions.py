"""Function problems in the verifier: the candidate's function inside its language's test
driver (`languages/functions.py`), every test in one process, each result compared here.

`function_program` turns a candidate into the driver program the runner builds and runs;
`run_calls` runs it once with a fresh random token on stdin, reads the token-prefixed
result lines (nothing else on stdout counts) and judges each test with
`types.values_equal` against the canonical expected value. A test passes only when the
driver reported it exactly once, as a value, equal to the expected one. The verdict:

- the run's own failure first, as for stdio (INFRA_ERROR, OUTPUT_LIMIT, MEMORY_LIMIT,
  TIME_LIMIT), with the tests reported before it counted as passed where they passed;
- a run that ended without the driver's last line: RUNTIME_ERROR (a crash, or an
  `exit(0)` in the candidate: exiting early is never a pass);
- else the first failing test: RUNTIME_ERROR where the call raised, WRONG_ANSWER where it
  returned something else.

`tests_passed` counts every passing test: the driver runs them all anyway.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import PsftError
from ..languages import Language
from ..languages.functions import types_in
from ..languages.types import ANY, TypeSyntaxError, canonical, parse_signature, values_equal
from ..records import Problem, Status, Verdict

if TYPE_CHECKING:
    from .runner import VerifyConfig, _Job


COMPILE = -1  # the report key of a driver's `compile` line


class FunctionProblemError(PsftError):
    """A function problem this language cannot run (no driver, or a signature it cannot
    express); the candidate gets COMPILE_ERROR with this message. `reason` is the part
    without the problem's own details, the one skip counts are kept by."""

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message


def function_program(code: str, lang: Language, problem: Problem) -> str:
    """The driver program that runs candidate `code` on every test of `problem`."""
    if lang.functions is None:
        raise FunctionProblemError(
            f"{lang.display} does not take function problems yet", "no function-problem driver"
        )
    if not problem.signature:
        raise FunctionProblemError(
            f"function problem {problem.id} has no signature", "no signature"
        )
    try:
        sig = parse_signature(problem.signature, problem.entry_point)
    except TypeSyntaxError as err:
        raise FunctionProblemError(f"{problem.id}: {err}", "bad signature") from None
    reason = lang.functions.unsupported(sig)
    if ANY in types_in(sig) and not lang.functions.takes_any:
        reason = "values of no single type (Any)"
    if reason:
        raise FunctionProblemError(
            f"{lang.display} cannot express {sig}: {reason}", f"cannot express: {reason}"
        )
    try:
        return lang.functions.driver(code, sig, [test.args for test in problem.tests])
    except ValueError as err:  # a value this language has no literal for (an int > 2^63)
        raise FunctionProblemError(
            f"{lang.display} cannot write a test value: {err}", "cannot write a test value"
        ) from None


def cannot_run(problem: Problem, lang: Language) -> str | None:
    """Why `lang` cannot take `problem` (no driver, a signature or a test value it cannot
    write), without the problem's details, or None: it can, or `problem` is a stdio
    problem. Stages skip such pairs and count the reason instead of asking a model for a
    program nobody can judge. A PL the problem has a benchmark harness in can take it."""
    if problem.kind != "function" or lang.name in problem.harnesses:
        return None
    if not problem.tests and problem.harnesses:  # a benchmark's, with no typed tests
        return "the benchmark has no tests in this language"
    try:
        function_program("", lang, problem)
    except FunctionProblemError as err:
        return err.reason
    return None


def read_reports(stdout: bytes, token: str) -> tuple[dict[int, tuple[str, str]], bool]:
    """The driver's reports in `stdout`: {test index: (kind, payload)} and whether its last
    line came. A test reported twice (a forged line) is reported as "twice".

    >>> read_reports(b"t 0 ok 3\\nnoise\\nt 1 error ValueError\\nx 1 ok 9\\nt done\\n", "t")
    ({0: ('ok', '3'), 1: ('error', 'ValueError')}, True)
    """
    reports: dict[int, tuple[str, str]] = {}
    done = False
    prefix = token + " "
    # Lines end at "\n" only: str.splitlines would also break a result at a U+2028, U+2029
    # or U+0085 inside a JSON string, which JSON allows unescaped (JavaScript writes them).
    for raw in stdout.decode("utf-8", "replace").split("\n"):
        if not raw.startswith(prefix):
            continue
        rest = raw[len(prefix) :]
        if rest == "done":
            done = True
            continue
        if rest.startswith("compile "):
            reports[COMPILE] = ("compile", rest.removeprefix("compile "))
            continue
        index, _, tail = rest.partition(" ")
        kind, _, payload = tail.partition(" ")
        if not index.isdigit() or kind not in ("ok", "error"):
            continue
        i = int(index)
        reports[i] = ("twice", "") if i in reports else (kind, payload)
    return reports, done


def judge_calls(problem: Problem, reports: dict[int, tuple[str, str]]) -> tuple[int, str, str]:
    """(tests passed, first failure's status name or "", its detail) for the reports."""
    sig = parse_signature(problem.signature or "", problem.entry_point)
    passed, first = 0, ("", "")
    for i, test in enumerate(problem.tests):
        status, why = _judge_one(sig, test.args, test.expected, reports.get(i))
        if not status:
            passed += 1
        elif not first[0]:
            first = (status, f"test {i + 1}: {why}")
    return passed, *first


def _judge_one(sig, args: list[Any], expected: Any, report) -> tuple[str, str]:
    call = f"{sig.name}({', '.join(_show(a) for a in args)})"
    if report is None:
        return "RUNTIME_ERROR", f"{call}: not reported (the program ended before this call)"
    kind, payload = report
    if kind == "twice":
        return "WRONG_ANSWER", f"{call}: reported twice (a forged result line?)"
    if kind == "error":
        return "RUNTIME_ERROR", f"{call} raised {_clip(_unquote(payload))}"
    try:
        actual = json.loads(payload)
    except ValueError:
        return "WRONG_ANSWER", f"{call}: the driver's result is not JSON: {_clip(payload)}"
    want = canonical(expected, sig.returns)
    if values_equal(want, actual):
        return "", ""
    return "WRONG_ANSWER", f"{call} returned {_show(actual)}, expected {_show(want)}"


def run_calls(job: _Job, problem: Problem, config: VerifyConfig, compile_ms: float) -> Verdict:
    """Run the built driver in `job` once and judge every test (see the module docstring)."""
    from .runner import run_failure

    total = len(problem.tests)
    token = secrets.token_hex(16)
    stdin = (token + "\n").encode()  # on a pipe: once the driver has read it, it is gone
    per_test = job.limits.for_run(job.lang)
    limits = replace(
        per_test,
        cpu_s=per_test.cpu_s * max(total, 1),
        wall_s=per_test.wall_s + per_test.cpu_s * job.limits.wall_factor * max(total - 1, 0),
    )
    result = job.execute(job.run, limits, name="calls", stdin=stdin)
    reports, done = read_reports(result.stdout, token)
    if COMPILE in reports:  # the driver compiled the candidate itself, and it did not
        detail = _clip(_unquote(reports[COMPILE][1]), 300)
        return Verdict(Status.COMPILE_ERROR, 0, total, compile_ms, result.wall_s * 1000,
                       result.peak_memory_mb, detail)  # fmt: skip
    passed, status, detail = judge_calls(problem, reports)
    verdict = Verdict(Status.OK, passed, total, compile_ms, result.wall_s * 1000,
                      result.peak_memory_mb)  # fmt: skip
    failure = run_failure(result, job.lang, limits)
    if failure is not None:
        return replace(verdict, status=failure[0], detail=failure[1])
    if not done:
        how = f"exit code {result.exit_code}" if result.exit_code else "exit code 0"
        reported = f"{len(reports)} of {total} tests reported"
        return replace(
            verdict,
            status=Status.RUNTIME_ERROR,
            detail=f"the program ended before the driver finished ({how}, {reported})",
        )
    if status:
        return replace(verdict, status=Status(status), detail=detail)
    return verdict


def _show(value: Any) -> str:
    return _clip(json.dumps(value))


def _unquote(payload: str) -> str:
    try:
        value = json.loads(payload)
    except ValueError:
        return payload
    return value if isinstance(value, str) else payload


def _clip(text: str, n: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."
