"""Select: which verified programs go into the dataset.

Per (problem, PL), verified attempts are taken in order (earlier round first, then sample
index), exact and syntax-tree-normalized duplicates of an already kept program are dropped,
and at most `keep` stay. The result is a `kept` flag on every attempt and the drop counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..records import Status
from ..verify.syntax import normalize

Row = dict[str, Any]


def select(rows: Sequence[Row], keep: int) -> tuple[list[Row], dict[str, int]]:
    """Every attempt row with `kept` set, and counts of dropped verified programs.

    Args:
        rows: attempt rows with problem_id, language, round, sample, code and status.
        keep: the most programs kept per (problem, language).

    Returns:
        (rows in input order, each with a bool `kept`; {"dropped_duplicate": ...,
        "dropped_normalized_duplicate": ..., "dropped_over_keep": ...}).

    Example:
        >>> ok = {"problem_id": "p", "language": "c", "status": "OK", "round": 0}
        >>> rows = [{**ok, "sample": 0, "code": "int x;"},
        ...         {**ok, "sample": 1, "code": "int  x; // y"}]
        >>> [r["kept"] for r in select(rows, keep=2)[0]]
        [True, False]
    """
    verified = sorted(
        (i for i, r in enumerate(rows) if r["status"] == Status.OK.value),
        key=lambda i: (rows[i]["round"], rows[i]["sample"], i),
    )
    kept: set[int] = set()
    seen: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    dropped: Counter[str] = Counter()
    for i in verified:
        row = rows[i]
        group = (row["problem_id"], row["language"])
        exact, normalized = seen.setdefault(group, (set(), set()))
        norm = normalize(row["code"], row["language"]).hash
        if row["code"] in exact:
            dropped["dropped_duplicate"] += 1
        elif norm in normalized:
            dropped["dropped_normalized_duplicate"] += 1
        elif len(exact) >= keep:
            dropped["dropped_over_keep"] += 1
        else:
            kept.add(i)
            exact.add(row["code"])
            normalized.add(norm)
    counts = {
        k: dropped[k]
        for k in ("dropped_duplicate", "dropped_normalized_duplicate", "dropped_over_keep")
    }
    return [{**r, "kept": i in kept} for i, r in enumerate(rows)], counts
