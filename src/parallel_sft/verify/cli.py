"""`psft verify`: judge candidate programs (or the problems' own references) in the sandbox."""

from __future__ import annotations

import sys

import click

from ..sources.options import parse_columns, source_options
from .limits import Limits
from .options import executor_options, executor_spec, sanitize_option
from .runner import VerifyConfig


@click.command("verify")
@source_options(
    "--problems",
    "problems_path",
    default=None,
    what="Problems, from any source `psft corpus build --source` takes (default: the "
    "bundled sample)",
)
@click.option(
    "--candidates",
    "candidates_path",
    type=click.Path(),
    default=None,
    help="Candidate programs (problem_id, language, code, ...). "
    "Default: each problem's reference solution.",
)
@click.option(
    "--langs",
    default=None,
    help="Only candidates in these PLs (comma-separated; default: all of them).",
)
@click.option(
    "--out",
    type=click.Path(),
    default="runs/verdicts.jsonl",
    show_default=True,
    help="Where verdicts go: .jsonl, .parquet, or a directory (saved HF dataset).",
)
@executor_options()
@click.option(
    "--all-tests", is_flag=True, help="Run every test instead of stopping at the first failure."
)
@click.option(
    "--exact",
    is_flag=True,
    help="Compare output line by line instead of token-wise with 1e-6 tolerance.",
)
@click.option(
    "--time-limit", type=float, default=None, help="Override every problem's time limit (seconds)."
)
@click.option(
    "--memory-limit", type=int, default=None, help="Override every problem's memory limit (MB)."
)
@click.option(
    "--no-sandbox",
    is_flag=True,
    help="Run without bubblewrap, with resource limits only. Unsafe: trusted code only.",
)
@sanitize_option()
@click.option("--quiet", is_flag=True, help="No progress bar.")
def verify_command(
    problems_path,
    split,
    source_lang,
    columns,
    limit,
    candidates_path,
    langs,
    out,
    executor,
    ray_address,
    workers,
    all_tests,
    exact,
    time_limit,
    memory_limit,
    no_sandbox,
    sanitize,
    quiet,
) -> None:
    """Compile and run programs against their problems' tests in the sandbox.

    Without --candidates it checks the problems' own solutions: each reference, or for
    a benchmark with canonical solutions in many PLs (mbxp:PATH, humaneval-x:PATH) every
    one of them, judged by that PL's benchmark tests.

    Writes one verdict per candidate (OK, WRONG_ANSWER, RUNTIME_ERROR, TIME_LIMIT,
    MEMORY_LIMIT, OUTPUT_LIMIT, COMPILE_ERROR, INFRA_ERROR) and prints the verdict counts
    per language. Interrupted runs resume where they stopped.

    \b
    Examples:
      psft verify                                  # bundled sample: check the references
      psft verify --problems problems.jsonl --candidates cands.jsonl --out verdicts.parquet
      psft verify --problems code_contests --split valid --limit 50    # a dataset's refs
      psft verify --problems humaneval-x:data/ --langs go,rust   # canonical solutions
    """
    from ..errors import PsftError
    from ..languages import find_language, parse_languages
    from .job import load_candidates, load_problems, reference_candidates, run_verify

    if no_sandbox:
        click.secho(
            "warning: --no-sandbox runs candidate programs without isolation",
            fg="yellow",
            err=True,
        )
    from .sandbox import Sandbox

    click.echo(Sandbox(isolate=not no_sandbox).describe(), err=True)
    skipped_rows: dict[str, int] = {}
    problems = load_problems(
        problems_path,
        split=split,
        source_lang=source_lang,
        columns=parse_columns(columns),
        limit=limit,
        skipped=skipped_rows,
    )
    if skipped_rows:
        reasons = ", ".join(f"{n} {why}" for why, n in sorted(skipped_rows.items()))
        click.echo(f"source rows skipped: {reasons}", err=True)
    if time_limit is not None or memory_limit is not None:
        for p in problems.values():
            p.time_limit_s = time_limit or p.time_limit_s
            p.memory_limit_mb = memory_limit or p.memory_limit_mb
    wanted = [lang.name for lang in parse_languages(langs)] if langs else None
    if candidates_path:
        candidates = load_candidates(candidates_path)
        if wanted is not None:
            candidates = [(line, c) for line, c in candidates if find_language(c.language)
                          and find_language(c.language).name in wanted]  # fmt: skip
    else:
        candidates = reference_candidates(problems, wanted)
        if not candidates and any(p.harnesses for p in problems.values()):
            raise PsftError(
                "these problems come with no solutions to check (MultiPL-E has none, "
                "Multi-HumanEval none outside Python); give programs with --candidates"
                + (f", or other --langs than {langs}" if langs else "")
            )
    config = VerifyConfig(
        limits=Limits(), isolate=not no_sandbox, all_tests=all_tests, exact=exact, sanitize=sanitize
    )
    spec = executor_spec(executor, workers, ray_address)
    report = run_verify(problems, candidates, out, config, executor=spec, progress=not quiet)
    print_summary(report.rows)
    from .executors import executor_summary

    if executor_summary(spec):
        click.echo(executor_summary(spec), err=True)
    click.echo(f"{len(report.rows)} verdicts written to {out}", err=True)
    if report.reused:
        click.echo(f"{report.reused} verdicts reused from an interrupted run", err=True)
    for message in report.skipped:
        click.secho(f"skipped {message}", fg="red", err=True)
    if report.infra_errors:
        first = next(r for r in report.rows if r["status"] == "INFRA_ERROR")
        click.secho(
            f"{report.infra_errors} INFRA_ERROR verdicts (not the programs' fault): "
            f"{first['detail']}",
            fg="red",
            err=True,
        )
    if report.skipped or report.infra_errors:
        sys.exit(1)


def print_summary(rows: list[dict]) -> None:
    """Verdict counts per language, as a table on stdout."""
    import polars as pl
    from rich.console import Console
    from rich.table import Table

    from ..records import Status

    if not rows:
        click.echo("no verdicts")
        return
    frame = pl.DataFrame(rows).select("language", "status")
    counts = frame.pivot(on="status", index="language", values="status", aggregate_function="len")
    statuses = [s.value for s in Status if s.value in counts.columns]
    table = Table("language", *statuses, "total", "pass rate")
    for row in counts.fill_null(0).sort("language").iter_rows(named=True):
        total = sum(row[s] for s in statuses)
        table.add_row(
            row["language"],
            *(str(row[s]) for s in statuses),
            str(total),
            f"{row.get('OK', 0) / total:.1%}",
        )
    Console().print(table)
