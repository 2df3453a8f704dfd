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


def silence_library_progress() -> None:
    """Turn off the bars that datasets, transformers and huggingface_hub draw themselves
    (reading sources, loading weights), for --quiet runs."""
    import os

    import datasets

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    datasets.disable_progress_bars()
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # the [hf] extra is not installed
        return
    transformers_logging.disable_progress_bar()  # "Loading weights"
