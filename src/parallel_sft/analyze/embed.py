"""Mean-pooled hidden states of every layer, for a list of program texts.

Programs are embedded as raw code (no chat template: the analysis is about the code's
representation, not about a prompt around it). Each layer's hidden states are averaged
over the program's tokens; layer 0 is the embedding layer's output, layer i the output
of transformer block i (the last one after the model's final norm, as transformers
returns it).

Pooling `mean` averages over every token. `mean-skip-first` leaves the first token out:
in Llama-family models (SmolLM2 included) the first position is an attention sink whose
hidden state is ~100x larger than the others' in the middle layers (norm ~22000 vs ~150
in SmolLM2-135M's layer 12), so a plain mean there mostly encodes the program's first
token (`#include`, `package`, `local`: the same for every program of a PL), which pushes
every cosine to ~0.998.

Texts are batched in order of length, so a batch pads little, and padded on the right:
with a causal model right padding leaves the real tokens' positions and attention
exactly as in an unpadded run, so a text's embedding does not depend on its batch beyond
float noise. Each distinct text is embedded once, so identical programs get bit-identical
embeddings (which the metrics count as ties).
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


POOLINGS = ("mean", "mean-skip-first")


def embed_texts(
    model,
    tokenizer,
    texts: Sequence[str],
    *,
    batch_size: int = 8,
    max_length: int = 1024,
    device: str = "cpu",
    pooling: str = "mean",
    on_batch: Callable[[int], None] | None = None,
) -> Embeddings:
    """Mean-pooled hidden states of every layer for each text.

    `on_batch(n)` is called after each batch with the number of texts it held (for a
    progress bar; the total is the number of distinct texts).
    """
    import torch

    if not texts:
        raise ValueError("no texts to embed")
    if pooling not in POOLINGS:
        raise PsftError(f"unknown pooling {pooling!r}; use one of {', '.join(POOLINGS)}")
    tokenizer.padding_side = "right"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = model.to(device).eval()
    # The backbone without the LM head: logits over the vocabulary would take more memory
    # than everything else (batch 8 x 1024 tokens x SmolLM2's 49k vocabulary = 1.6 GB).
    backbone = getattr(model, "base_model", model)
    unique = list(dict.fromkeys(texts))
    lengths = [len(ids) for ids in tokenizer(unique, add_special_tokens=True)["input_ids"]]
    order = sorted(range(len(unique)), key=lambda i: lengths[i])
    pooled_unique: np.ndarray | None = None
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            batch = tokenizer(
                [unique[i] for i in index],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=max_length,
            ).to(device)
            hidden = backbone(**batch, output_hidden_states=True).hidden_states
            mask = batch["attention_mask"].to(torch.float32)
            if pooling == "mean-skip-first":
                keep_first = (mask.sum(dim=1) <= 1).to(torch.float32)  # a 1-token text
                mask[:, 0] = keep_first
            mask = mask.unsqueeze(-1)
            count = mask.sum(dim=1).clamp(min=1.0)
            pooled = torch.stack(
                [(h.to(torch.float32) * mask).sum(dim=1) / count for h in hidden], dim=1
            )  # [batch, n_layers + 1, hidden]
            if pooled_unique is None:
                pooled_unique = np.zeros((len(unique), *pooled.shape[1:]), dtype=np.float32)
            pooled_unique[index] = pooled.cpu().numpy()
            if on_batch is not None:
                on_batch(len(index))
    assert pooled_unique is not None
    position = {text: i for i, text in enumerate(unique)}
    vectors = pooled_unique[[position[text] for text in texts]]
    return Embeddings(vectors, sum(n > max_length for n in lengths))
