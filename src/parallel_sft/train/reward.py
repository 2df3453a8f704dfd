"""The execution reward for GRPO: run each completion's program against its problem's tests.

A completion goes through the same steps as a translation or an evaluation sample:
`response_candidate` extracts the program with the tree-sitter layer and checks its syntax,
then `verify_batch` judges the whole batch in the sandbox, spread over a pool of worker
processes that lives as long as the reward (so generation waits for the slowest program,
not for the sum of them).

- ``binary`` (the paper's reward): 1.0 when every test passes, else 0.0.
- ``fraction``: the share of tests passed (every test runs, not only up to the first
  failure).
- ``no_code_penalty``: subtracted from the reward of a completion with no extractable
  program, to teach the answer format early in training.

INFRA_ERROR (the sandbox or a toolchain failed, not the program) is never scored: the
runner retries it, this reward retries the affected programs again, and if they still
cannot be judged the training stops with `RewardInfraError` (resume from the last
checkpoint once the machine is fixed). Scoring them 0 would teach the model that correct
programs are wrong.

Each row's ``language`` column routes its completion, so one batch can mix PLs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import PsftError
from ..records import Problem, Status, Verdict
from ..verify.executors import EXECUTORS, ExecutorSpec, Workers, open_workers
from ..verify.pool import verify_batch
from ..verify.responses import response_candidate
from ..verify.runner import VerifyConfig

REWARD_MODES = ("binary", "fraction")


class RewardInfraError(PsftError):
    """Programs that the sandbox could not judge even after retries."""


@dataclass(frozen=True)
class RewardConfig:
    mode: str = "binary"
    no_code_penalty: float = 0.0
    infra_retries: int = 2  # extra passes over INFRA_ERROR programs, after the runner's own
    retry_wait_s: float = 1.0  # doubled before each further pass
    workers: int | None = None  # verification workers; None: every core (cluster CPU on Ray)
    executor: str = "local"  # where they run: local (a process pool) or ray (a cluster)
    ray_address: str | None = None  # ray: the cluster; None: `auto`
    verify: VerifyConfig = field(default_factory=VerifyConfig)

    def __post_init__(self) -> None:
        if self.mode not in REWARD_MODES:
            raise PsftError(f"unknown reward {self.mode!r}; choose {' or '.join(REWARD_MODES)}")
        if self.executor not in EXECUTORS:
            raise PsftError(f"unknown executor {self.executor!r}; choose {' or '.join(EXECUTORS)}")

    @property
    def executor_spec(self) -> ExecutorSpec:
        return ExecutorSpec(self.executor, self.workers, self.ray_address)  # type: ignore[arg-type]


@dataclass
class ScoredBatch:
    rewards: list[float]
    verdicts: list[Verdict]
    metrics: dict[str, float]


def completion_text(completion: str | list[dict[str, Any]]) -> str:
    """The text of a TRL completion: a string, or a conversational list of messages."""
    if isinstance(completion, str):
        return completion
    return "".join(str(m.get("content") or "") for m in completion if m.get("role") == "assistant")


class ExecutionReward:
    """A TRL reward function: ``reward(prompts, completions, problem_id, language, ...)``.

    The dataset rows carry ``problem_id`` and ``language``; the problems (with their tests)
    are held here rather than copied into every row. Call `close` (or use ``with``) to stop
    the worker processes.
    """

    __name__ = "execution"  # TRL names the reward's log columns after it

    def __init__(self, problems: Mapping[str, Problem] | Sequence[Problem], config=None):
        if not isinstance(problems, Mapping):
            problems = {p.id: p for p in problems}
        self.problems = dict(problems)
        self.config = config or RewardConfig()
        if self.config.mode == "fraction":
            self._verify = replace(self.config.verify, all_tests=True)
        else:
            self._verify = self.config.verify
        self._pool: Workers | None = None
        self._owned = False  # a local pool is ours to close; Ray's actors are shared
        self.seconds = 0.0  # time spent scoring, over the reward's life
        self.calls = 0

    def __call__(
        self,
        prompts: list[Any],
        completions: list[Any],
        problem_id: list[str],
        language: list[str],
        log_metric=None,
        log_extra=None,
        **_: Any,
    ) -> list[float]:
        scored = self.score([completion_text(c) for c in completions], problem_id, language)
        if log_metric is not None:
            for name, value in scored.metrics.items():
                log_metric(name, value)
        if log_extra is not None:
            log_extra("verdict", [v.status.value for v in scored.verdicts])
        return scored.rewards

    def score(
        self, texts: Sequence[str], problem_ids: Sequence[str], languages: Sequence[str]
    ) -> ScoredBatch:
        """Rewards, verdicts and step metrics for a batch of completion texts."""
        started = time.perf_counter()
        unknown = sorted(set(problem_ids) - set(self.problems))
        if unknown:
            raise PsftError(f"reward has no tests for problem {unknown[0]!r}")
        items = [
            (response_candidate(pid, lang, text), self.problems[pid])
            for text, pid, lang in zip(texts, problem_ids, languages, strict=True)
        ]
        verdicts = self._judge(items)
        rewards = [self._reward(c, v) for (c, _), v in zip(items, verdicts, strict=True)]
        seconds = time.perf_counter() - started
        self.seconds += seconds
        self.calls += 1
        return ScoredBatch(rewards, verdicts, _metrics(items, verdicts, seconds))

    def _judge(self, items: list) -> list[Verdict]:
        pool = self._worker_pool()
        verdicts = self._verify_batch(items, pool)
        wait = self.config.retry_wait_s
        for _ in range(self.config.infra_retries):
            again = [i for i, v in enumerate(verdicts) if v.status is Status.INFRA_ERROR]
            if not again:
                break
            time.sleep(wait)
            wait *= 2
            redone = self._verify_batch([items[i] for i in again], pool)
            for i, verdict in zip(again, redone, strict=True):
                verdicts[i] = verdict
        failed = [v for v in verdicts if v.status is Status.INFRA_ERROR]
        if failed:
            raise RewardInfraError(
                f"{len(failed)} of {len(items)} programs could not be judged (INFRA_ERROR "
                f"after retries: {failed[0].detail}); stopping rather than scoring them 0. "
                "Fix the sandbox or toolchain and rerun with --resume"
            )
        return verdicts

    def _verify_batch(self, items: list, pool: Workers | None) -> list[Verdict]:
        return verify_batch(
            items, self._verify, executor=self.config.executor_spec, pool=pool, progress=False
        )

    def _reward(self, candidate, verdict: Verdict) -> float:
        if not candidate.code:
            return -self.config.no_code_penalty
        if self.config.mode == "fraction":
            return verdict.tests_passed / verdict.tests_total if verdict.tests_total else 0.0
        return 1.0 if verdict.ok else 0.0

    def _worker_pool(self) -> Workers | None:
        spec = self.config.executor_spec
        if spec.kind == "local" and spec.workers == 1:
            return None  # in this process: verify_batch's serial path
        if self._pool is None:
            # Forked from a fork server: the trainer's threads must not be copied mid-lock.
            self._pool, self._owned = open_workers(
                spec, isolate=self._verify.isolate, fork_server=True
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None and self._owned:
            self._pool.close()
        self._pool = None

    def __enter__(self) -> ExecutionReward:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


def _metrics(items: list, verdicts: list[Verdict], seconds: float) -> dict[str, float]:
    """What a step logs beside TRL's own reward and completion-length columns."""
    n = len(verdicts) or 1
    counts = Counter(v.status for v in verdicts)
    metrics = {
        "execution/pass_rate": counts[Status.OK] / n,
        "execution/no_code": sum(not c.code for c, _ in items) / n,
        "execution/reward_seconds": seconds,
    }
    # Every status every step, so averages over a logging window stay comparable.
    metrics.update({f"verdicts/{s.value}": counts[s] / n for s in Status})
    return metrics
