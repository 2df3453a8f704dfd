"""The pass@k estimator against values computed by hand, and the bootstrap interval."""

from __future__ import annotations

import doctest
from math import comb

import pytest

from parallel_sft.evaluate import passk
from parallel_sft.evaluate.passk import bootstrap_ci, pass_at_k


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (5, 2, 1, 2 / 5),
        (5, 2, 2, 1 - 3 / 10),  # 1 - C(3,2)/C(5,2)
        (5, 2, 3, 1 - 1 / 10),  # 1 - C(3,3)/C(5,3)
        (5, 2, 4, 1.0),  # fewer than k failures: some sample of any k passes
        (4, 1, 4, 1.0),  # n = k: pass@n is "did any pass"
        (4, 0, 4, 0.0),
        (10, 10, 1, 1.0),  # all pass
        (10, 0, 10, 0.0),  # none pass
        (200, 7, 10, 1 - comb(193, 10) / comb(200, 10)),
    ],
)
def test_pass_at_k_by_hand(n, c, k, expected):
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_1_is_the_pass_fraction_and_grows_with_k():
    assert [pass_at_k(20, c, 1) for c in (0, 5, 20)] == pytest.approx([0, 0.25, 1])
    values = [pass_at_k(20, 3, k) for k in range(1, 21)]
    assert values == sorted(values) and values[-1] == 1.0


@pytest.mark.parametrize(("n", "c", "k"), [(3, 1, 4), (3, 1, 0), (3, 4, 1), (3, -1, 1)])
def test_impossible_arguments(n, c, k):
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_bootstrap_interval_contains_the_estimate():
    values = [0.0, 1.0, 0.5, 0.25, 1.0, 0.0, 0.75, 1.0, 0.0, 0.5]
    low, high = bootstrap_ci(values)
    mean = sum(values) / len(values)
    assert low < mean < high and 0.0 <= low and high <= 1.0
    assert bootstrap_ci(values) == (low, high)  # seeded: the same interval every time
    wide = bootstrap_ci(values[:4])
    narrow = bootstrap_ci(values * 10)
    assert narrow[1] - narrow[0] < high - low < wide[1] - wide[0] + 0.2
    assert bootstrap_ci([1.0] * 5) == (1.0, 1.0) and bootstrap_ci([0.0] * 5) == (0.0, 0.0)


def test_doctests():
    assert doctest.testmod(passk).failed == 0
