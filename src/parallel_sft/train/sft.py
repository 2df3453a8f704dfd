"""`train_sft`: Parallel-SFT (or a baseline mixture) on TRL's SFTTrainer.

The mixture comes from `train/mixture.py`; everything about the optimisation is TRL's and
transformers': SFTTrainer on prompt-completion chats (loss on the completion only), LoRA
through PEFT, packing, gradient accumulation, checkpoints and resume. Multi-GPU and
multi-node runs are `accelerate launch` of the same command with the configs in
`train/configs/`. The output directory holds a model `AutoModelForCausalLM` loads (LoRA
adapters merged unless asked otherwise), its tokenizer, `mixture.json` (which problems and
formats went in) and `training_log.json` (the trainer's log history).
"""

from __future__ import annotations

import resource
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PsftError
from .mixture import (
    MixtureSpec,
    build_mixture,
    check_no_leak,
    corpus_problems,
    manifest,
    parse_mixture,
    preset_spec,
)
from .model_io import (
    default_bf16,
    load_model,
    lora_config,
    quiet_logs,
    save_trained,
    write_json,
)


@dataclass
class SFTRunConfig:
    """Every option of `psft train sft` (a YAML config file holds the same keys; other
    keys there go to TRL's SFTConfig as they are)."""

    corpus: str
    output_dir: str = "runs/sft"
    model: str | None = None  # None: the embedded SmolLM2-135M-Instruct
    langs: tuple[str, ...] = ()  # () : every PL of the corpus
    source_lang: str = "python"
    preset: str | None = "parallel"
    mixture: str | None = None  # overrides the preset's shares
    num_examples: int | None = None
    seed: int = 0
    extra_data: str | None = None
    extra_share: float = 0.0
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    merge_lora: bool = True
    max_steps: int = -1
    num_train_epochs: float = 1.0
    per_device_train_batch_size: int = 4
    gradient_accumulation_steps: int = 1
    learning_rate: float = 2e-5
    max_length: int = 2048
    packing: bool = False
    bf16: bool | None = None  # None: where the device supports it
    logging_steps: int = 10
    save_steps: int = 500
    resume: bool = False
    training_args: dict[str, Any] = field(default_factory=dict)


def prepare_dataset(config: SFTRunConfig):  # -> (datasets.Dataset, Manifest)
    """The mixture as a prompt-completion `datasets.Dataset`, and its manifest."""
    import datasets

    from ..corpus.read import row_programs
    from ..languages import parse_languages
    from .data import load_corpus, load_extra

    if not 0.0 <= config.extra_share < 1.0:
        raise PsftError("--extra-share must be in [0, 1)")
    shares = (
        parse_mixture(config.mixture)
        if config.mixture
        else preset_spec(config.preset or "parallel")
    )
    if config.preset is not None:
        preset_spec(config.preset)  # an unknown preset fails even with --mixture
    train_rows, test_rows = load_corpus(config.corpus)
    available = sorted({lang for row in train_rows for lang in row_programs(row)})
    langs = (
        [lang.name for lang in parse_languages(",".join(config.langs))]
        if config.langs
        else available
    )
    missing = [lang for lang in langs if lang not in available]
    if missing:
        raise PsftError(
            f"corpus {config.corpus!r} has no verified programs in {', '.join(missing)}; "
            f"it has: {', '.join(available) or 'none'}"
        )
    spec = MixtureSpec(
        shares=shares, langs=tuple(langs), source_lang=config.source_lang, preset=config.preset,
        num_examples=config.num_examples, seed=config.seed,
    )  # fmt: skip
    examples = build_mixture(corpus_problems(train_rows, langs), spec)
    check_no_leak(examples, {r["id"]: r["statement"] for r in test_rows})
    rows = [ex.row() for ex in examples]
    info = manifest(examples, spec, excluded=len(test_rows))
    if config.extra_data and config.extra_share > 0:
        count = round(len(rows) * config.extra_share / (1 - config.extra_share))
        rows += load_extra(config.extra_data, count, config.seed)
        info.extra = {"source": config.extra_data, "examples": count}
    dataset = datasets.Dataset.from_list(rows).shuffle(seed=config.seed)
    return dataset, info


def train_sft(config: SFTRunConfig, *, progress: bool = True) -> dict[str, Any]:
    """Build the mixture, train, save; returns the run's summary (also in summary.json)."""
    from transformers.trainer_utils import get_last_checkpoint
    from trl import SFTConfig, SFTTrainer

    out = Path(config.output_dir)
    dataset, info = prepare_dataset(config)
    model, tokenizer, label = load_model(config.model)
    args = SFTConfig(
        output_dir=str(out),
        max_steps=config.max_steps,
        num_train_epochs=config.num_train_epochs,
        per_device_train_batch_size=config.per_device_train_batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps,
        learning_rate=config.learning_rate,
        max_length=config.max_length,
        packing=config.packing,
        bf16=default_bf16(config.bf16),
        logging_steps=config.logging_steps,
        save_steps=config.save_steps,
        seed=config.seed,
        data_seed=config.seed,
        report_to="none",
        include_num_input_tokens_seen="all",
        disable_tqdm=not progress,
        completion_only_loss=True,
        **config.training_args,
    )
    peft_config = None
    if config.lora:
        peft_config = lora_config(config.lora_r, config.lora_alpha, config.lora_dropout)
    trainer = SFTTrainer(
        model=model, args=args, train_dataset=dataset, processing_class=tokenizer,
        peft_config=peft_config,
    )  # fmt: skip
    quiet_logs(trainer, progress)
    resume = get_last_checkpoint(str(out)) if config.resume and out.exists() else None
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=resume)
    seconds = time.perf_counter() - started
    save_trained(trainer, tokenizer, out, merge_lora=config.lora and config.merge_lora)
    tokens = int(trainer.state.num_input_tokens_seen or 0)
    summary = {
        "model": label,
        "steps": trainer.state.global_step,
        "train_loss": result.training_loss,
        "examples": len(dataset),
        "tokens_seen": tokens,
        "tokens_per_s": tokens / seconds if seconds else 0.0,
        "seconds": seconds,
        "resumed_from": resume,
        "lora": config.lora,
        "merged": config.lora and config.merge_lora,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    write_json(out / "mixture.json", asdict(info))
    write_json(out / "training_log.json", trainer.state.log_history)
    write_json(out / "summary.json", {**summary, "config": asdict(config)})
    return summary
