"""One set of flags for "where problems come from", shared by every command that reads
them (`psft corpus build --source`, `psft verify --problems`), so a source that one
command accepts, the other accepts too, spelled the same way."""

from __future__ import annotations

from collections.abc import Callable

import click

from ..option_groups import option_group

SOURCE_HELP = (
    "sample (bundled, offline), code_contests, taco, apps, codeforces (Hub ids work too), "
    "or a local JSONL / parquet / saved-dataset path."
)


def parse_columns(value: str | None) -> tuple[tuple[str, str], ...]:
    """`statement=question,reference=solution` -> (("statement", "question"), ...)."""
    if not value:
        return ()
    pairs = []
    for item in value.split(","):
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=COLUMN", param_hint="--columns")
        pairs.append((ours.strip(), theirs.strip()))
    return tuple(pairs)


def source_options(
    flag: str, dest: str, *, default: str | None, what: str
) -> Callable[[Callable], Callable]:
    """`flag` (the source, into `dest`) plus --split, --source-lang, --columns and --limit.

    `what` begins the source's help ("Where problems come from"); the default shows."""
    options = [
        click.option(
            flag, dest, default=default, show_default=default is not None,
            help=f"{what}: {SOURCE_HELP}",
        ),
        click.option("--split", default="train", show_default=True, help="The source's split."),
        click.option(
            "--source-lang", default="python", show_default=True,
            help="PL of the problems' reference solutions (rows without one in it are "
            "skipped where a source has several).",
        ),
        click.option(
            "--columns", default=None,
            help="Local sources: our field=their column, comma-separated "
            "(e.g. statement=question,reference=solution).",
        ),
        click.option("--limit", type=int, default=None, help="Only the first K usable problems."),
    ]  # fmt: skip
    return option_group(options)
