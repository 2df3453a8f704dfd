"""The one way the toolkit draws a figure: a bare Agg canvas under matplotlib's default
style (no pyplot state, no user rc, no display), saved without the software/date
metadata so that the same numbers give the same bytes. Used by the data card's yield
plot, the eval transfer chart and the analysis's layer plots."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def figure(
    path: str | Path, size: tuple[float, float], *, ncols: int = 1, title: str | None = None
) -> Iterator[Any]:
    """Yields the row of `ncols` axes; on exit lays the figure out and writes `path`
    (through a temporary name, so a reader never sees half a PNG)."""
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    with matplotlib.style.context("default"):
        fig = Figure(figsize=size, dpi=100)
        FigureCanvasAgg(fig)
        yield fig.subplots(1, ncols, squeeze=False)[0]
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        tmp = path.with_name(path.name + ".tmp")
        fig.savefig(tmp, format="png", metadata={"Software": None})
        tmp.replace(path)
