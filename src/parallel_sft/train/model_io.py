"""What `psft train sft` and `psft train rl` share around TRL's trainers: loading the
model and tokenizer, the LoRA config, the bf16 default, saving the result, and the run's
JSON files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import PsftError


def load_model(name: str | None, *, chat: bool = True):  # -> (model, tokenizer, label)
    """A causal LM and its tokenizer; None is the embedded SmolLM2 (converted once).
    `chat` requires a chat template (training renders chats; analysis reads raw code)."""
    import torch
    import transformers

    if name is None:
        from ..backends.embedded import DEFAULT_MODEL_NAME, default_model_path

        path, label = str(default_model_path()), DEFAULT_MODEL_NAME
    else:
        path, label = name, name
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(path)
        model = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    except (OSError, ValueError) as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise PsftError(f"model {label!r} does not load: {reason}") from err
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if chat and tokenizer.chat_template is None:
        raise PsftError(f"model {label!r} has no chat template; training renders chats with it")
    return model, tokenizer, label


def default_bf16(bf16: bool | None) -> bool:
    """bf16 where the device supports it, unless the run says otherwise."""
    import torch

    if bf16 is not None:
        return bf16
    return torch.cuda.is_available() and torch.cuda.is_bf16_supported()


def lora_config(r: int, alpha: int, dropout: float):  # -> peft.LoraConfig
    from peft import LoraConfig

    return LoraConfig(
        r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules="all-linear",
        task_type="CAUSAL_LM",
    )  # fmt: skip


def quiet_logs(trainer, progress: bool) -> None:
    """Without a progress bar, transformers prints every log dict instead; --quiet means
    neither (the logs still go to training_log.json)."""
    from transformers.trainer_callback import PrinterCallback

    if not progress:
        trainer.remove_callback(PrinterCallback)


def save_trained(trainer, tokenizer, out: Path, *, merge_lora: bool) -> None:
    """The trained model where `from_pretrained(out)` loads it: LoRA adapters merged into
    the weights when `merge_lora`, else saved as they are."""
    model = trainer.model
    if merge_lora and hasattr(model, "merge_and_unload"):
        model.merge_and_unload().save_pretrained(str(out))
    else:
        trainer.save_model(str(out))
    tokenizer.save_pretrained(str(out))


def write_json(path: Path, value: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=2, default=str) + "\n")
    tmp.replace(path)
