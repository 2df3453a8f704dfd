"""Where sandbox workers run: a process pool on this machine (the default) or actors on a
Ray cluster. The choice changes nothing else.

An open executor (`Workers`) takes runnable work, `(index, Candidate, Problem)` triples
that passed the syntax check, and calls `record(index, verdict)` once per index as each
verdict arrives, in this (the driver's) process: the caches, shards and partial files
that callers keep are written here, exactly as with the local pool.

- `LocalWorkers`: a `ProcessPoolExecutor`, one Sandbox per worker process.
- `RayWorkers` (`ray_workers.py`): one actor per CPU the cluster offers, each with its own
  Sandbox; a node or actor that dies has its batches run again on the others.

`ExecutorSpec` is the user's choice (`--executor`, `--workers`, `--ray-address`); `open`
turns it into workers. Ray workers are kept per driver process and reused by later
batches (a corpus build verifies shard after shard), so actors start once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Literal, Protocol

from ..languages import get_language
from ..records import Candidate, Problem, Verdict
from .runner import VerifyConfig, verify_program
from .sandbox import Sandbox

Work = Sequence[tuple[int, Candidate, Problem]]
Record = Callable[[int, Verdict], None]

EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class ExecutorSpec:
    """How verification is spread out: `local` (a process pool here) or `ray`.

    `workers`: local: worker processes (default: every core); ray: actors (default: one
    per CPU in the cluster). `address`: ray only, the cluster to join (`auto`: the one
    `ray start` started on this machine, or $RAY_ADDRESS).
    """

    kind: Literal["local", "ray"] = "local"
    workers: int | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EXECUTORS:
            raise ValueError(f"unknown executor {self.kind!r}; known: {', '.join(EXECUTORS)}")


class Workers(Protocol):
    """An open executor: judges runnable work, reports each verdict through `record`."""

    def judge(self, work: Work, config: VerifyConfig, record: Record) -> None: ...

    def close(self) -> None: ...


# --- the local process pool ---------------------------------------------------------------

_worker_sandbox: Sandbox | None = None


def _init_worker(isolate: bool) -> None:
    global _worker_sandbox
    _worker_sandbox = Sandbox(isolate=isolate)


def _verify_one(code: str, language: str, problem: Problem, config: VerifyConfig) -> Verdict:
    assert _worker_sandbox is not None
    return verify_program(
        code, get_language(language), problem, sandbox=_worker_sandbox, config=config
    )


class LocalWorkers:
    """Worker processes on this machine. `fork_server`: start them from a fork server,
    not by forking the caller: a trainer's process holds threads (torch, tokenizers) that
    a plain fork would copy mid-lock."""

    def __init__(self, workers: int | None = None, *, isolate: bool = True,
                 fork_server: bool = False):  # fmt: skip
        self.workers = workers or os.cpu_count() or 1
        self.pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("forkserver") if fork_server else None,
            initializer=_init_worker,
            initargs=(isolate,),
        )

    def judge(self, work: Work, config: VerifyConfig, record: Record) -> None:
        # Submit in a bounded window so that an interrupt leaves little queued work behind.
        pending: dict[Future, int] = {}
        todo = iter(work)
        try:
            while True:
                for i, cand, problem in todo:
                    fut = self.pool.submit(_verify_one, cand.code, cand.language, problem, config)
                    pending[fut] = i
                    if len(pending) >= self.workers * 4:
                        break
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    record(pending.pop(fut), fut.result())
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> LocalWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workers(
    spec: ExecutorSpec, *, isolate: bool, fork_server: bool = False
) -> tuple[Workers, bool]:
    """Workers for `spec`, and whether the caller owns them (must close them when done).
    Ray workers are shared by every batch of this process and closed at its exit."""
    if spec.kind == "ray":
        from .ray_workers import shared_ray_workers

        return shared_ray_workers(spec.address, spec.workers, isolate=isolate), False
    return LocalWorkers(spec.workers, isolate=isolate, fork_server=fork_server), True


def executor_summary(spec: ExecutorSpec) -> str | None:
    """One line on what a Ray run's workers did (programs, actors, nodes, batches retried);
    None for the local pool, which has nothing to add."""
    if spec.kind != "ray":
        return None
    from .ray_workers import ray_summary

    return ray_summary()
