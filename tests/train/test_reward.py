"""The GRPO execution reward, with real sandboxed executions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from parallel_sft.errors import PsftError
from parallel_sft.languages import LANGUAGES
from parallel_sft.records import Problem, Status, Test, Verdict
from parallel_sft.train import reward as reward_module
from parallel_sft.train.reward import ExecutionReward, RewardConfig, RewardInfraError

SUM = "sample/sum-two"


def fenced(lang: str, code: str) -> str:
    return f"Here is my solution.\n```{lang}\n{code}\n```\n"


CORRECT = fenced("python", "a, b = map(int, input().split())\nprint(a + b)")
WRONG = fenced("python", "a, b = map(int, input().split())\nprint(a - b)")
CRASH = fenced("python", "raise SystemExit(3)")
LOOP = fenced("python", "while True:\n    pass")
PROSE = "I would add the two numbers and print the sum."


@pytest.fixture(scope="module")
def problems(samples) -> dict[str, Problem]:
    sum_two = replace(samples[SUM], time_limit_s=0.5)
    # Three tests, where `a - b` passes only the ones with b = 0.
    partial = Problem(
        "test/partial", "test", "print a + b",
        [Test("5 0\n", "5\n"), Test("7 0\n", "7\n"), Test("2 2\n", "4\n")],
    )  # fmt: skip
    return {SUM: sum_two, partial.id: partial}


@pytest.fixture(scope="module")
def reward(problems):
    with ExecutionReward(problems) as r:
        yield r


def test_binary_reward_with_real_executions(reward):
    texts = [CORRECT, WRONG, CRASH, LOOP, PROSE]
    scored = reward.score(texts, [SUM] * 5, ["python"] * 5)
    assert scored.rewards == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert [v.status for v in scored.verdicts] == [
        Status.OK, Status.WRONG_ANSWER, Status.RUNTIME_ERROR, Status.TIME_LIMIT,
        Status.SYNTAX_ERROR,
    ]  # fmt: skip
    m = scored.metrics
    assert m["execution/pass_rate"] == pytest.approx(0.2)
    assert m["execution/no_code"] == pytest.approx(0.2)
    assert m["verdicts/TIME_LIMIT"] == pytest.approx(0.2)
    assert sum(m[f"verdicts/{s.value}"] for s in Status) == pytest.approx(1.0)
    assert m["execution/reward_seconds"] > 0


def test_no_code_penalty_and_fraction_of_tests(problems):
    config = RewardConfig(mode="fraction", no_code_penalty=0.25, workers=1)
    with ExecutionReward(problems, config) as r:
        scored = r.score([CORRECT, WRONG, PROSE], ["test/partial"] * 3, ["python"] * 3)
    assert scored.rewards == [1.0, pytest.approx(2 / 3), -0.25]
    assert scored.verdicts[1].tests_passed == 2  # every test ran, not only the first failure


def test_mixed_languages_are_routed_by_row(reward):
    programs = {lang: LANGUAGES[lang].example for lang in ("c", "javascript", "lua")}
    texts = [fenced(lang, code) for lang, code in programs.items()]
    langs = list(programs)
    # The same C program under a Lua row is judged as Lua, and fails.
    texts.append(texts[0])
    langs.append("lua")
    scored = reward.score(texts, [SUM] * 4, langs)
    assert scored.rewards == [1.0, 1.0, 1.0, 0.0]
    assert scored.verdicts[3].status is Status.SYNTAX_ERROR


def test_called_the_way_trl_calls_it(reward):
    logged, extra = {}, {}
    prompts = [[{"role": "user", "content": "sum"}]] * 2
    completions = [[{"role": "assistant", "content": t}] for t in (CORRECT, WRONG)]
    rewards = reward(
        prompts=prompts, completions=completions, completion_ids=[[1], [2]],
        problem_id=[SUM, SUM], language=["python", "python"], trainer_state=None,
        log_metric=logged.__setitem__, log_extra=extra.__setitem__,
    )  # fmt: skip
    assert rewards == [1.0, 0.0]
    assert logged["execution/pass_rate"] == 0.5
    assert extra["verdict"] == ["OK", "WRONG_ANSWER"]


def test_infrastructure_failures_are_retried_not_scored(problems, monkeypatch):
    real = reward_module.verify_batch
    calls = []

    def flaky(items, config, **kw):
        calls.append(len(items))
        verdicts = real(items, config, **kw)
        if len(calls) == 1:  # the first pass loses the second program to the sandbox
            verdicts[1] = Verdict(Status.INFRA_ERROR, 0, 1, detail="bwrap: cannot mount")
        return verdicts

    monkeypatch.setattr(reward_module, "verify_batch", flaky)
    config = RewardConfig(workers=1, retry_wait_s=0.0)
    with ExecutionReward(problems, config) as r:
        scored = r.score([WRONG, CORRECT], [SUM, SUM], ["python", "python"])
    assert scored.rewards == [0.0, 1.0]
    assert calls == [2, 1]  # only the failed program ran again


def test_infrastructure_that_stays_down_stops_training(problems, monkeypatch):
    def broken(items, config, **kw):
        return [Verdict(Status.INFRA_ERROR, 0, 1, detail="sandbox failed to start")] * len(items)

    monkeypatch.setattr(reward_module, "verify_batch", broken)
    with ExecutionReward(problems, RewardConfig(workers=1, retry_wait_s=0.0)) as r:
        with pytest.raises(RewardInfraError, match="1 of 1 programs could not be judged"):
            r.score([CORRECT], [SUM], ["python"])


def test_bad_input(problems):
    with pytest.raises(PsftError, match="unknown reward 'partial'"):
        RewardConfig(mode="partial")
    with pytest.raises(PsftError, match="unknown executor 'slurm'; choose local or ray"):
        RewardConfig(executor="slurm")
    with ExecutionReward(problems, RewardConfig(workers=1)) as r:
        with pytest.raises(PsftError, match="no tests for problem 'nope'"):
            r.score([CORRECT], ["nope"], ["python"])
