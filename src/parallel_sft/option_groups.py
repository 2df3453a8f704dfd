"""Groups of click options that several commands share, applied as one decorator."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def option_group(decorators: Sequence[Callable[[Callable], Callable]]) -> Callable:
    """One decorator that applies `decorators` so that they show in `--help` in order."""

    def apply(f: Callable) -> Callable:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply
