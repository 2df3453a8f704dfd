"""`psft corpus`: build a verified parallel-program dataset, inspect it, publish it."""

from __future__ import annotations

import time

import click

from ..backends.options import backend_kwargs, backend_options, sampling_options
from ..sources.options import parse_columns, source_options
from ..verify.options import executor_options, executor_spec, sanitize_option


@click.group("corpus")
def corpus_group() -> None:
    """Build, inspect and publish parallel-program corpora."""


@corpus_group.command("build")
@source_options("--source", "source", default="sample", what="Where problems come from")
@click.option("--langs", required=True, help="Target PLs, comma-separated: cpp,go,rust")
@backend_options
@sampling_options
@click.option(
    "--few-shot/--no-few-shot",
    default=True,
    show_default=True,
    help="Show the model one verified example (sum-two) in the target PL first.",
)
@click.option(
    "--repair-rounds",
    type=int,
    default=1,
    show_default=True,
    help="Times a failed candidate is sent back with its compiler error or failing test.",
)
@click.option(
    "--keep",
    type=int,
    default=1,
    show_default=True,
    help="Verified programs kept per (problem, PL), after dropping duplicates.",
)
@click.option(
    "--test-fraction",
    type=float,
    default=0.1,
    show_default=True,
    help="Share of problems in the test split (chosen by a hash of the problem id).",
)
@click.option(
    "--check-reference",
    is_flag=True,
    help="Run every reference on its own tests first; drop problems whose reference fails.",
)
@click.option(
    "--source-solutions",
    type=int,
    default=0,
    show_default=True,
    help="Also take up to this many of the source's own solutions per (problem, PL) "
    "(code_contests has C++ and Java ones; MBXP and HumanEval-X canonical solutions in "
    "each of their PLs), verified like any candidate. With --n 0 no model is asked at "
    "all: the corpus is the source's verified solutions alone.",
)
@click.option(
    "--decontaminate-against",
    default=None,
    help="Drop problems whose statement shares a word n-gram with this evaluation set "
    "(a JSONL / parquet / saved dataset with a statement or prompt column, or 'sample').",
)
@click.option("--ngram", type=int, default=13, show_default=True, help="n for decontamination.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="runs/corpus",
    show_default=True,
    help="The dataset directory; its .build/ subfolder holds what a resumed run reuses.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Rebuild OUT under a changed configuration (cached completions and verdicts stay).",
)
@click.option("--shard-size", type=int, default=128, show_default=True, help="Requests a shard.")
@executor_options()
@sanitize_option()
@click.option("--quiet", is_flag=True, help="No progress bars or shard log.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Only load the problems and report what the build would ask for: the loader's "
    "skips and dropped asserts, and per target PL the function problems it cannot express. "
    "No model, no sandbox, nothing written.",
)
def build_command(
    source,
    split,
    source_lang,
    columns,
    limit,
    langs,
    backend,
    model,
    n,
    temperature,
    top_p,
    max_tokens,
    seed,
    few_shot,
    repair_rounds,
    keep,
    test_fraction,
    check_reference,
    source_solutions,
    decontaminate_against,
    ngram,
    out,
    overwrite,
    shard_size,
    executor,
    ray_address,
    workers,
    sanitize,
    base_url,
    concurrency,
    timeout_s,
    batch_size,
    quiet,
    dry_run,
) -> None:
    """Translate, verify and select parallel programs into a Hugging Face dataset.

    translate -> extract/syntax -> execute -> repair rounds -> select -> dataset + card.
    The build is resumable: after a crash or Ctrl-C, the same command continues where it
    stopped, reusing every cached completion and verdict, and writes the same dataset an
    uninterrupted run would. A changed configuration in the same --out is refused unless
    --overwrite.

    \b
    Examples:
      psft corpus build --langs cpp,go,lua --limit 5            # embedded model, on CPU
      vllm serve Qwen/Qwen2.5-Coder-7B-Instruct &
      psft corpus build --source code_contests --backend openai \\
          --model Qwen/Qwen2.5-Coder-7B-Instruct --base-url http://127.0.0.1:8000/v1 \\
          --langs cpp,java,go,rust,javascript --n 4 --keep 2 --check-reference \\
          --out runs/code_contests-parallel
    """
    from rich.console import Console

    from ..languages import parse_languages
    from ..verify.runner import VerifyConfig
    from .build import build_corpus
    from .config import BuildConfig
    from .stats import funnel_table

    if quiet:
        from ..progress import silence_library_progress

        silence_library_progress()
    targets = parse_languages(langs)
    config = BuildConfig(
        langs=tuple(lang.name for lang in targets),
        source=source,
        split=split,
        source_lang=source_lang,
        columns=parse_columns(columns),
        limit=limit,
        backend=backend,
        model=model,
        n=n,
        temperature=temperature,
        top_p=top_p,
        max_tokens=max_tokens,
        seed=seed,
        few_shot=few_shot,
        repair_rounds=repair_rounds,
        keep=keep,
        test_fraction=test_fraction,
        check_reference=check_reference,
        source_solutions=source_solutions,
        decontaminate_against=decontaminate_against,
        ngram=ngram,
        shard_size=shard_size,
        verify=VerifyConfig(sanitize=sanitize),
    )
    if dry_run:
        _print_dry_run(config)
        return
    options = backend_kwargs(backend, base_url, concurrency, timeout_s, batch_size)
    spec = executor_spec(executor, workers, ray_address)
    console = Console(stderr=True)
    started = time.perf_counter()
    report = build_corpus(
        config,
        out,
        backend_options=options,
        executor=spec,
        overwrite=overwrite,
        progress=not quiet,
        log=(lambda _: None) if quiet else (lambda msg: console.print(msg, highlight=False)),
    )
    seconds = time.perf_counter() - started
    Console().print(funnel_table(report.funnel, report.problems.get("built")))
    click.echo(_summary(report, seconds))
    from ..verify.executors import executor_summary

    if executor_summary(spec):
        click.echo(executor_summary(spec), err=True)


def _print_dry_run(config) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .problems import dry_run

    counts, per_lang = dry_run(config)
    console = Console(width=max(Console().width, 120))
    loader = Table("problems", "count", title=f"{config.source}: what the loader kept")
    for key, n in counts.items():
        label = key.removeprefix("skipped_").replace("_", " ")
        if key == "skipped_asserts_dropped":
            label += " (tests, not problems)"
        elif key.startswith("skipped_"):
            label = "skipped " + label
        loader.add_row(label, str(n))
    console.print(loader)
    table = Table("PL", "asked for", "cannot express", "why (count)", title="per target PL")
    for name, row in per_lang.items():
        why = "; ".join(f"{reason} ({n})" for reason, n in row["reasons"].items()) or "-"
        table.add_row(name, str(row["asked"]), str(row["skipped"]), escape(why))  # list[int]
    console.print(table)


def _summary(report, seconds: float) -> str:
    counts = report.problems
    skipped = sum(v for k, v in counts.items() if k.startswith("skipped_"))
    dropped = ", ".join(
        f"{counts[k]} {label}"
        for k, label in (
            ("decontaminated", "decontaminated"),
            ("reference_failed", "bad reference"),
        )
        if counts.get(k)
    )
    rows = {name: sum(splits.values()) for name, splits in report.configs.items()}
    example = "parallel" if "parallel" in rows else next(iter(rows), "candidates")
    lines = [
        f"problems: {counts['loaded']} loaded, {skipped} source rows skipped"
        + (f", {dropped}" if dropped else "")
        + f", {counts['built']} built, {counts.get('with_verified', 0)} with a verified program",
        f"completions: {report.completions.get('cached', 0)} cached, "
        f"{report.completions.get('generated', 0)} generated; verdicts reused: "
        f"{report.verdicts_reused}; shards reused: {report.shards_reused}",
        "configs: " + ", ".join(f"{k} ({v} rows)" for k, v in rows.items()),
        f"dataset: {report.out} ({seconds:.0f} s); load it with "
        f"datasets.load_dataset({str(report.out)!r}, {example!r})",
    ]
    return "\n".join(lines)


@corpus_group.command("stats")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False))
def stats_command(corpus_dir) -> None:
    """Print the funnel and per-PL counts of a built corpus."""
    from rich.console import Console
    from rich.table import Table

    from .stats import corpus_stats, funnel_table

    stats = corpus_stats(corpus_dir)
    console = Console()
    console.print(funnel_table(stats["funnel"], stats["problems"]))
    table = Table("config", *stats["splits"], title="rows")
    for name, splits in stats["configs"].items():
        table.add_row(name, *(str(splits.get(s, 0)) for s in stats["splits"]))
    console.print(table)


@corpus_group.command("publish")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--repo-id", required=True, help="The Hub dataset repo: ORG/NAME.")
@click.option("--private", is_flag=True, help="Create the repo private.")
@click.option("--revision", default=None, help="Branch to push to (created if missing).")
@click.option("--message", default=None, help="Commit message.")
def publish_command(corpus_dir, repo_id, private, revision, message) -> None:
    """Upload a built corpus (data files, card, plot; never .build/) to the Hugging Face Hub.

    The token comes from HF_TOKEN or `hf auth login`.
    """
    from .publish import publish

    url = publish(corpus_dir, repo_id, private=private, revision=revision, commit_message=message)
    click.echo(f"published {corpus_dir} to {url}")
