"""The retrieval and cosine metrics on synthetic embeddings with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parallel_sft.analyze import metrics


def test_identical_embeddings_retrieve_perfectly():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 32))
    m = metrics.pair_metrics(a, a.copy())
    assert m["top1"] == 1.0 and m["mrr"] == 1.0
    assert m["top1_ab"] == m["top1_ba"] == 1.0
    assert m["cos_parallel"] == pytest.approx(1.0)
    assert m["cos_gap"] > 0.5  # independent Gaussian rows in 32-d have cosine ~0 +- 0.18


def test_random_pairing_scores_chance():
    """Independent random vectors: the correct item's rank is uniform on 1..n, so top-1
    is 1/n = 0.005 and MRR H_n / n = 0.0294 for n = 200. The standard deviation of a
    mean of 200 reciprocal ranks is sqrt((sum 1/k^2 / n - (H_n/n)^2) / 200) ~ 0.006 (the
    two directions' means are averaged, which does not widen it), so 0.02 is > 3 sd;
    the seed is fixed, so the test is deterministic anyway."""
    rng = np.random.default_rng(1)
    n = 200
    a, b = rng.normal(size=(n, 64)), rng.normal(size=(n, 64))
    m = metrics.pair_metrics(a, b)
    expected = metrics.chance(n)
    assert expected["top1"] == pytest.approx(1 / n)
    assert expected["mrr"] == pytest.approx(sum(1 / k for k in range(1, n + 1)) / n)
    assert m["top1"] <= 0.05
    assert abs(m["mrr"] - expected["mrr"]) < 0.02, (m["mrr"], expected["mrr"])
    assert abs(m["cos_gap"]) < 0.02


def test_shuffled_copy_loses_the_pairing():
    """The same vectors in another order: every program has an exact twin, but not the
    one of its own problem."""
    rng = np.random.default_rng(2)
    a = rng.normal(size=(100, 16))
    b = a[rng.permutation(100)]
    m = metrics.pair_metrics(a, b)
    fixed_points = int((b == a).all(axis=1).sum())
    assert m["top1"] == pytest.approx(fixed_points / 100) and m["top1"] <= 0.05


def test_hand_computed_mrr():
    """Row 0's correct item ranks 1st, row 1's 2nd, row 2's 3rd: MRR (1 + 1/2 + 1/3) / 3."""
    sim = np.array(
        [
            [0.9, 0.1, 0.2],  # correct 0.9 is the highest -> rank 1
            [0.3, 0.5, 0.7],  # 0.5 < 0.7 -> rank 2
            [0.8, 0.6, 0.1],  # 0.1 lowest -> rank 3
        ]
    )
    top1, rr = metrics.reciprocal_ranks(sim)
    assert top1.tolist() == [1.0, 0.0, 0.0]
    assert rr.tolist() == pytest.approx([1.0, 1 / 2, 1 / 3])
    assert metrics.retrieval(sim) == pytest.approx({"top1": 1 / 3, "mrr": 11 / 18})
    # The reverse direction ranks the columns: col 0: 0.9 vs 0.3, 0.8 -> 1; col 1: 0.5 vs
    # 0.1, 0.6 -> 2; col 2: 0.1 vs 0.2, 0.7 -> 3. Same MRR, by construction.
    assert metrics.retrieval(sim.T)["mrr"] == pytest.approx(11 / 18)


def test_hand_computed_from_vectors():
    """2-d vectors at known angles; cosines are computed, not given."""
    angle = {"a0": 0, "a1": 90, "b0": 10, "b1": 50}
    vec = {k: [math.cos(math.radians(d)), math.sin(math.radians(d))] for k, d in angle.items()}
    a, b = np.array([vec["a0"], vec["a1"]]), np.array([vec["b0"], vec["b1"]])
    m = metrics.pair_metrics(a, b)
    # a0 -> b0 (10 deg) beats b1 (50 deg): hit. a1 (90) -> b1 (40 deg) beats b0 (80): hit.
    assert m["top1_ab"] == 1.0
    # b0 -> a0 (10) beats a1 (80): hit; b1 -> a1 (40) vs a0 (50): hit.
    assert m["top1_ba"] == 1.0
    cos = lambda d: math.cos(math.radians(d))  # noqa: E731
    assert m["cos_parallel"] == pytest.approx((cos(10) + cos(40)) / 2)
    assert m["cos_nonparallel"] == pytest.approx((cos(50) + cos(80)) / 2)
    assert m["cos_gap"] == pytest.approx(m["cos_parallel"] - m["cos_nonparallel"])


def test_one_direction_can_differ():
    """A hub vector close to every query wins a->b for all of them, but b->a is fine."""
    a = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    b = np.array([[1.0, 1.0, 1.0], [0.0, 1.0, 0.1], [0.0, 0.1, 1.0]])
    m = metrics.pair_metrics(a, b)
    # a0 -> b0 (cos .577) vs b1 (0) and b2 (0): hit; a1 -> b1 (.995) vs b0 (.577): hit;
    # a2 -> b2 (.995): hit.
    assert m["top1_ab"] == 1.0
    b = np.array([[0.2, 1.0, 1.0], [0.0, 1.0, 0.1], [0.0, 0.1, 1.0]])
    m = metrics.pair_metrics(a, b)
    # b0 = (.2, 1, 1) is closest to a1/a2, but for the query a0 it is still the best (the
    # others have cos 0 with a0): a->b stays 1; b->a: b0's best is a1 or a2, a miss.
    assert m["top1_ab"] == 1.0
    assert m["top1_ba"] == pytest.approx(2 / 3)
    assert m["top1"] == pytest.approx((1 + 2 / 3) / 2)


def test_ties_are_broken_at_random_in_expectation():
    """A layer that maps every program to the same point scores chance, not 1."""
    n = 10
    a = np.ones((n, 8))
    m = metrics.pair_metrics(a, a.copy())
    assert m["top1"] == pytest.approx(1 / n)
    assert m["mrr"] == pytest.approx(metrics.chance(n)["mrr"])
    assert m["cos_gap"] == pytest.approx(0.0)


def test_identical_candidates_tie():
    """Problems 0 and 1 have nearly the same program in PL a and the same one in PL b:
    queries 0 and 1 find both b0 and b1 on top, tied (top-1 1/2, reciprocal rank
    (1 + 1/2) / 2), however the cosines round."""
    rng = np.random.default_rng(4)
    a = rng.normal(size=(6, 16))
    a[1] = a[0] + 0.01 * rng.normal(size=16)
    b = a + 0.01 * rng.normal(size=(6, 16))
    b[1] = b[0]
    top1, rr = metrics.reciprocal_ranks(metrics.cosine_matrix(a, b), metrics.duplicate_rows(b))
    assert top1.tolist() == [0.5, 0.5, 1.0, 1.0, 1.0, 1.0]
    assert rr.tolist() == pytest.approx([0.75, 0.75, 1, 1, 1, 1])
    assert metrics.duplicate_rows(b).sum() == 6 + 2


def test_centering_removes_shared_and_per_pl_offsets():
    """Every program carries the same huge offset plus one per PL (anisotropy): raw
    cosines are all ~1, the gap tiny and retrieval worse; centered, the numbers are those
    of the offset-free embeddings."""
    rng = np.random.default_rng(5)
    n, d = 40, 32
    signal = rng.normal(size=(n, d))
    a = signal + 0.5 * rng.normal(size=(n, d))
    b = signal + 0.5 * rng.normal(size=(n, d))
    shared = 100 * rng.normal(size=d)
    a_off, b_off = a + shared + 20 * rng.normal(size=d), b + shared + 20 * rng.normal(size=d)
    raw = metrics.pair_metrics(a_off, b_off)
    centered = metrics.pair_metrics(a_off, b_off, center=True)
    assert raw["cos_nonparallel"] > 0.95 and raw["cos_gap"] < 0.01
    assert centered == pytest.approx(metrics.pair_metrics(a, b, center=True))
    assert centered["cos_gap"] > 0.5 and centered["top1"] > raw["top1"]


def test_layer_metrics_mean_and_best_layer():
    rng = np.random.default_rng(3)
    n, d = 30, 16
    a = rng.normal(size=(n, 3, d))
    b = rng.normal(size=(n, 3, d))
    b[:, 1] = a[:, 1] + 0.01 * rng.normal(size=(n, d))  # layer 1 aligns the PLs
    per_pair = metrics.layer_metrics(a, b)
    assert len(per_pair) == 3 and per_pair[1]["top1"] == 1.0
    assert metrics.best_layer(per_pair) == 1
    other = metrics.layer_metrics(a, a.copy())  # all layers perfect
    mean = metrics.mean_over_pairs([per_pair, other])
    assert mean[1]["top1"] == 1.0
    assert mean[0]["top1"] == pytest.approx((per_pair[0]["top1"] + 1.0) / 2)
    assert metrics.summary(per_pair)["layer"] == 1


def test_shapes_must_match():
    with pytest.raises(ValueError):
        metrics.pair_metrics(np.zeros((3, 4)), np.zeros((4, 4)))
    with pytest.raises(ValueError):
        metrics.reciprocal_ranks(np.zeros((2, 3)))
