"""The `psft` command: the root click group. Each stage package contributes its commands;
this module only wires them and turns the toolkit's errors into one-line messages."""

from __future__ import annotations

import logging
import os
import sys

import click

from .analyze.cli import analyze_group
from .backends.cli import serve_command
from .corpus.cli import corpus_group
from .errors import PsftError
from .evaluate.cli import eval_group
from .languages.cli import langs_command
from .train.cli import train_group
from .translate.cli import translate_command
from .verify.cli import verify_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="parallel-sft")
def cli() -> None:
    """parallel-sft: build verified parallel-program corpora and train code models on them."""


cli.add_command(analyze_group)
cli.add_command(corpus_group)
cli.add_command(eval_group)
cli.add_command(langs_command)
cli.add_command(serve_command)
cli.add_command(train_group)
cli.add_command(translate_command)
cli.add_command(verify_command)


def main() -> None:
    """Console entry point. PSFT_DEBUG=1 shows tracebacks instead of one-line errors."""
    logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    try:
        cli.main(standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo(
            "interrupted: finished work is saved; rerun the same command to resume", err=True
        )
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except PsftError as err:
        if os.environ.get("PSFT_DEBUG"):
            raise
        click.secho(f"error: {err}", fg="red", err=True)
        sys.exit(1)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except Exception as err:  # a bug, not bad input: say so in one line
        if os.environ.get("PSFT_DEBUG"):
            raise
        click.secho(
            f"internal error: {type(err).__name__}: {err} (rerun with PSFT_DEBUG=1 for the "
            "traceback, and please report it)",
            fg="red",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
