"""Verify a batch of candidates on every core (or across a Ray cluster), with a progress bar.

`verify_batch` is a pure batch function: a list of (Candidate, Problem) in, an equally long
list of Verdicts out, in the same order. Each worker holds one Sandbox (cgroup detection
once per worker) and judges whole candidates, so a candidate's compile and its tests stay
on one core. `on_result` sees each verdict as soon as it exists, in this process, so
callers can persist progress before the batch ends (or is interrupted). Where the workers
run is `executor`'s choice (see executors.py); callers that verify batch after batch (the
RL reward) keep one open `Workers` and pass it as `pool`, so workers start once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..languages import get_language
from ..progress import progress_bar
from ..records import Candidate, Problem, Verdict
from .executors import ExecutorSpec, LocalWorkers, Workers, open_workers
from .runner import VerifyConfig, syntax_verdict, verify_program
from .sandbox import Sandbox


def worker_pool(workers: int | None = None, *, isolate: bool = True) -> LocalWorkers:
    """Local verification workers that outlive one batch (close them when done), started
    from a fork server so that a caller's threads are not copied mid-lock."""
    return LocalWorkers(workers, isolate=isolate, fork_server=True)


def estimated_cost(candidate: Candidate, problem: Problem) -> float:
    """Seconds a candidate is likely to take, from its PL's measured costs (`compile_s`,
    `start_s`): its compile, and a start-up per process its tests need (one for a test
    driver or a benchmark's harness, one per test for stdio problems)."""
    lang = get_language(candidate.language)
    processes = 1 if problem.kind == "function" or lang.name in problem.harnesses else None
    return lang.compile_s + (processes or len(problem.tests)) * lang.start_s


def longest_first(
    work: list[tuple[int, Candidate, Problem]],
) -> list[tuple[int, Candidate, Problem]]:
    """`work` with the costliest candidates first (ties keep their order): the batch then
    ends on short jobs that fill the workers evenly, not on one long compile while the
    other workers idle. Verdicts still come back by index."""
    return sorted(work, key=lambda item: -estimated_cost(item[1], item[2]))


def verify_batch(
    items: Sequence[tuple[Candidate, Problem]],
    config: VerifyConfig = VerifyConfig(),
    *,
    workers: int | None = None,
    executor: ExecutorSpec | None = None,
    pool: Workers | None = None,
    progress: bool = True,
    on_result: Callable[[int, Verdict], None] | None = None,
) -> list[Verdict]:
    """Judge every candidate against its problem; verdicts in input order.

    `executor` says where workers run (default: a local pool); `workers` is shorthand for
    a local pool of that size and defaults to every core. With one local worker
    everything runs in this process. `pool` (open workers, with the same
    `config.isolate`) is used instead of starting workers for this batch.
    """
    executor = executor or ExecutorSpec(workers=workers)
    # Built here first so that a missing sandbox fails now, not inside every worker.
    sandbox = Sandbox(isolate=config.isolate)
    verdicts: list[Verdict | None] = [None] * len(items)

    with progress_bar(progress) as bar:
        task = bar.add_task("verifying", total=len(items))

        def record(index: int, verdict: Verdict) -> None:
            verdicts[index] = verdict
            if on_result is not None:
                on_result(index, verdict)
            bar.advance(task)

        runnable = []
        for i, (cand, problem) in enumerate(items):
            rejected = syntax_verdict(cand, problem)
            if rejected is None:
                runnable.append((i, cand, problem))
            else:
                record(i, rejected)
        runnable = longest_first(runnable)
        if not runnable:
            pass  # nothing to start workers for
        elif pool is not None:
            pool.judge(runnable, config, record)
        elif executor.kind == "local" and executor.workers == 1:
            for i, cand, problem in runnable:
                lang = get_language(cand.language)
                record(i, verify_program(cand.code, lang, problem, sandbox=sandbox, config=config))
        else:
            opened, owned = open_workers(executor, isolate=config.isolate)
            try:
                opened.judge(runnable, config, record)
            finally:
                if owned:
                    opened.close()
    return verdicts  # type: ignore[return-value]
