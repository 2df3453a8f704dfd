"""pass@k: the chance that at least one of k samples passes, estimated without bias from
n >= k samples of which c passed (Chen et al., 2021), and a bootstrap interval over
problems for a PL's mean."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pass_at_k(n: int, c: int, k: int) -> float:
    """1 - C(n-c, k) / C(n, k), as a product so that large n does not overflow.

    >>> pass_at_k(10, 0, 1), pass_at_k(10, 10, 5), round(pass_at_k(4, 2, 2), 4)
    (0.0, 1.0, 0.8333)
    """
    if not 0 <= c <= n:
        raise ValueError(f"passed samples c={c} must be within 0..n={n}")
    if not 1 <= k <= n:
        raise ValueError(f"k={k} must be within 1..n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def bootstrap_ci(
    values: Sequence[float], *, level: float = 0.95, resamples: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """Percentile interval of the mean of `values` (one per problem), resampling problems
    with replacement; the interval always contains the mean itself."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(resamples, data.size))].mean(axis=1)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    mean = float(data.mean())
    return (min(float(low), mean), max(float(high), mean))
