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


def executor_options(
    *, workers: str = "--workers", config_file: bool = False
) -> Callable[[Callable], Callable]:
    """--executor, --ray-address and the worker count (named `workers`: `train rl` calls it
    --reward-workers), one definition for every command that judges programs. The
    values arrive as `executor`, `ray_address` and the workers flag's name; turn them
    into an `ExecutorSpec` with `executor_spec`. `config_file`: a config file may set
    them, so the flags default to None."""
    from ..option_groups import option_group

    dest = workers.removeprefix("--").replace("-", "_")
    return option_group([
        click.option(
            "--executor",
            type=click.Choice(["local", "ray"]),
            default=None if config_file else "local",
            show_default=not config_file,
            help="Where programs run: local (a process pool on this machine) or ray (sandbox "
            "actors on a Ray cluster: one per CPU it offers; needs parallel-sft[ray]).",
        ),
        click.option(
            "--ray-address",
            default=None,
            help="ray: the cluster to join (host:port of `ray start --head`, or ray://...). "
            "[default: auto: $RAY_ADDRESS, else the cluster started on this machine]",
        ),
        click.option(
            workers,
            dest,
            type=click.IntRange(min=1),
            default=None,
            help="Sandbox workers: local processes (default: every core), or Ray actors "
            "(default: one per CPU in the cluster).",
        ),
    ])  # fmt: skip


def executor_spec(executor: str | None, workers: int | None, ray_address: str | None):
    """The `ExecutorSpec` for the options above. For ray it joins the cluster now, so that
    a missing Ray or cluster fails before any work, in one line that says what to do."""
    from ..errors import PsftError
    from .executors import ExecutorSpec

    if ray_address and executor != "ray":
        raise PsftError("--ray-address is for --executor ray")
    if executor == "ray":
        from .ray_workers import connect

        connect(ray_address)
    return ExecutorSpec(executor or "local", workers, ray_address)  # type: ignore[arg-type]
