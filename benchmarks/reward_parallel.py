"""The GRPO execution reward on one batch: the worker pool against a serial loop.

A batch of `--batch` completions (default 32, what one GRPO step of 4 prompts x 8
generations scores) mixes PLs and outcomes: correct and wrong programs, in Python, C and
JavaScript, on the bundled sum-two, count-words and average problems, one of them with no
code at all. The same batch is scored:

- serial: `ExecutionReward` with one worker, every program in this process, one after another;
- parallel: `ExecutionReward` with its pool (every core), first call (workers start) and
  then the mean of `--repeats` further calls (what every later training step pays).

It prints each wall time and the ratio serial / parallel, and checks that both ways give
the same rewards.

    python benchmarks/reward_parallel.py
    python benchmarks/reward_parallel.py --batch 64 --repeats 5
"""

from __future__ import annotations

import argparse
import os
import time

from parallel_sft.languages import get_language
from parallel_sft.samples import load_sample_problems
from parallel_sft.train.reward import ExecutionReward, RewardConfig

WRONG = {
    "python": "print(0)",
    "c": '#include <stdio.h>\nint main(void) { puts("0"); return 0; }',
    "javascript": "console.log(0);",
}


def batch(size: int) -> tuple[list[str], list[str], list[str]]:
    problems = {p.id: p for p in load_sample_problems()}
    kinds = []
    for lang in ("python", "c", "javascript"):
        example = get_language(lang).example
        kinds.append((f"```{lang}\n{example}\n```", "sample/sum-two", lang))
        kinds.append((f"```{lang}\n{WRONG[lang]}\n```", "sample/sum-two", lang))
    reference = problems["sample/average"].reference
    assert reference is not None
    kinds.append((f"```python\n{reference.code}\n```", "sample/average", "python"))
    kinds.append(("I cannot solve this.", "sample/count-words", "python"))
    rows = [kinds[i % len(kinds)] for i in range(size)]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def timed(reward: ExecutionReward, texts, ids, langs) -> tuple[float, list[float]]:
    started = time.perf_counter()
    rewards = reward.score(texts, ids, langs).rewards
    return time.perf_counter() - started, rewards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    problems = load_sample_problems()
    texts, ids, langs = batch(args.batch)

    with ExecutionReward(problems, RewardConfig(workers=1)) as serial:
        serial_s, serial_rewards = timed(serial, texts, ids, langs)
    with ExecutionReward(problems) as parallel:
        first_s, first_rewards = timed(parallel, texts, ids, langs)
        steady = [timed(parallel, texts, ids, langs) for _ in range(args.repeats)]
    steady_s = sum(s for s, _ in steady) / len(steady)
    assert serial_rewards == first_rewards == steady[-1][1], "the two ways disagree"

    print(f"batch of {args.batch} completions, {os.cpu_count()} cores, "
          f"{sum(serial_rewards):.0f} rewarded 1.0")  # fmt: skip
    print(f"serial loop:                 {serial_s:6.2f} s")
    print(f"pool, first call (start-up): {first_s:6.2f} s   ratio {serial_s / first_s:4.2f}x")
    print(f"pool, later calls (mean {args.repeats}):  {steady_s:6.2f} s   "
          f"ratio {serial_s / steady_s:4.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
