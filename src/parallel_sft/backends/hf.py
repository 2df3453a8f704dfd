"""Local generation with transformers: batches of chats through `model.generate`, on CPU
(float32) or GPU (bfloat16 where the card supports it, else float16).

Chats go through the tokenizer's chat template and are left-padded into batches of
`batch_size`; each batch samples `n` sequences per chat (`num_return_sequences`) after
`torch.manual_seed(params.seed)`, so a rerun with the same chats, batch size and seed gives
the same text on the same hardware. With `temperature=0` decoding is greedy: one sequence
per chat, repeated `n` times.

`model` is a checkpoint directory, a `.gguf` file, or a Hub id that is already in the
Hugging Face cache (a download happens only when HF_HUB_OFFLINE is unset and the Hub can be
reached); None means the embedded SmolLM2-135M-Instruct (`embedded.py`).
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .base import (
    Backend,
    Completion,
    MissingDependencyError,
    ModelNotFoundError,
    Prompt,
    SamplingParams,
    cut_at_stop,
)
from .embedded import DEFAULT_MODEL_NAME, default_model_path

HUB_ID = re.compile(r"^[\w.-]+(/[\w.-]+)?$")  # "gpt2", "org/name"; paths have more


class HFBackend(Backend):
    name = "hf"

    def __init__(
        self,
        model: str | None = None,
        *,
        batch_size: int = 8,
        device: str | None = None,
        dtype: str | None = None,
    ):
        """
        Args:
            model: checkpoint directory, `.gguf` file or Hub id; None: embedded SmolLM2.
            batch_size: chats per `generate` call (each yields `n` sequences).
            device: "cpu", "cuda", "cuda:1", ...; default: cuda when available.
            dtype: a torch dtype name; default: bfloat16 (or float16) on GPU, float32 on CPU.
        """
        torch = _require("torch")
        transformers = _require("transformers")
        self.model = model or DEFAULT_MODEL_NAME
        self.batch_size = batch_size
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.dtype = getattr(torch, dtype) if dtype else _default_dtype(torch, self.device)
        source, kwargs = _locate(model)
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(
                source, padding_side="left", **kwargs
            )
            self.hf_model = transformers.AutoModelForCausalLM.from_pretrained(
                source, dtype=self.dtype, **kwargs
            )
        except (OSError, ValueError) as err:
            raise ModelNotFoundError(self.model, _load_failure(model, source, err)) from err
        self.hf_model.to(self.device).eval()
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        eos = self.hf_model.generation_config.eos_token_id
        self.eos_ids = {self.tokenizer.eos_token_id, *(eos if isinstance(eos, list) else [eos])}
        self.eos_ids.discard(None)

    def generate(self, chats: Sequence[Prompt], params: SamplingParams) -> list[list[Completion]]:
        out: list[list[Completion]] = []
        for start in range(0, len(chats), self.batch_size):
            out.extend(self._generate_batch(chats[start : start + self.batch_size], params))
        return out

    def _generate_batch(self, chats: Sequence[Prompt], params: SamplingParams):
        import torch

        bos = self.tokenizer.bos_token or ""
        prompts = [
            (bos + chat if bos and not chat.startswith(bos) else chat)
            if isinstance(chat, str)  # raw text: continued as it is, no chat template
            else self.tokenizer.apply_chat_template(
                chat, add_generation_prompt=True, tokenize=False
            )
            for chat in chats
        ]
        inputs = self.tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=False
        ).to(self.device)
        sampling = params.temperature > 0
        per_chat = params.n if sampling else 1
        torch.manual_seed(params.seed)
        with torch.inference_mode():
            output = self.hf_model.generate(
                **inputs,
                generation_config=self._generation_config(params, per_chat),
                tokenizer=self.tokenizer,  # what `stop_strings` are matched with
            )
        new_tokens = output[:, inputs["input_ids"].shape[1] :].tolist()
        prompt_tokens = inputs["attention_mask"].sum(dim=1).tolist()
        result = []
        for i in range(len(chats)):
            rows = new_tokens[i * per_chat : (i + 1) * per_chat]
            done = [self._completion(row, prompt_tokens[i], params.stop) for row in rows]
            result.append(done if sampling else [replace(done[0]) for _ in range(params.n)])
        return result

    def _generation_config(self, params: SamplingParams, per_chat: int):
        config = copy.deepcopy(self.hf_model.generation_config)
        sampling = params.temperature > 0
        config.update(
            max_new_tokens=params.max_tokens,
            do_sample=sampling,
            temperature=params.temperature if sampling else None,
            top_p=params.top_p if sampling else None,
            top_k=None,  # OpenAI semantics: no top-k unless asked (transformers 4 defaults to 50)
            num_return_sequences=per_chat,
            pad_token_id=self.tokenizer.pad_token_id,
            stop_strings=list(params.stop) or None,
        )
        return config

    def _completion(self, tokens: list[int], prompt_tokens: int, stop=()) -> Completion:
        end = next((i for i, t in enumerate(tokens) if t in self.eos_ids), None)
        kept = tokens if end is None else tokens[: end + 1]
        text, stopped = cut_at_stop(self.tokenizer.decode(kept, skip_special_tokens=True), stop)
        return Completion(
            text=text,
            finish_reason="length" if end is None and not stopped else "stop",
            prompt_tokens=prompt_tokens,
            completion_tokens=len(kept),
        )

    def close(self) -> None:
        import torch

        self.hf_model = None
        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()


def _require(module: str):
    try:
        return __import__(module)
    except ImportError:
        raise MissingDependencyError("hf", module, "hf") from None


def _default_dtype(torch, device: str):
    if not device.startswith("cuda"):
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def _locate(model: str | None) -> tuple[str, dict]:
    """What to pass to `from_pretrained`: (directory or Hub id, extra keyword arguments)."""
    if model is None:
        return str(default_model_path()), {}
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return str(path.parent), {"gguf_file": path.name}
    if path.exists():
        return str(path), {}
    if HUB_ID.match(model):
        return model, {}
    raise ModelNotFoundError(
        model,
        "no such file or directory; pass a checkpoint directory, a .gguf file, a Hub id, "
        "or no model for the embedded SmolLM2-135M-Instruct",
    )


def _load_failure(model: str | None, source: str, err: Exception) -> str:
    if Path(source).exists():
        return f"{source} is not a transformers checkpoint ({_first_line(err)})"
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE or os.environ.get("HF_HUB_OFFLINE") not in (None, "", "0"):
        return (
            "not a local directory nor in the Hugging Face cache, and nothing is downloaded "
            f"when HF_HUB_OFFLINE=1; pass a checkpoint directory, or fetch it first with "
            f"`hf download {model}`"
        )
    return f"not a local directory, and the Hub download failed ({_first_line(err)})"


def _first_line(err: Exception) -> str:
    return next(iter(str(err).splitlines()), type(err).__name__)
