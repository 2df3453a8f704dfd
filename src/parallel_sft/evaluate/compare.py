"""Several eval runs -> the zero-shot transfer table (the paper's main result).

Rows are runs (base model, SFT variants, after RL), columns are PLs with the source PL
marked, each cell pass@k with its change against a reference row; a last column averages
the PLs other than the source (transfer to unseen PLs). Beside it: a grouped bar chart and
the verdict mix per PL, i.e. what the failures are (no program, compile errors, crashes,
wrong answers, limits). Runs must have evaluated the same problems, or the comparison
would measure the problems rather than the models.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PsftError

FAILURES = {
    "no program / syntax": ("SYNTAX_ERROR",),
    "compile": ("COMPILE_ERROR",),
    "runtime": ("RUNTIME_ERROR",),
    "wrong answer": ("WRONG_ANSWER",),
    "limits": ("TIME_LIMIT", "MEMORY_LIMIT", "OUTPUT_LIMIT"),
}


@dataclass
class Comparison:
    labels: list[str]
    langs: list[str]  # the source PL first
    source_lang: str | None
    k: int
    reference: int
    scores: list[dict[str, dict[str, float] | None]]  # per run, per PL: estimate, ci_low/high
    verdicts: list[dict[str, dict[str, int]]]  # per run, per PL: status -> count

    def target_mean(self, run: int) -> float | None:
        values = [
            s["estimate"]
            for lang, s in self.scores[run].items()
            if s is not None and lang != self.source_lang
        ]
        return sum(values) / len(values) if values else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": self.labels, "langs": self.langs, "source_lang": self.source_lang,
            "k": self.k, "reference": self.labels[self.reference], "scores": self.scores,
            "target_mean": [self.target_mean(i) for i in range(len(self.labels))],
            "verdicts": self.verdicts,
        }  # fmt: skip


def load_summary(run_dir: str | Path) -> dict[str, Any]:
    path = Path(run_dir) / "summary.json"
    if not path.exists():
        raise PsftError(f"{run_dir} is not an eval run (no summary.json)")
    return json.loads(path.read_text())


def compare_runs(
    run_dirs: Sequence[str | Path],
    *,
    labels: Sequence[str] | None = None,
    reference: str | int = 0,
    source_lang: str | None = None,
    k: int = 1,
) -> Comparison:
    if len(run_dirs) < 1:
        raise PsftError("give at least one eval run directory")
    summaries = [load_summary(r) for r in run_dirs]
    first = set(summaries[0].get("problem_ids") or [])
    for run_dir, summary in zip(run_dirs[1:], summaries[1:], strict=True):
        ids = set(summary.get("problem_ids") or [])
        if ids != first:
            only = sorted(ids ^ first)
            raise PsftError(
                f"{run_dir} evaluated a different problem set than {run_dirs[0]} "
                f"({len(ids)} vs {len(first)} problems; e.g. {only[0]} is in only one)"
            )
    labels = list(labels) if labels else [Path(r).name for r in run_dirs]
    if len(labels) != len(run_dirs):
        raise PsftError(f"{len(labels)} labels for {len(run_dirs)} runs")
    if isinstance(reference, str):
        if reference not in labels:
            raise PsftError(f"reference {reference!r} is not one of: {', '.join(labels)}")
        reference = labels.index(reference)
    source = source_lang or summaries[0].get("source_lang")
    langs = sorted({lang for s in summaries for lang in s["results"]})
    if source in langs:
        langs = [source] + [lang for lang in langs if lang != source]
    scores, verdicts = [], []
    for run_dir, summary in zip(run_dirs, summaries, strict=True):
        if f"pass@{k}" not in next(iter(summary["results"].values()), {}):
            raise PsftError(f"{run_dir} has no pass@{k}; re-score it: psft eval score {run_dir}")
        scores.append({lang: summary["results"].get(lang, {}).get(f"pass@{k}") for lang in langs})
        verdicts.append(
            {lang: summary["results"].get(lang, {}).get("verdicts", {}) for lang in langs}
        )
    return Comparison(labels, langs, source, k, reference, scores, verdicts)


def transfer_markdown(c: Comparison) -> str:
    """The transfer table and the verdict mix, as markdown."""
    ref = c.scores[c.reference]
    head = ["model", *[f"{lang} (source)" if lang == c.source_lang else lang for lang in c.langs],
            "unseen PLs (mean)"]  # fmt: skip
    lines = [
        f"pass@{c.k}; in brackets the change against {c.labels[c.reference]}",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for i, label in enumerate(c.labels):
        cells = []
        for lang in c.langs:
            score, base = c.scores[i][lang], ref[lang]
            cells.append(
                _cell(score and score["estimate"], base and base["estimate"], i == c.reference)
            )
        cells.append(_cell(c.target_mean(i), c.target_mean(c.reference), i == c.reference))
        lines.append("| " + " | ".join([label, *cells]) + " |")
    lines += ["", "Failures by kind (share of the failing samples)", ""]
    kinds = list(FAILURES)
    lines += [
        "| model | PL | failing | " + " | ".join(kinds) + " |",
        "|" + "---|" * (3 + len(kinds)),
    ]
    for i, label in enumerate(c.labels):
        for lang in c.langs:
            counts = c.verdicts[i][lang]
            failing = sum(v for s, v in counts.items() if s != "OK")
            shares = [
                f"{sum(counts.get(s, 0) for s in statuses) / failing:.0%}" if failing else "-"
                for statuses in FAILURES.values()
            ]
            lines.append(f"| {label} | {lang} | {failing} | " + " | ".join(shares) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: float | None, base: float | None, is_reference: bool) -> str:
    if value is None:
        return "-"
    if is_reference or base is None:
        return f"{value:.3f}"
    return f"{value:.3f} ({value - base:+.3f})"


def plot_transfer(c: Comparison, path: Path) -> None:
    """Grouped bars: one group per PL, one bar per run, with the bootstrap interval."""
    import numpy as np

    from ..plots import figure

    x = np.arange(len(c.langs))
    width = 0.8 / len(c.labels)
    size = (max(6.0, 1.2 * len(c.langs) * max(1, len(c.labels) / 2)), 4.0)
    with figure(path, size) as (ax,):
        for i, label in enumerate(c.labels):
            est, low, high = [], [], []
            for lang in c.langs:
                s = c.scores[i][lang] or {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}
                est.append(s["estimate"])
                low.append(s["estimate"] - s["ci_low"])
                high.append(s["ci_high"] - s["estimate"])
            ax.bar(x + (i - (len(c.labels) - 1) / 2) * width, est, width, yerr=[low, high],
                   capsize=2, label=label)  # fmt: skip
        names = [f"{lang}\n(source)" if lang == c.source_lang else lang for lang in c.langs]
        ax.set_xticks(x, names)
        ax.set_ylabel(f"pass@{c.k}")
        ax.set_ylim(0, 1)
        ax.legend(fontsize="small")
        ax.set_title("Zero-shot transfer across PLs")


def write_comparison(c: Comparison, out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.md").write_text(transfer_markdown(c))
    (out / "compare.json").write_text(json.dumps(c.to_dict(), indent=2) + "\n")
    plot_transfer(c, out / "transfer.png")
    return out
