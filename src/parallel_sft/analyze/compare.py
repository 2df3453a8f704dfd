"""`psft analyze compare`: overlay several analyses (e.g. a base model and its SFT and
Parallel-SFT fine-tunes) in one plot, mean over PL pairs per layer.

The runs must have scored the same PLs and the same problems (overall and per pair):
otherwise their curves measure different things and comparing them misleads, so that is
an error. Runs of models with different depths are not an error: they are plotted
against relative depth (layer / number of layers, 0 = embeddings, 1 = last layer), which
lines up the start and end of the networks; with equal depths the x axis is the layer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import PsftError
from . import metrics

CURVES = ("top1", "mrr", "cos_gap", "cos_parallel", "cos_nonparallel")
REQUIRED = ("model", "langs", "n_layers", "n_problems", "problem_ids", "pairs", "mean", "chance")


def load_analysis(path: str | Path) -> dict[str, Any]:
    """The analysis.json of a `psft analyze run` output directory (or the file itself)."""
    path = Path(path)
    file = path / "analysis.json" if path.is_dir() or not path.suffix else path
    if not file.is_file():
        raise PsftError(f"{file} not found: give a directory written by psft analyze run")
    try:
        analysis = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PsftError(f"cannot read {file}: {err}") from err
    missing = [k for k in REQUIRED if not isinstance(analysis, dict) or k not in analysis]
    if missing:
        raise PsftError(f"{file} is not from psft analyze run: no {', '.join(missing)}")
    return analysis


def _pair_sets(analysis: dict[str, Any]) -> dict[frozenset[str], set[str]]:
    return {
        frozenset(info["langs"]): set(info["problem_ids"]) for info in analysis["pairs"].values()
    }


def check_comparable(names: Sequence[str], runs: Sequence[dict[str, Any]]) -> None:
    """PsftError unless every run scored the same PLs, problems and per-pair problems."""
    first, base = names[0], runs[0]
    for name, run in zip(names[1:], runs[1:], strict=True):
        if set(run["langs"]) != set(base["langs"]):
            raise PsftError(
                f"runs analysed different PLs: {first} has {','.join(base['langs'])}, "
                f"{name} has {','.join(run['langs'])}"
            )
        mine, theirs = set(base["problem_ids"]), set(run["problem_ids"])
        if mine != theirs or _pair_sets(run) != _pair_sets(base):
            raise PsftError(
                f"runs analysed different problems: {first} has {len(mine)}, {name} has "
                f"{len(theirs)}, {len(mine & theirs)} shared (or different ones per PL pair); "
                "rerun them on the same corpus, --split and --limit"
            )


def _labels(paths: Sequence[str], labels: str | Sequence[str] | None) -> list[str]:
    if labels is None:
        names = [Path(p).name if Path(p).is_dir() else Path(p).parent.name for p in paths]
        return names if len(set(names)) == len(names) else [str(p) for p in paths]
    items = [s.strip() for s in labels.split(",")] if isinstance(labels, str) else list(labels)
    if len(items) != len(paths):
        raise PsftError(f"--labels has {len(items)} label(s) for {len(paths)} run(s)")
    return items


def compare_runs(
    paths: Sequence[str], out: str | Path, labels: str | Sequence[str] | None = None
) -> dict[str, Any]:
    """Check the runs are comparable, then write `out`/compare.json and compare.png;
    returns the comparison dict."""
    from ..train.model_io import write_json
    from .plots import write_compare_plot

    if len(paths) < 2:
        raise PsftError(f"compare needs at least 2 analysis directories, got {len(paths)}")
    names = _labels(paths, labels)
    analyses = [load_analysis(p) for p in paths]
    check_comparable([str(p) for p in paths], analyses)
    same_depth = len({a["n_layers"] for a in analyses}) == 1
    runs = []
    for name, path, analysis in zip(names, paths, analyses, strict=True):
        layers = analysis["mean"]["layers"]
        n = analysis["n_layers"]
        runs.append({
            "label": name, "path": str(path), "model": analysis["model"], "n_layers": n,
            "pooling": analysis.get("method", {}).get("pooling"),
            "center": analysis.get("method", {}).get("center", False),
            "layers": list(range(n + 1)), "relative_depth": [i / n for i in range(n + 1)],
            **{key: [m[key] for m in layers] for key in CURVES},
            "best": metrics.summary(layers),
        })  # fmt: skip
    comparison = {
        "langs": analyses[0]["langs"],
        "n_problems": analyses[0]["n_problems"],
        "x_axis": "layer" if same_depth else "relative_depth",
        "chance": analyses[0]["chance"],
        "runs": runs,
    }
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PsftError(f"--out {out} is a file; give a directory")
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "compare.json", comparison)
    write_compare_plot(out / "compare.png", comparison)
    return comparison


def format_comparison(comparison: dict[str, Any]) -> str:
    """One line per run: its best layer (by mean MRR) and the mean top-1, MRR and gap
    there."""
    header = f"{'run':<24} {'layers':>6} {'best layer':>10} {'top-1':>7} {'MRR':>7} {'gap':>8}"
    lines = [header, "-" * len(header)]
    for run in comparison["runs"]:
        best = run["best"]
        lines.append(
            f"{run['label']:<24} {run['n_layers']:>6} {best['layer']:>10} {best['top1']:>7.3f} "
            f"{best['mrr']:>7.3f} {best['cos_gap']:>8.4f}"
        )
    settings = {(run["pooling"], run["center"]) for run in comparison["runs"]}
    if len(settings) > 1:
        lines.append("note: the runs differ in --pooling or --center")
    if comparison["x_axis"] == "relative_depth":
        lines.append("runs differ in depth: compare.png plots them against relative depth")
    return "\n".join(lines)
