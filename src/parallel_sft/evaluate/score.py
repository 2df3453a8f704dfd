"""Samples with verdicts -> pass@k per PL, with a bootstrap interval over problems.

Scoring reads only the saved samples, so `psft eval score RUN --k 1,2` re-scores a run
(other k, another interval level) without generating or executing anything.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import PsftError
from .passk import bootstrap_ci, pass_at_k


def check_ks(ks: Iterable[int], n: int) -> None:
    bad = [k for k in ks if not 1 <= k <= n]
    if bad:
        raise PsftError(
            f"k={bad[0]} is not within 1..n={n}: pass@k needs at least k samples per problem"
        )


def score_samples(
    rows: Sequence[dict[str, Any]],
    ks: Sequence[int],
    *,
    langs: Sequence[str] | None = None,
    run: dict[str, Any] | None = None,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, Any]:
    """The summary of a run: per PL, pass@k (mean over problems, with its interval), the
    problem and sample counts, and the verdict mix of its samples."""
    per_problem: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    verdicts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        per_problem[row["language"]][row["problem_id"]].append(row["status"] == "OK")
        verdicts[row["language"]][row["status"]] += 1
    results = {}
    for lang in langs or sorted(per_problem):
        problems = per_problem.get(lang)
        if not problems:
            raise PsftError(f"the run has no samples in {lang}")
        fewest = min(len(s) for s in problems.values())
        check_ks(ks, fewest)
        entry: dict[str, Any] = {
            "problems": len(problems),
            "samples": sum(len(s) for s in problems.values()),
            "verdicts": dict(sorted(verdicts[lang].items())),
        }
        for k in ks:
            values = [pass_at_k(len(s), sum(s), k) for _, s in sorted(problems.items())]
            low, high = bootstrap_ci(values, level=level, seed=seed)
            entry[f"pass@{k}"] = {
                "estimate": sum(values) / len(values), "ci_low": low, "ci_high": high,
            }  # fmt: skip
        results[lang] = entry
    return {**(run or {}), "ks": list(ks), "ci_level": level, "results": results}


def markdown(summary: dict[str, Any]) -> str:
    """pass@k per PL, each with its interval, as a markdown table."""
    ks = summary["ks"]
    level = round(summary.get("ci_level", 0.95) * 100)
    head = ["PL", "problems", *[f"pass@{k} ({level}% CI)" for k in ks]]
    lines = [
        f"# {summary.get('model', 'model')} on {summary.get('problems_source', 'problems')}",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for lang, entry in summary["results"].items():
        cells = [
            f"{entry[f'pass@{k}']['estimate']:.3f} "
            f"[{entry[f'pass@{k}']['ci_low']:.3f}, {entry[f'pass@{k}']['ci_high']:.3f}]"
            for k in ks
        ]
        lines.append("| " + " | ".join([lang, str(entry["problems"]), *cells]) + " |")
    return "\n".join(lines) + "\n"


def write_results(out: Path, summary: dict[str, Any]) -> None:
    for name, text in (
        ("summary.json", json.dumps(summary, indent=2) + "\n"),
        ("results.md", markdown(summary)),
    ):
        tmp = out / (name + ".tmp")
        tmp.write_text(text)
        tmp.replace(out / name)


def rescore(run_dir: str | Path, ks: Sequence[int], *, level: float = 0.95) -> dict[str, Any]:
    """Score a saved run again from its samples (no model, no sandbox); rewrites its
    summary.json and results.md."""
    import polars as pl

    out = Path(run_dir)
    samples, summary_path = out / "samples.parquet", out / "summary.json"
    if not samples.exists() or not summary_path.exists():
        raise PsftError(f"{out} is not a finished eval run (no samples.parquet / summary.json)")
    previous = json.loads(summary_path.read_text())
    run = {k: v for k, v in previous.items() if k not in ("ks", "ci_level", "results")}
    rows = pl.read_parquet(samples, columns=["problem_id", "language", "status"]).to_dicts()
    summary = score_samples(
        rows, ks, langs=list(previous["results"]), run=run,
        seed=(previous.get("sampling") or {}).get("seed", 0), level=level,
    )  # fmt: skip
    write_results(out, summary)
    return summary
