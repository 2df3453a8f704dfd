"""The progress bar every long stage shows (on stderr, so stdout stays for results)."""

from __future__ import annotations


def progress_bar(enabled: bool = True):
    """A rich Progress with counts, elapsed and remaining time; disabled -> silent."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not enabled,
    )
