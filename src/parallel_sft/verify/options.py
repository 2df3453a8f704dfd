"""The --sanitize/--no-sanitize flag, one definition for every command that judges programs
(`psft verify`, `psft corpus build`, `psft eval`, `psft train rl`), so it reads the same
everywhere and lands in the same place: `VerifyConfig.sanitize`."""

from __future__ import annotations

from collections.abc import Callable

import click

SANITIZE_HELP = (
    "Check C/C++ programs that pass once more under AddressSanitizer + UBSan, with the "
    "warnings that are almost always bugs as errors: undefined behaviour that printed the "
    "right answer by luck fails there. --no-sanitize skips that pass: C/C++ verification "
    "runs about 2.6x faster, or works where the sanitizer runtime cannot."
)


def sanitize_option(*, default: bool | None = True) -> Callable[[Callable], Callable]:
    """The flag as a click decorator; `default=None` lets a config file decide (train rl)."""
    suffix = " [default: on]" if default is None else ""
    return click.option(
        "--sanitize/--no-sanitize",
        default=default,
        show_default=default is not None,
        help=SANITIZE_HELP + suffix,
    )
