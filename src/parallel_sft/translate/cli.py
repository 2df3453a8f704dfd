"""`psft translate`: ask a model for each problem's solution in each target PL."""

from __future__ import annotations

from pathlib import Path

import click

from ..backends.options import backend_kwargs, backend_options, sampling_options


@click.command("translate")
@click.option(
    "--problems",
    "problems_path",
    type=click.Path(),
    default=None,
    help="Problems with reference solutions (JSONL, parquet or saved dataset). "
    "Default: the bundled sample.",
)
@click.option("--langs", required=True, help="Target PLs, comma-separated: cpp,go,rs")
@backend_options
@sampling_options
@click.option(
    "--few-shot/--no-few-shot",
    default=True,
    show_default=True,
    help="Show the model one verified example (sum-two) in the target PL first.",
)
@click.option("--limit", type=int, default=None, help="Only the first K problems.")
@click.option(
    "--out",
    type=click.Path(),
    default="runs/candidates.jsonl",
    show_default=True,
    help="Candidates: .jsonl, .parquet, or a directory (saved HF dataset).",
)
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(),
    default=None,
    help="Completion cache (JSONL). Default: <out>.cache.jsonl",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def translate_command(
    problems_path,
    langs,
    backend,
    model,
    n,
    temperature,
    top_p,
    max_tokens,
    seed,
    few_shot,
    limit,
    out,
    cache_path,
    base_url,
    concurrency,
    timeout_s,
    batch_size,
    quiet,
) -> None:
    """Translate reference solutions into the target PLs with an LLM.

    Every completion is cached as it arrives: rerunning the same command after a crash or
    Ctrl-C asks the model only for what is missing. Each candidate carries the extracted
    program and its tree-sitter syntax verdict; `psft verify --candidates OUT` then
    executes the ones that parse.

    \b
    Examples:
      psft translate --langs cpp,go --limit 3                  # embedded model, on CPU
      vllm serve Qwen/Qwen2.5-Coder-7B-Instruct &
      psft translate --backend openai --model Qwen/Qwen2.5-Coder-7B-Instruct \\
          --base-url http://127.0.0.1:8000/v1 --langs cpp,go,rust,java --n 4
    """
    from ..backends import get_backend
    from ..backends.base import SamplingParams
    from ..languages import parse_languages
    from ..tables import write_rows
    from ..verify.job import load_problems
    from .cache import CompletionCache
    from .stage import build_requests, registry_examples, translate

    targets = parse_languages(langs)
    problems = list(load_problems(problems_path).values())[:limit]
    examples = registry_examples() if few_shot else None
    unsupported: dict = {}
    requests = build_requests(problems, targets, examples=examples, unsupported=unsupported)
    for lang, reasons in sorted(unsupported.items()):
        top = ", ".join(f"{n} {why}" for why, n in reasons.most_common(3))
        click.echo(f"{lang}: skipped {sum(reasons.values())} function problems ({top})", err=True)
    if not requests:
        raise click.UsageError("nothing to translate: no problem has a reference in another PL")
    params = SamplingParams(n, temperature, top_p, max_tokens, seed)
    options = backend_kwargs(backend, base_url, concurrency, timeout_s, batch_size)
    cache_file = Path(cache_path or f"{out}.cache.jsonl")
    with get_backend(backend, model, **options) as llm, CompletionCache(cache_file) as cache:
        candidates, stats = translate(requests, llm, params, cache, progress=not quiet)
    write_rows(out, [{**c.key(), "code": c.code, "response": c.response} for c in candidates])
    _print_counts(stats)
    click.echo(
        f"{len(candidates)} candidates written to {out}; completions: "
        f"{stats.completions_cached} cached, {stats.completions_generated} generated in "
        f"{stats.model_calls} model calls",
        err=True,
    )
    if stats.generate_seconds:
        rate = stats.generated_tokens / stats.generate_seconds
        click.echo(
            f"{stats.generated_tokens} tokens generated in {stats.generate_seconds:.1f} s "
            f"({rate:.1f} tokens/s)",
            err=True,
        )


def _print_counts(stats) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("language", "candidates", "extracted", "syntax ok")
    for lang, c in sorted(stats.per_language.items()):
        table.add_row(lang, str(c["candidates"]), str(c["extracted"]), str(c["syntax_ok"]))
    Console().print(table)
