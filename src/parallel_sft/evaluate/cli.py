"""`psft eval`: run an evaluation; `psft eval score` re-scores one; `psft eval compare`
builds the transfer table from several."""

from __future__ import annotations

import click

from ..backends.options import backend_kwargs, backend_options, sampling_options
from ..verify.options import executor_options, executor_spec, sanitize_option

DEFAULT_KS = (1, 5, 10)

# --protocol: the settings a published protocol uses; options given on the command line
# still win. MultiPL-E (Cassano et al., 2023) reports pass@1 from 20 samples at
# temperature 0.2 (top-p 0.95, 512 new tokens), each completion of the dataset's own
# prompt stopped at its stop tokens and judged by its own tests.
PROTOCOLS: dict[str, dict[str, object]] = {
    "multipl-e": {"prompt_style": "completion", "n": 20, "temperature": 0.2, "top_p": 0.95,
                  "max_tokens": 512, "k_spec": "1"},
    # the same sampling for instruction-tuned models: the prompt as a chat turn, the
    # answer's function spliced into the prompt before the tests run
    "multipl-e-chat": {"prompt_style": "chat", "n": 20, "temperature": 0.2, "top_p": 0.95,
                       "max_tokens": 512, "k_spec": "1"},
}  # fmt: skip


def _ks(spec: str | None, n: int) -> tuple[int, ...]:
    from ..errors import PsftError

    if spec is None:
        return tuple(k for k in DEFAULT_KS if k <= n)
    try:
        return tuple(sorted({int(x) for x in spec.split(",") if x.strip()}))
    except ValueError:
        raise PsftError(f"--k takes integers separated by commas, not {spec!r}") from None


@click.group("eval", invoke_without_command=True)
@click.option(
    "--problems",
    default="sample",
    show_default=True,
    help="A corpus directory (its test split by default), a corpus on the Hub, or any "
    "source psft corpus build accepts.",
)
@click.option("--split", default=None, help="Split of --problems (default: a corpus's test).")
@click.option("--limit", type=int, default=None, help="Only the first N problems.")
@click.option(
    "--langs", default="python", show_default=True, help="PLs to evaluate, comma-separated."
)
@backend_options
@sampling_options
@click.option(
    "--k",
    "k_spec",
    default=None,
    help="pass@k for these k, comma-separated, each <= --n. [default: 1,5,10 up to n]",
)
@click.option(
    "--prompt-style",
    type=click.Choice(["chat", "completion"]),
    default="chat",
    show_default=True,
    help="chat: the solve prompt as a chat (instruction-tuned models). completion: for "
    "function problems, the function's doc comment and header in each PL as raw text, "
    "continued by the model up to its language's stop sequences (base models, as "
    "MultiPL-E prompts them).",
)
@click.option(
    "--protocol",
    type=click.Choice(sorted(PROTOCOLS)),
    default=None,
    help="A published protocol's settings: multipl-e is --prompt-style completion --n 20 "
    "--temperature 0.2 --top-p 0.95 --max-tokens 512 --k 1 (the MultiPL-E paper's "
    "pass@1); multipl-e-chat the same with chat prompts. Options given explicitly win.",
)
@click.option("--out", default="runs/eval", show_default=True, help="The run directory.")
@click.option("--overwrite", is_flag=True, help="Replace another run in --out (caches stay).")
@sanitize_option()
@executor_options()
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.pass_context
def eval_group(ctx: click.Context, **options) -> None:
    """pass@k per PL: n samples per (problem, PL), each judged in the sandbox.

    Every problem is asked in every PL with the prompt RL trains on; each sample's program
    is extracted, run against the problem's tests, and saved with its verdict
    (samples.parquet), so a run can be re-scored without generating again. pass@k is the
    unbiased estimator, averaged over problems, with a 95% bootstrap interval. Rerunning the
    same command resumes.

    \b
    Examples:
      psft eval --model runs/rl --problems runs/corpus --langs python,go,lua --n 10 \\
          --out runs/eval-rl
      psft eval --problems multipl-e:humaneval --langs lua,r,racket,ocaml \\
          --protocol multipl-e --backend openai --base-url http://localhost:8000/v1 \\
          --model bigcode/starcoder2-3b --out runs/multipl-e
      psft eval score runs/eval-rl --k 1,2
      psft eval compare runs/eval-base runs/eval-sft runs/eval-rl --out runs/transfer
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..progress import silence_library_progress
    from .run import EvalConfig, run_eval

    if options["quiet"]:
        silence_library_progress()
    for name, value in PROTOCOLS.get(options["protocol"] or "", {}).items():
        if ctx.get_parameter_source(name) is not click.core.ParameterSource.COMMANDLINE:
            options[name] = value
    n = options["n"]
    config = EvalConfig(
        problems=options["problems"], split=options["split"], limit=options["limit"],
        langs=tuple(x.strip() for x in options["langs"].split(",") if x.strip()),
        backend=options["backend"], model=options["model"], n=n,
        ks=_ks(options["k_spec"], n), temperature=options["temperature"],
        top_p=options["top_p"], max_tokens=options["max_tokens"], seed=options["seed"],
        sanitize=options["sanitize"], prompt_style=options["prompt_style"],
        protocol=options["protocol"],
    )  # fmt: skip
    kwargs = backend_kwargs(
        options["backend"], options["base_url"], options["concurrency"], options["timeout_s"],
        options["batch_size"],
    )  # fmt: skip
    spec = executor_spec(options["executor"], options["workers"], options["ray_address"])
    summary = run_eval(
        config, options["out"], backend_options=kwargs, overwrite=options["overwrite"],
        executor=spec, progress=not options["quiet"],
    )  # fmt: skip
    from ..verify.executors import executor_summary

    if executor_summary(spec):
        click.echo(executor_summary(spec), err=True)
    from .score import markdown

    click.echo(markdown(summary), nl=False)
    click.echo(f"samples, summary.json and results.md in {options['out']}")


@eval_group.command("score")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--k", "k_spec", default="1", show_default=True, help="pass@k for these k.")
@click.option("--level", type=float, default=0.95, show_default=True, help="Interval level.")
def score_command(run_dir: str, k_spec: str, level: float) -> None:
    """Re-score a saved run from its samples: no model, no sandbox."""
    from .score import markdown, rescore

    summary = rescore(run_dir, _ks(k_spec, 10**9), level=level)
    click.echo(markdown(summary), nl=False)


@eval_group.command("compare")
@click.argument("run_dirs", nargs=-1, required=True)
@click.option("--labels", default=None, help="Row names, comma-separated (default: dir names).")
@click.option(
    "--reference", default=None, help="The row the changes are against (label; default: first)."
)
@click.option(
    "--source-lang",
    default=None,
    help="The PL RL trained in, marked in the table (default: the problems' reference PL).",
)
@click.option("--k", type=int, default=1, show_default=True, help="Compare pass@k.")
@click.option("--out", default=None, help="Write compare.md, compare.json and transfer.png here.")
def compare_command(run_dirs, labels, reference, source_lang, k, out) -> None:
    """The transfer table: runs as rows, PLs as columns, pass@k and its change."""
    from .compare import compare_runs, transfer_markdown, write_comparison

    comparison = compare_runs(
        run_dirs, labels=labels.split(",") if labels else None, reference=reference or 0,
        source_lang=source_lang, k=k,
    )  # fmt: skip
    click.echo(transfer_markdown(comparison), nl=False)
    if out:
        write_comparison(comparison, out)
        click.echo(f"compare.md, compare.json and transfer.png in {out}")
