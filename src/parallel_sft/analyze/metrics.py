"""Cross-PL retrieval and cosine statistics over embedding matrices (pure numpy).

Row i of `a` and row i of `b` embed the same problem in two PLs. Retrieval asks, for
each row of `a`, where the same problem's row of `b` ranks among all rows of `b` by
cosine similarity: top-1 accuracy and mean reciprocal rank (MRR). Both directions are
computed (a->b ranks the rows of b, b->a the rows of a) and the headline numbers are
their mean, so a pair's score does not depend on the order its PLs were named in.

Ties are broken uniformly at random, in expectation: a query whose correct item ties
with t others scores top-1 1/(t+1), not 1, so a layer that maps everything to the same
point scores chance rather than perfect. A tie is an exactly equal cosine or a candidate
whose embedding is bit-identical to the correct one's (two problems with the same
program: the embedder embeds each distinct text once, so they are bit-identical). There
is no tolerance: mean-pooled hidden states are so anisotropic that in some layers all
cosines lie within 1e-4 of each other, and real differences of 1e-7 still rank.

With `center`, each PL's embeddings (of one layer, over the pair's problems) are first
shifted by that PL's mean. Mean-pooled hidden states are strongly anisotropic: a
direction shared by every program, plus one per PL, dominates, so raw cosines all sit
near 1 and the parallel/non-parallel gap near 0. Centering removes both, as cross-lingual
"language-neutral" analyses do, and leaves what tells one problem's programs from
another's. It answers a different question than raw cosine: raw retrieval also fails
when programs cluster by PL (what Parallel-SFT should undo), centered retrieval asks
whether problem identity is encoded alike across PLs once the PL offset is removed.

Computed in float64 from the float32 embeddings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

METRIC_KEYS = (
    "top1",
    "mrr",
    "top1_ab",
    "top1_ba",
    "mrr_ab",
    "mrr_ba",
    "cos_parallel",
    "cos_nonparallel",
    "cos_gap",
)


def normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero) along the last axis, float64."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


def cosine_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[n, m] cosine similarities between the rows of a [n, d] and b [m, d]."""
    return normalize(a) @ normalize(b).T


def _harmonic(n: int) -> np.ndarray:
    """H_0..H_n (H_0 = 0)."""
    return np.concatenate([[0.0], np.cumsum(1.0 / np.arange(1, n + 1))])


def duplicate_rows(x: np.ndarray) -> np.ndarray:
    """[n, n] bool: rows i and j of x are bit-identical."""
    _, group = np.unique(np.asarray(x), axis=0, return_inverse=True)
    group = group.reshape(-1)
    return group[:, None] == group[None, :]


def reciprocal_ranks(
    sim: np.ndarray, duplicates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per query (row) of a square similarity matrix whose correct items are on the
    diagonal: (expected top-1 hit, expected reciprocal rank) under random tie-breaking.

    Candidate j ties with row i's correct item when sim[i, j] == sim[i, i] or
    duplicates[i, j] (candidate j is indistinguishable from candidate i). With g items
    strictly above the correct one and t tied with it, the rank is uniform on
    g+1..g+1+t, so the expected reciprocal rank is (H_{g+1+t} - H_g) / (t+1).

    Example:
        >>> top1, rr = reciprocal_ranks(np.array([[0.9, 0.1], [0.8, 0.2]]))
        >>> top1.tolist(), rr.tolist()
        ([1.0, 0.0], [1.0, 0.5])
    """
    sim = np.asarray(sim, dtype=np.float64)
    n = sim.shape[0]
    if sim.ndim != 2 or sim.shape[1] != n:
        raise ValueError(f"need a square similarity matrix, got shape {sim.shape}")
    correct = np.diag(sim)[:, None]
    tied = sim == correct
    if duplicates is not None:
        tied |= duplicates
    greater = ((sim > correct) & ~tied).sum(axis=1)
    ties = tied.sum(axis=1) - 1  # the correct item ties with itself
    h = _harmonic(n)
    rr = (h[greater + 1 + ties] - h[greater]) / (ties + 1)
    top1 = np.where(greater == 0, 1.0 / (ties + 1), 0.0)
    return top1, rr


def retrieval(sim: np.ndarray, duplicates: np.ndarray | None = None) -> dict[str, float]:
    """Top-1 accuracy and MRR of retrieving column i for row i, over all rows."""
    top1, rr = reciprocal_ranks(sim, duplicates)
    return {"top1": float(top1.mean()), "mrr": float(rr.mean())}


def cosine_stats(sim: np.ndarray) -> dict[str, float]:
    """Mean cosine of parallel pairs (the diagonal), of non-parallel pairs (everything
    else) and their gap: how much closer a program sits to its translation than to an
    unrelated program in the other PL, net of the space's overall anisotropy."""
    sim = np.asarray(sim, dtype=np.float64)
    n = sim.shape[0]
    parallel = float(np.trace(sim) / n)
    nonparallel = float((sim.sum() - np.trace(sim)) / (n * n - n)) if n > 1 else float("nan")
    return {
        "cos_parallel": parallel,
        "cos_nonparallel": nonparallel,
        "cos_gap": parallel - nonparallel,
    }


def pair_metrics(a: np.ndarray, b: np.ndarray, *, center: bool = False) -> dict[str, float]:
    """Every METRIC_KEYS value for one layer of a PL pair; a [n, d] and b [n, d] hold the
    same n problems in the same order."""
    if a.shape != b.shape:
        raise ValueError(f"embeddings of a pair must have the same shape: {a.shape} != {b.shape}")
    if center:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    sim = cosine_matrix(a, b)
    ab, ba = retrieval(sim, duplicate_rows(b)), retrieval(sim.T, duplicate_rows(a))
    return {
        "top1": (ab["top1"] + ba["top1"]) / 2,
        "mrr": (ab["mrr"] + ba["mrr"]) / 2,
        "top1_ab": ab["top1"],
        "top1_ba": ba["top1"],
        "mrr_ab": ab["mrr"],
        "mrr_ba": ba["mrr"],
        **cosine_stats(sim),
    }


def layer_metrics(a: np.ndarray, b: np.ndarray, *, center: bool = False) -> list[dict[str, float]]:
    """pair_metrics per layer for a and b of shape [n, layers, d]."""
    if a.ndim != 3 or a.shape != b.shape:
        raise ValueError(f"need two [n, layers, d] arrays of one shape: {a.shape}, {b.shape}")
    return [pair_metrics(a[:, i], b[:, i], center=center) for i in range(a.shape[1])]


def mean_over_pairs(per_pair: list[list[dict[str, float]]]) -> list[dict[str, float]]:
    """Per layer, the unweighted mean of every metric over the pairs (each pair counts
    once, whatever its number of problems)."""
    n_layers = len(per_pair[0])
    return [
        {key: float(np.mean([pair[layer][key] for pair in per_pair])) for key in METRIC_KEYS}
        for layer in range(n_layers)
    ]


def chance(n: int) -> dict[str, float]:
    """What random ranking of n candidates scores: top-1 1/n, MRR H_n / n."""
    return {"top1": 1.0 / n, "mrr": float(_harmonic(n)[n] / n)}


def best_layer(layers: list[dict[str, float]]) -> int:
    """The layer with the highest MRR (smoother than top-1, which saturates), ties going
    to the larger cosine gap, then to the shallower layer."""
    return max(range(len(layers)), key=lambda i: (layers[i]["mrr"], layers[i]["cos_gap"], -i))


def summary(layers: list[dict[str, float]]) -> dict[str, Any]:
    """The best layer and its headline numbers."""
    i = best_layer(layers)
    return {"layer": i, **{k: layers[i][k] for k in ("top1", "mrr", "cos_gap")}}
