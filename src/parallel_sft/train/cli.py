"""`psft train`: supervised fine-tuning on a built corpus, then RL with an execution reward."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

import click

from ..option_groups import option_group
from ..verify.options import executor_options, sanitize_option


def training_options(*, save_steps: int, logging_steps: int) -> Callable[[Callable], Callable]:
    """The flags every trainer takes (LoRA, length of training, precision, checkpoints),
    with the command's own defaults in their help."""
    decorators = [
        click.option("--lora/--full", default=None,
                     help="LoRA adapters (PEFT) or full fine-tuning. [default: full]"),
        click.option("--lora-r", type=int, default=None, help="[default: 16]"),
        click.option("--lora-alpha", type=int, default=None, help="[default: 32]"),
        click.option("--merge-lora/--keep-adapter", default=None,
                     help="Save LoRA merged into the model (default) or the adapter alone."),
        click.option("--max-steps", type=int, default=None,
                     help="Stop after this many optimizer steps (-1: epochs decide)."),
        click.option("--epochs", "num_train_epochs", type=float, default=None,
                     help="[default: 1]"),
        click.option("--grad-accum", "gradient_accumulation_steps", type=int, default=None,
                     help="[default: 1]"),
        click.option("--bf16/--fp32", default=None,
                     help="Default: bf16 where the GPU supports it."),
        click.option("--logging-steps", type=int, default=None,
                     help=f"[default: {logging_steps}]"),
        click.option("--save-steps", type=int, default=None,
                     help=f"Checkpoint every N steps. [default: {save_steps}]"),
        click.option("--resume", is_flag=True, default=None,
                     help="Continue from the last checkpoint in the output directory."),
        click.option("--quiet", is_flag=True, help="No progress bars, no printed logs."),
    ]  # fmt: skip
    return option_group(decorators)


@click.group("train")
def train_group() -> None:
    """Train models on a parallel-program corpus."""


def _yaml_config(path: str | None) -> dict:
    if path is None:
        return {}
    import yaml

    from ..errors import PsftError

    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as err:
        raise PsftError(f"cannot read config {path}: {str(err).splitlines()[0]}") from err
    if not isinstance(data, dict):
        raise PsftError(f"config {path} is not a mapping of option names to values")
    return {k.replace("-", "_"): v for k, v in data.items()}


@train_group.command("sft")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="YAML file with the same keys as these options (e.g. lora_r: 8); flags given "
              "on the command line win; any other key is passed to TRL's SFTConfig.")  # fmt: skip
@click.option(
    "--corpus", default=None, help="A corpus directory from psft corpus build, or a Hub dataset id."
)
@click.option(
    "--output-dir",
    default=None,
    help="Where the model, tokenizer, mixture.json and logs go. [default: runs/sft]",
)
@click.option(
    "--model",
    default=None,
    help="Base model (Hub id or directory). Default: the embedded SmolLM2-135M-Instruct.",
)
@click.option(
    "--langs",
    default=None,
    help="PLs to train on, comma-separated (default: every PL of the corpus).",
)
@click.option("--source-lang", default=None, help="The corpus's source PL. [default: python]")
@click.option(
    "--preset",
    default=None,
    help="source-only: mono in the source PL; multilingual: mono in every PL, each problem "
    "in one PL (the non-parallel control); parallel: Parallel-SFT. [default: parallel]",
)
@click.option(
    "--mixture",
    default=None,
    help="Format shares, e.g. mono=0.5,parallel=0.3,translate=0.2 (sum to 1).",
)
@click.option(
    "--num-examples",
    type=int,
    default=None,
    help="Examples in the mixture (default: one per (problem, PL) program).",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seeds the mixture, the shuffle and training. [default: 0]",
)
@click.option(
    "--extra-data", default=None, help="A general SFT dataset (Hub id or local file) mixed in."
)
@click.option(
    "--extra-share",
    type=float,
    default=None,
    help="Share of --extra-data in the final mixture, in [0, 1).",
)
@click.option(
    "--batch-size",
    "per_device_train_batch_size",
    type=int,
    default=None,
    help="Per device. [default: 4]",
)
@click.option("--lr", "learning_rate", type=float, default=None, help="[default: 2e-5]")
@click.option(
    "--max-length",
    type=int,
    default=None,
    help="Tokens per sequence (the block size when packing). [default: 2048]",
)
@click.option(
    "--packing/--no-packing", default=None, help="Pack examples into full blocks. [default: off]"
)
@training_options(save_steps=500, logging_steps=10)
def sft_command(config_file, quiet, **options) -> None:
    """Supervised fine-tuning on a Parallel-SFT mixture (TRL SFTTrainer).

    Examples come in three formats rendered with the model's chat template, trained on the
    completion only: mono (statement -> program in one PL), parallel (statement -> the
    programs in several PLs) and translate (program in PL a -> program in PL b). Problems
    of the corpus's test split never enter training.

    \b
    Examples:
      psft train sft --corpus runs/corpus --lora --max-steps 10 --output-dir runs/sft
      accelerate launch --config_file src/parallel_sft/train/configs/fsdp.yaml \\
          -m parallel_sft.cli train sft --config sft.yaml
    """
    from ..progress import silence_library_progress
    from .sft import train_sft

    if quiet:
        silence_library_progress()
    config = sft_run_config(config_file, options)
    summary = train_sft(config, progress=not quiet)
    click.echo(
        f"trained {summary['model']} for {summary['steps']} steps on {summary['examples']} "
        f"examples: train loss {summary['train_loss']:.4f}, {summary['tokens_seen']} tokens "
        f"({summary['tokens_per_s']:.0f} tokens/s); saved to {config.output_dir}"
    )


@train_group.command("rl")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="YAML file with the same keys as these options; flags given on the command "
              "line win; any other key is passed to TRL's GRPOConfig.")  # fmt: skip
@click.option(
    "--problems",
    default=None,
    help="A corpus directory (its train split), a corpus on the Hub, or any source psft "
    "corpus build accepts (sample, deepmind/code_contests, a JSONL file, ...).",
)
@click.option(
    "--output-dir",
    "--out",
    "output_dir",
    default=None,
    help="Where the model, tokenizer and logs go. [default: runs/rl]",
)
@click.option(
    "--model",
    default=None,
    help="The policy to start from, usually a psft train sft output (directory or Hub id). "
    "Default: the embedded SmolLM2-135M-Instruct.",
)
@click.option(
    "--lang",
    "--langs",
    "langs",
    default=None,
    help="PL(s) to solve in, comma-separated; the reward routes each prompt by its PL. "
    "[default: python]",
)
@click.option("--split", default=None, help="Split of --problems. [default: train]")
@click.option("--limit", type=int, default=None, help="Use only the first N problems.")
@click.option(
    "--reward",
    type=click.Choice(["binary", "fraction"]),
    default=None,
    help="binary: 1 when every test passes (the paper's reward); fraction: share of tests "
    "passed. [default: binary]",
)
@click.option(
    "--no-code-penalty",
    type=float,
    default=None,
    help="Subtracted from the reward of a completion with no extractable program. [default: 0]",
)
@executor_options(workers="--reward-workers", config_file=True)
@sanitize_option(default=None)
@click.option("--seed", type=int, default=None, help="[default: 0]")
@click.option(
    "--batch-size",
    "per_device_train_batch_size",
    type=int,
    default=None,
    help="Completions per device per step; a multiple of --num-generations. [default: 8]",
)
@click.option(
    "--num-generations", type=int, default=None, help="Samples per prompt (the group). [default: 8]"
)
@click.option("--max-completion-length", type=int, default=None, help="Tokens. [default: 1024]")
@click.option("--temperature", type=float, default=None, help="[default: 1.0]")
@click.option(
    "--beta", type=float, default=None, help="KL weight; 0 loads no reference model. [default: 0]"
)
@click.option(
    "--loss-type", default=None, help="TRL's: grpo, dr_grpo, dapo, bnpo, ... [default: dapo]"
)
@click.option("--lr", "learning_rate", type=float, default=None, help="[default: 1e-6]")
@click.option(
    "--use-vllm", is_flag=True, default=None, help="Generate with vLLM (needs vLLM and a GPU)."
)
@click.option(
    "--vllm-mode",
    type=click.Choice(["colocate", "server"]),
    default=None,
    help="colocate: vLLM in the training process; server: a `trl vllm-serve` process. "
    "[default: colocate]",
)
@training_options(save_steps=100, logging_steps=1)
def rl_command(config_file, quiet, **options) -> None:
    """RL with an execution reward: GRPO (TRL GRPOTrainer) on problems with tests.

    Each prompt is a problem statement with the PL's instructions (the prompt evaluation
    uses). Every completion's program is extracted, run in the sandbox against the
    problem's tests, and rewarded 1 if all pass (or by the share passed). Each step logs
    the mean reward, pass rate, verdict mix, completion length and reward time.

    \b
    Examples:
      psft train rl --model runs/sft --problems runs/corpus --lang python --out runs/rl
      psft train rl --problems sample --lora --max-steps 3 --num-generations 4 \\
          --batch-size 4 --max-completion-length 128 --out runs/rl
      accelerate launch --config_file src/parallel_sft/train/configs/fsdp.yaml \\
          -m parallel_sft.cli train rl --config rl.yaml
    """
    from ..progress import silence_library_progress
    from .rl import train_rl

    if quiet:
        silence_library_progress()
    config = rl_run_config(config_file, options)
    summary = train_rl(config, progress=not quiet)
    click.echo(
        f"trained {summary['model']} for {summary['steps']} GRPO steps on {summary['prompts']} "
        f"prompts: mean reward {summary['mean_reward']:.3f}, pass rate "
        f"{summary['pass_rate']:.3f}, {summary['seconds_per_step']:.1f} s/step "
        f"({summary['reward_share']:.0%} in the reward); saved to {config.output_dir}"
    )


def sft_run_config(config_file: str | None, options: dict):  # -> SFTRunConfig
    """The SFT run's config: the YAML file's values, overridden by the flags given."""
    from trl import SFTConfig

    from .sft import SFTRunConfig

    merged, extra = _merge(SFTRunConfig, SFTConfig, config_file, options, required="corpus")
    if merged.get("mixture") and "preset" not in merged:
        merged["preset"] = None  # explicit shares over every problem, no preset's rules
    return SFTRunConfig(**merged, training_args=extra)


def rl_run_config(config_file: str | None, options: dict):  # -> RLRunConfig
    """The RL run's config: the YAML file's values, overridden by the flags given."""
    from trl import GRPOConfig

    from .rl import RLRunConfig

    merged, extra = _merge(RLRunConfig, GRPOConfig, config_file, options, required="problems")
    return RLRunConfig(**merged, training_args=extra)


def _merge(run_cls, trl_cls, config_file: str | None, options: dict, *, required: str):
    """(our options, TRL-only options) from the YAML file and the flags; flags win."""
    from ..errors import PsftError

    values = _yaml_config(config_file)
    known = {f.name for f in fields(run_cls)} - {"training_args"}
    extra = {k: v for k, v in values.items() if k not in known}
    unknown = sorted(set(extra) - set(trl_cls.__dataclass_fields__))
    if unknown:
        raise PsftError(f"config {config_file}: unknown option(s) {', '.join(unknown)}")
    merged = {k: v for k, v in values.items() if k in known}
    merged.update({k: v for k, v in options.items() if v is not None})
    if not merged.get(required):
        raise PsftError(f"--{required} is required (or {required}: in --config)")
    if isinstance(merged.get("langs"), str):
        merged["langs"] = tuple(x.strip() for x in merged["langs"].split(",") if x.strip())
    return merged, extra
