"""Verify a batch of candidates on every core, with a progress bar.

`verify_batch` is a pure batch function: a list of (Candidate, Problem) in, an equally long
list of Verdicts out, in the same order. Each worker process holds one Sandbox (cgroup
detection once per worker) and judges whole candidates, so a candidate's compile and its
tests stay on one core. `on_result` sees each verdict as soon as it exists, so callers can
persist progress before the batch ends (or is interrupted). Callers that verify batch after
batch (the RL reward) keep one `worker_pool` and pass it in, so workers start once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait

from ..languages import get_language
from ..progress import progress_bar
from ..records import Candidate, Problem, Verdict
from .runner import VerifyConfig, syntax_verdict, verify_program
from .sandbox import Sandbox

_worker_sandbox: Sandbox | None = None


def _init_worker(isolate: bool) -> None:
    global _worker_sandbox
    _worker_sandbox = Sandbox(isolate=isolate)


def _verify_one(code: str, language: str, problem: Problem, config: VerifyConfig) -> Verdict:
    assert _worker_sandbox is not None
    return verify_program(
        code, get_language(language), problem, sandbox=_worker_sandbox, config=config
    )


def worker_pool(workers: int | None = None, *, isolate: bool = True) -> ProcessPoolExecutor:
    """Verification workers that outlive one batch (shut them down when done).

    They start from a fork server, not by forking the caller: a trainer's process holds
    threads (torch, tokenizers) that a plain fork would copy mid-lock.
    """
    return ProcessPoolExecutor(
        workers or os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=_init_worker,
        initargs=(isolate,),
    )


def verify_batch(
    items: Sequence[tuple[Candidate, Problem]],
    config: VerifyConfig = VerifyConfig(),
    *,
    workers: int | None = None,
    pool: Executor | None = None,
    progress: bool = True,
    on_result: Callable[[int, Verdict], None] | None = None,
) -> list[Verdict]:
    """Judge every candidate against its problem; verdicts in input order.

    `workers` defaults to every core. With `workers=1` everything runs in this process.
    `pool` (from `worker_pool`, with the same `config.isolate`) is used instead of
    starting workers for this batch.
    """
    workers = workers or os.cpu_count() or 1
    # Built here first so that a missing sandbox fails now, not inside every worker.
    sandbox = Sandbox(isolate=config.isolate)
    verdicts: list[Verdict | None] = [None] * len(items)

    def record(index: int, verdict: Verdict) -> None:
        verdicts[index] = verdict
        if on_result is not None:
            on_result(index, verdict)

    with progress_bar(progress) as bar:
        task = bar.add_task("verifying", total=len(items))
        runnable = []
        for i, (cand, problem) in enumerate(items):
            rejected = syntax_verdict(cand, problem)
            if rejected is None:
                runnable.append((i, cand, problem))
            else:
                record(i, rejected)
                bar.advance(task)
        if workers == 1 and pool is None:
            for i, cand, problem in runnable:
                lang = get_language(cand.language)
                record(i, verify_program(cand.code, lang, problem, sandbox=sandbox, config=config))
                bar.advance(task)
        elif pool is not None:
            _run_pool(pool, runnable, config, workers, record, lambda: bar.advance(task))
        else:
            with ProcessPoolExecutor(
                workers, initializer=_init_worker, initargs=(config.isolate,)
            ) as ex:
                _run_pool(ex, runnable, config, workers, record, lambda: bar.advance(task))
    return verdicts  # type: ignore[return-value]


def _run_pool(
    ex: Executor,
    items: Sequence[tuple[int, Candidate, Problem]],
    config: VerifyConfig,
    workers: int,
    record: Callable[[int, Verdict], None],
    advance: Callable[[], None],
) -> None:
    # Submit in a bounded window so that an interrupt leaves little queued work behind.
    pending: dict[Future, int] = {}
    todo = iter(items)
    try:
        while True:
            for i, cand, problem in todo:
                fut = ex.submit(_verify_one, cand.code, cand.language, problem, config)
                pending[fut] = i
                if len(pending) >= workers * 4:
                    break
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                record(pending.pop(fut), fut.result())
                advance()
    except BaseException:
        for fut in pending:
            fut.cancel()
        raise
