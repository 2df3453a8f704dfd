"""The analysis's per-layer line plots, from analysis.json / compare.json dicts.

Drawn with the toolkit's `plots.figure`, so the same analysis gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..plots import figure

MEAN_STYLE = {"color": "black", "linewidth": 2.6, "label": "mean over pairs", "zorder": 5}
CHANCE_STYLE = {"color": "0.45", "linestyle": "--", "linewidth": 1.2}


def _layer_axis(ax, n: int, xlabel: str = "layer (0 = embeddings)") -> None:
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, max(n - 1, 1))
    ax.grid(alpha=0.3)


def _title(analysis: dict[str, Any]) -> str:
    return f"{analysis['model']}: {analysis['n_problems']} problems, {', '.join(analysis['langs'])}"


def write_retrieval_plot(path: str | Path, analysis: dict[str, Any]) -> Path:
    """Top-1 accuracy and MRR vs layer: a thin line per PL pair, the mean over pairs in
    bold and the chance level (averaged over pairs) dashed."""
    path = Path(path)
    layers = analysis["layers"]
    with figure(path, (10.4, 4.4), ncols=2, title=_title(analysis)) as axes:
        for ax, key, name in zip(axes, ("top1", "mrr"), ("top-1 accuracy", "MRR"), strict=True):
            for pair, info in analysis["pairs"].items():
                values = [m[key] for m in info["layers"]]
                ax.plot(layers, values, linewidth=1.1, alpha=0.8, label=pair)
            ax.plot(layers, [m[key] for m in analysis["mean"]["layers"]], **MEAN_STYLE)
            ax.axhline(analysis["chance"][key], label="chance", **CHANCE_STYLE)
            ax.set_ylim(-0.02, 1.02)
            ax.set_ylabel(f"cross-PL retrieval {name}")
            _layer_axis(ax, len(layers))
        axes[0].legend(fontsize="small", loc="best")
    return path


def write_cosine_plot(path: str | Path, analysis: dict[str, Any]) -> Path:
    """Left: mean cosine of parallel pairs (solid) and of non-parallel pairs (dashed) vs
    layer, per PL pair and averaged. Right: their gap per pair, the mean in bold."""
    path = Path(path)
    layers = analysis["layers"]
    with figure(path, (10.4, 4.4), ncols=2, title=_title(analysis)) as (left, right):
        for i, (pair, info) in enumerate(analysis["pairs"].items()):
            color = f"C{i % 10}"
            left.plot(layers, [m["cos_parallel"] for m in info["layers"]], color=color,
                      linewidth=1.0, alpha=0.7, label=f"{pair} parallel")  # fmt: skip
            left.plot(layers, [m["cos_nonparallel"] for m in info["layers"]], color=color,
                      linewidth=1.0, alpha=0.7, linestyle="--")  # fmt: skip
            right.plot(layers, [m["cos_gap"] for m in info["layers"]], color=color,
                       linewidth=1.1, alpha=0.8, label=pair)  # fmt: skip
        mean = analysis["mean"]["layers"]
        left.plot(layers, [m["cos_parallel"] for m in mean], color="black", linewidth=2.6,
                  label="mean parallel")  # fmt: skip
        left.plot(layers, [m["cos_nonparallel"] for m in mean], color="black", linewidth=2.6,
                  linestyle="--", label="mean non-parallel")  # fmt: skip
        right.plot(layers, [m["cos_gap"] for m in mean], **MEAN_STYLE)
        right.axhline(0.0, **CHANCE_STYLE)
        left.set_ylabel("mean cosine similarity (dashed: non-parallel)")
        right.set_ylabel("cosine gap (parallel - non-parallel)")
        for ax in (left, right):
            _layer_axis(ax, len(layers))
        left.legend(fontsize="small", loc="best")
        right.legend(fontsize="small", loc="best")
    return path


def write_compare_plot(path: str | Path, comparison: dict[str, Any]) -> Path:
    """Mean top-1, MRR and cosine gap per layer, one line per run; x is the layer index
    when every run has the same depth, else the relative depth 0..1."""
    path = Path(path)
    relative = comparison["x_axis"] == "relative_depth"
    x_of: Callable[[dict[str, Any]], list[float]] = (
        (lambda run: run["relative_depth"]) if relative else (lambda run: run["layers"])
    )
    title = f"{comparison['n_problems']} problems, {', '.join(comparison['langs'])}"
    panels = (("top1", "mean cross-PL top-1"), ("mrr", "mean cross-PL MRR"),
              ("cos_gap", "mean cosine gap (parallel - non-parallel)"))  # fmt: skip
    with figure(path, (15.6, 4.4), ncols=3, title=title) as axes:
        for ax, (key, name) in zip(axes, panels, strict=True):
            for run in comparison["runs"]:
                ax.plot(x_of(run), run[key], linewidth=1.8, marker=".", label=run["label"])
            if key in comparison["chance"]:
                ax.axhline(comparison["chance"][key], label="chance", **CHANCE_STYLE)
                ax.set_ylim(-0.02, 1.02)
            else:
                ax.axhline(0.0, **CHANCE_STYLE)
            ax.set_ylabel(name)
            ax.grid(alpha=0.3)
            if relative:
                ax.set_xlabel("relative depth (0 = embeddings, 1 = last layer)")
                ax.set_xlim(0, 1)
            else:
                _layer_axis(ax, len(comparison["runs"][0]["layers"]))
        axes[0].legend(fontsize="small", loc="best")
    return path
