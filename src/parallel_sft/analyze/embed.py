"""Mean-pooled hidden states of every layer, for a list of program texts.

Programs are embedded as raw code (no chat template: the analysis is about the code's
representation, not about a prompt around it). Each layer's hidden states are averaged
over the program's tokens; layer 0 is the embedding layer's output, layer i the output
of transformer block i (the last one after the model's final norm, as transformers
returns it).

Texts are batched in order of length, so a batch pads little, and padded on the right:
with a causal model right padding leaves the real tokens' positions and attention
exactly as in an unpadded run, so the same text gives the same embedding whatever batch
it lands in (up to float noise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import PsftError


@dataclass
class Embeddings:
    """vectors: float32 [n_texts, n_layers + 1, hidden], in the order of the texts given.
    truncated: how many texts were cut at max_length."""

    vectors: np.ndarray
    truncated: int


def resolve_device(device: str) -> str:
    """auto -> cuda when available, else cpu; cuda without a GPU is an error."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise PsftError("--device cuda, but torch sees no CUDA device (use --device cpu)")
    if device not in ("cpu", "cuda"):
        raise PsftError(f"unknown device {device!r}; use auto, cpu or cuda")
    return device


def embed_texts(
    model,
    tokenizer,
    texts: Sequence[str],
    *,
    batch_size: int = 8,
    max_length: int = 1024,
    device: str = "cpu",
    on_batch: Callable[[int], None] | None = None,
) -> Embeddings:
    """Mean-pooled hidden states of every layer for each text.

    `on_batch(n)` is called after each batch with the number of texts it held (for a
    progress bar).
    """
    import torch

    if not texts:
        raise ValueError("no texts to embed")
    tokenizer.padding_side = "right"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = model.to(device).eval()
    lengths = [len(ids) for ids in tokenizer(list(texts), add_special_tokens=True)["input_ids"]]
    order = sorted(range(len(texts)), key=lambda i: lengths[i])
    out: np.ndarray | None = None
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in index],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=max_length,
            ).to(device)
            hidden = model(**batch, output_hidden_states=True).hidden_states
            mask = batch["attention_mask"].unsqueeze(-1).to(torch.float32)
            count = mask.sum(dim=1).clamp(min=1.0)
            pooled = torch.stack(
                [(h.to(torch.float32) * mask).sum(dim=1) / count for h in hidden], dim=1
            )  # [batch, n_layers + 1, hidden]
            if out is None:
                out = np.zeros((len(texts), *pooled.shape[1:]), dtype=np.float32)
            out[index] = pooled.cpu().numpy()
            if on_batch is not None:
                on_batch(len(index))
    assert out is not None
    return Embeddings(out, sum(n > max_length for n in lengths))
