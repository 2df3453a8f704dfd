"""The build's funnel, computed once from the attempt rows (polars).

Per target PL: candidates (attempts, repair rounds included) -> extracted (a program was
found in the answer) -> syntax ok -> compiled (got past the compiler) -> verified (passed
every test) -> kept (after dedup and --keep), and the problems with at least one verified
program. The build writes it into the data card; `psft corpus stats` recomputes it from
the `candidates` config of a finished dataset with the same function.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FUNNEL_COLUMNS = (
    "candidates",
    "extracted",
    "syntax_ok",
    "compiled",
    "verified",
    "problems_verified",
    "kept",
)
_NOT_COMPILED = ("SYNTAX_ERROR", "COMPILE_ERROR")


def funnel(rows: Any, langs: Sequence[str]) -> list[dict[str, Any]]:
    """One dict per PL in `langs` order: language and the FUNNEL_COLUMNS counts.

    `rows` is anything polars can make a DataFrame of (a list of dicts, a DataFrame) with
    the columns problem_id, language, code, syntax_ok, status and kept.

    Example:
        >>> rows = [
        ...     {"problem_id": "a", "language": "c", "code": "x", "syntax_ok": True,
        ...      "status": "OK", "kept": True},
        ...     {"problem_id": "a", "language": "c", "code": "", "syntax_ok": False,
        ...      "status": "SYNTAX_ERROR", "kept": False},
        ... ]
        >>> [(f["candidates"], f["extracted"], f["verified"]) for f in funnel(rows, ["c", "go"])]
        [(2, 1, 1), (0, 0, 0)]
    """
    import polars as pl

    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(list(rows))
    if frame.is_empty():
        return [{"language": lang, **dict.fromkeys(FUNNEL_COLUMNS, 0)} for lang in langs]
    ok = pl.col("status") == "OK"
    counts = frame.group_by("language").agg(
        pl.len().alias("candidates"),
        (pl.col("code").str.strip_chars() != "").sum().alias("extracted"),
        pl.col("syntax_ok").sum().alias("syntax_ok"),
        (~pl.col("status").is_in(_NOT_COMPILED)).sum().alias("compiled"),
        ok.sum().alias("verified"),
        pl.col("problem_id").filter(ok).n_unique().alias("problems_verified"),
        pl.col("kept").sum().alias("kept"),
    )
    by_lang = {row["language"]: row for row in counts.to_dicts()}
    out = []
    for lang in langs:
        row = by_lang.get(lang, {})
        out.append({"language": lang, **{c: int(row.get(c) or 0) for c in FUNNEL_COLUMNS}})
    return out


def funnel_table(rows: list[dict[str, Any]], problems: int | None = None):  # -> rich Table
    """The funnel as a rich table that fits 80 columns; with `problems`, the yield column
    (problems solved / problems built)."""
    from rich.table import Table

    table = Table(
        "PL", "cands", "code", "parses", "builds", "passes", "kept", "solved",
        title="funnel",
        caption="cands: attempts (repairs included) -> code: a program was extracted -> "
        "parses: tree-sitter -> builds: compiled -> passes: every test -> kept: after dedup "
        "and --keep; solved: problems with a passing program",
    )  # fmt: skip
    if problems:
        table.add_column("yield")
    columns = ("candidates", "extracted", "syntax_ok", "compiled", "verified", "kept")
    for row in rows:
        cells = [str(row[c]) for c in (*columns, "problems_verified")]
        if problems:
            cells.append(f"{100 * row['problems_verified'] / problems:.0f}%")
        table.add_row(row["language"], *cells)
    return table


def corpus_stats(corpus_dir) -> dict[str, Any]:
    """Funnel and row counts of a built corpus, read back from its parquet files."""
    from pathlib import Path

    import polars as pl

    from ..errors import PsftError

    root = Path(corpus_dir)
    files = sorted(root.glob("*/*.parquet"))
    if not files:
        raise PsftError(f"{root} holds no dataset files; run psft corpus build first")
    configs: dict[str, dict[str, int]] = {}
    for path in files:
        split = path.name.split("-")[0]
        configs.setdefault(path.parent.name, {})[split] = (
            pl.scan_parquet(path).select(pl.len()).collect().item()
        )
    splits = sorted({s for c in configs.values() for s in c}, key=lambda s: (s != "train", s))
    if "candidates" not in configs:
        raise PsftError(f"{root} has no candidates config: the funnel cannot be computed")
    frame = pl.concat([pl.read_parquet(p) for p in files if p.parent.name == "candidates"])
    langs = [name for name in configs if name not in ("parallel", "candidates")]
    langs += sorted(set(frame["language"].unique()) - set(langs))
    problems = frame["problem_id"].n_unique()
    return {
        "funnel": funnel(frame, langs),
        "configs": configs,
        "splits": splits,
        "problems": problems,
    }
