"""Verdicts remembered across runs: a program judged once is never judged again.

A verdict is keyed by everything it depends on: the PL, the program text, the problem
(statement, tests, limits) and the judging config. INFRA_ERROR verdicts are never stored,
so a rerun judges those programs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict

from ..records import Candidate, Problem, Status, Verdict
from ..store import JsonlStore
from .executors import ExecutorSpec
from .pool import verify_batch
from .runner import VerifyConfig


def problem_digest(problem: Problem) -> str:
    return _digest(problem.to_dict())


def verdict_key(candidate: Candidate, problem: Problem, config: VerifyConfig) -> str:
    syntax = [candidate.extra.get("syntax_ok", True), candidate.extra.get("syntax_error", "")]
    return _digest(
        [candidate.language, candidate.code, syntax, problem_digest(problem), asdict(config)]
    )


class VerdictCache(JsonlStore):
    def get(self, key: str) -> Verdict | None:
        value = self.get_value(key)
        return None if value is None else Verdict.from_dict(value)

    def put(self, key: str, verdict: Verdict) -> None:
        if verdict.status is not Status.INFRA_ERROR:
            self.put_value(key, verdict.to_dict())


def verify_cached(
    items: Sequence[tuple[Candidate, Problem]],
    config: VerifyConfig,
    cache: VerdictCache,
    *,
    executor: ExecutorSpec | None = None,
    progress: bool = True,
) -> tuple[list[Verdict], int]:
    """`verify_batch` that skips every program the cache has seen; (verdicts, reused)."""
    keys = [verdict_key(c, p, config) for c, p in items]
    verdicts: list[Verdict | None] = [cache.get(k) for k in keys]
    todo = [i for i, v in enumerate(verdicts) if v is None]

    def save(j: int, verdict: Verdict) -> None:
        cache.put(keys[todo[j]], verdict)

    if todo:
        fresh = verify_batch(
            [items[i] for i in todo], config, executor=executor, progress=progress, on_result=save
        )
        for i, verdict in zip(todo, fresh, strict=True):
            verdicts[i] = verdict
    return verdicts, len(items) - len(todo)  # type: ignore[return-value]


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:32]
