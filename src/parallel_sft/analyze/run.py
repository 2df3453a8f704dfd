"""`psft analyze run`: embed a corpus's parallel programs with a model, score cross-PL
retrieval and cosine per layer and PL pair, and write analysis.json and the plots.

analysis.json holds everything the plots and `psft analyze compare` need: the model,
corpus, split and PLs; the problem ids scored overall and per pair (compare refuses runs
over different problems); per pair and per layer every metric of `metrics.METRIC_KEYS`
(`top1`/`mrr` are the mean of the two directions, `*_ab` ranks the second PL's programs
for each program of the first); the per-layer mean over pairs; and the chance level (the
mean over pairs of 1/n for top-1 and H_n/n for MRR).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import PsftError
from . import metrics
from .programs import parse_langs, select_programs

SPLITS = ("train", "test", "all")
FORMAT_VERSION = 1


def load_rows(corpus: str, split: str) -> list[dict[str, Any]]:
    """The corpus's parallel rows of `split` (train, test or all)."""
    from ..corpus.read import load_corpus

    if split not in SPLITS:
        raise PsftError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    train, test = load_corpus(corpus)
    rows = {"train": train, "test": test, "all": train + test}[split]
    if not rows:
        raise PsftError(f"corpus {corpus} has no problems in its {split} split; try --split all")
    return rows


def run_analysis(
    *,
    corpus: str,
    langs: str | list[str],
    out: str | Path,
    model: str | None = None,
    split: str = "test",
    limit: int | None = None,
    batch_size: int = 8,
    max_length: int = 1024,
    device: str = "auto",
    pooling: str = "mean",
    center: bool = False,
    progress: bool = True,
    save_embeddings: bool = False,
) -> dict[str, Any]:
    """Run the analysis and write `out`/analysis.json, retrieval.png and cosine.png
    (and embeddings.npz with `save_embeddings`); returns the analysis dict."""
    from ..progress import progress_bar
    from ..train.model_io import load_model, write_json
    from .embed import POOLINGS, embed_texts, resolve_device
    from .plots import write_cosine_plot, write_retrieval_plot

    started = time.monotonic()
    names = parse_langs(langs)
    if batch_size < 1 or max_length < 1:
        raise PsftError("--batch-size and --max-length must be at least 1")
    if pooling not in POOLINGS:
        raise PsftError(f"unknown pooling {pooling!r}; use one of {', '.join(POOLINGS)}")
    if limit is not None and limit < 2:
        raise PsftError(f"--limit {limit}: retrieval needs at least 2 problems")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PsftError(f"--out {out} is a file; give a directory")
    rows = load_rows(corpus, split)
    selection = select_programs(rows, names, limit=limit, where=f"corpus {corpus} ({split} split)")
    device = resolve_device(device)

    texts: list[str] = []
    index: dict[tuple[str, str], int] = {}
    for pid in selection.problem_ids:
        for lang in names:
            if lang in selection.code[pid]:
                index[pid, lang] = len(texts)
                texts.append(selection.code[pid][lang])

    net, tokenizer, label = load_model(model, chat=False)
    with progress_bar(progress) as bar:
        task = bar.add_task(f"embedding {len(texts)} programs", total=len(set(texts)))
        embedded = embed_texts(
            net, tokenizer, texts, batch_size=batch_size, max_length=max_length, device=device,
            pooling=pooling, on_batch=lambda n: bar.advance(task, n),
        )  # fmt: skip
    vectors = embedded.vectors
    n_layers = vectors.shape[1] - 1

    pairs: dict[str, dict[str, Any]] = {}
    for (a, b), ids in selection.pairs.items():
        emb_a = vectors[[index[pid, a] for pid in ids]]
        emb_b = vectors[[index[pid, b] for pid in ids]]
        pairs[f"{a}-{b}"] = {
            "langs": [a, b],
            "n_problems": len(ids),
            "chance": metrics.chance(len(ids)),
            "layers": metrics.layer_metrics(emb_a, emb_b, center=center),
            "problem_ids": ids,
        }
    mean_layers = metrics.mean_over_pairs([p["layers"] for p in pairs.values()])
    for info in pairs.values():
        info["best"] = metrics.summary(info["layers"])
    analysis: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "model": label,
        "corpus": str(corpus),
        "split": split,
        "langs": names,
        "n_problems": len(selection.problem_ids),
        "n_programs": len(texts),
        "n_layers": n_layers,
        "layers": list(range(n_layers + 1)),
        "max_length": max_length,
        "truncated_programs": embedded.truncated,
        "method": {
            "text": "raw program code, no chat template",
            "pooling": pooling,
            "pooling_means": "mean of each layer's hidden states over the program's tokens"
            + (" except the first (the attention sink)" if pooling == "mean-skip-first" else ""),
            "layer_0": "embedding layer output; layer i = output of transformer block i",
            "center": center,
            "similarity": "cosine"
            + (
                ", after subtracting each PL's mean embedding (per layer and pair)"
                if center
                else ""
            ),
            "top1_mrr": "mean of both directions; *_ab ranks the second PL's programs for "
            "each program of the first PL, *_ba the reverse",
            "mean": "unweighted mean over PL pairs",
            "ties": "equal cosines or identical candidates, broken at random in expectation",
        },
        "chance": {
            key: float(np.mean([p["chance"][key] for p in pairs.values()]))
            for key in ("top1", "mrr")
        },
        "mean": {"layers": mean_layers, "best": metrics.summary(mean_layers)},
        "pairs": pairs,
        "problem_ids": selection.problem_ids,
        "seconds": round(time.monotonic() - started, 2),
    }
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "analysis.json", analysis)
    write_retrieval_plot(out / "retrieval.png", analysis)
    write_cosine_plot(out / "cosine.png", analysis)
    if save_embeddings:
        keys = sorted(index, key=index.get)  # the order of `vectors`' rows
        ids, pls = np.array([pid for pid, _ in keys]), np.array([lang for _, lang in keys])
        np.savez_compressed(out / "embeddings.npz", vectors=vectors, problem_ids=ids, langs=pls)
    return analysis


def format_summary(analysis: dict[str, Any]) -> str:
    """A table: per PL pair and for the mean, the best layer and its top-1, MRR and cosine
    gap, with the chance level."""
    header = f"{'pair':<22} {'problems':>8} {'best layer':>10} {'top-1':>7} {'MRR':>7} {'gap':>8}"
    lines = [
        f"{analysis['model']} on {analysis['n_problems']} problems "
        f"({analysis['split']} split), {analysis['n_layers']} layers + embeddings, "
        f"{analysis['method']['pooling']} pooling"
        + (", centered" if analysis["method"].get("center") else ""),
        header,
        "-" * len(header),
    ]
    entries = [(pair, info["n_problems"], info["best"]) for pair, info in analysis["pairs"].items()]
    entries.append(("mean over pairs", analysis["n_problems"], analysis["mean"]["best"]))
    for name, n, best in entries:
        lines.append(
            f"{name:<22} {n:>8} {best['layer']:>10} {best['top1']:>7.3f} {best['mrr']:>7.3f} "
            f"{best['cos_gap']:>8.4f}"
        )
    chance = analysis["chance"]
    lines.append(f"chance: top-1 {chance['top1']:.3f}, MRR {chance['mrr']:.3f}")
    if analysis.get("truncated_programs"):
        lines.append(
            f"note: {analysis['truncated_programs']} program(s) cut at "
            f"--max-length {analysis['max_length']} tokens"
        )
    return "\n".join(lines)
