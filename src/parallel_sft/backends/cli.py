"""`psft serve`: vLLM's OpenAI-compatible server for the openai backend, started the way
the tests start it (`serve.py`)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import click


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


@click.command(
    "serve",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.option(
    "--model", default=None, help="Hub id or checkpoint directory. Default: the embedded model."
)
@click.option("--served-model-name", default=None, help="The name requests use.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where the server's output goes. Default: a file in the temp dir.",
)
@click.option(
    "--startup-timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds to wait for the server to answer /v1/models.",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    model: str | None,
    served_model_name: str | None,
    host: str,
    port: int,
    log: Path | None,
    startup_timeout: float,
) -> None:
    """Serve MODEL with vLLM's OpenAI-compatible server until Ctrl-C.

    Point the openai backend at the URL it prints (`--backend openai --base-url URL`).
    Arguments after `--` go to vLLM as they are (`-- --max-model-len 4096`). On CPU it adds
    the engine defaults the vllm backend uses (eager mode, a 2 GiB KV cache, bfloat16
    where the CPU has it), and on engines that cannot seed single requests it drops
    per-request seeds, which would kill vLLM 0.32 on CPU (see the README).
    """
    from .serve import ServerProcessError, VLLMServer, cause_in_log  # httpx: only when used

    server = VLLMServer(
        model,
        served_model_name=served_model_name,
        host=host,
        port=port,
        extra_args=list(ctx.args),
        log=log,
        startup_timeout_s=startup_timeout,
    )
    # SIGTERM (a service manager, `kill`) stops the server the way Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    click.echo(f"starting vLLM for {server.model} (log: {server.log}) ...", err=True)
    try:
        server.start()
        click.echo(
            f"serving {server.served_model_name} at {server.base_url}; Ctrl-C stops it",
            err=True,
        )
        while server.alive():
            time.sleep(1)
        raise ServerProcessError(
            f"exited with status {server.proc.returncode}", server.log, cause_in_log(server.log)
        )
    except KeyboardInterrupt:
        click.echo("stopping the server", err=True)
    finally:
        server.stop()
