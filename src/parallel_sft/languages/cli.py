"""`psft langs`: the registry as a table, and a smoke test of every toolchain."""

from __future__ import annotations

import sys

import click

from . import Language, parse_languages


@click.command("langs")
@click.option("--check", is_flag=True, help="Compile and run a tiny program in every language.")
@click.option("--langs", "spec", default="all", show_default=True, help="Comma-separated subset.")
@click.option("--no-sandbox", is_flag=True, help="With --check: run without bubblewrap (unsafe).")
@click.option(
    "--signature",
    default=None,
    help="Show how each language writes this function problem's header (a typed Python "
    "def: 'def f(xs: list[int], k: int) -> Optional[str]'), or why it cannot.",
)
def langs_command(check: bool, spec: str, no_sandbox: bool, signature: str | None) -> None:
    """List the supported languages: installed?, toolchain version, tree-sitter grammar.

    With --check, each language's example program (read two integers, print the sum) is
    compiled and run in the sandbox, and its verdict and timings are shown; the exit
    status is non-zero if any language fails.
    """
    from rich.console import Console
    from rich.table import Table

    langs = parse_languages(spec)
    if signature is not None:
        _print_headers(langs, signature)
        return
    table = Table("language", "aliases", "installed", "version", "grammar", "kind", "time x")
    for lang in langs:
        version = lang.version()
        table.add_row(
            lang.name,
            ", ".join(lang.aliases[:4]),
            "yes" if version else "[red]no[/red]",
            version or f"[dim]{lang.install_hint()}[/dim]",
            _grammar_status(lang),
            "compiled" if lang.compiled else ("checked" if lang.compile else "interpreted"),
            f"{lang.time_factor:g}",
        )
    Console().print(table)
    if check:
        failed = _check(langs, isolate=not no_sandbox)
        if failed:
            click.secho(f"failed: {', '.join(failed)}", fg="red", err=True)
            sys.exit(1)


def _print_headers(langs: list[Language], signature: str) -> None:
    """Each language's header for `signature`, or its reason for not taking it."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..errors import PsftError
    from ..records import Problem
    from ..verify.functions import cannot_run
    from .types import TypeSyntaxError, parse_signature

    try:
        sig = parse_signature(signature)
    except TypeSyntaxError as err:
        raise PsftError(f"--signature: {err}") from None
    problem = Problem("check/signature", "check", "", [], kind="function",
                      entry_point=sig.name, signature=str(sig))  # fmt: skip
    # Text, not markup: a type's brackets (list[int]) would read as rich's style tags.
    table = Table("language", "header (or why not)", title=Text(str(sig)), show_lines=True)
    for lang in langs:
        reason = cannot_run(problem, lang)
        if reason is not None or lang.functions is None:
            table.add_row(lang.name, Text(str(reason), style="red"))
        else:
            table.add_row(lang.name, Text(lang.functions.header(sig, "Doc.").rstrip()))
    Console().print(table)


def _grammar_status(lang: Language) -> str:
    if lang.grammar is None:
        return "-"
    from tree_sitter_language_pack import get_language

    try:
        get_language(lang.grammar)
    except Exception:  # the pack raises its own lookup error types
        return f"[red]{lang.grammar} missing[/red]"
    return lang.grammar


def _check(langs: list[Language], isolate: bool) -> list[str]:
    from rich.console import Console
    from rich.table import Table

    from ..records import Candidate, Problem, Test
    from ..verify.pool import verify_batch
    from ..verify.runner import VerifyConfig

    problem = Problem(
        id="check/sum",
        source="check",
        statement="a+b",
        tests=[Test("3 4\n", "7\n"), Test("-1000000000 999999999\n", "-1\n")],
    )
    items = [(Candidate(problem.id, lang.name, lang.example), problem) for lang in langs]
    verdicts = verify_batch(items, VerifyConfig(isolate=isolate))
    table = Table("language", "verdict", "compile ms", "run ms (2 tests)", "peak MB", "detail")
    failed = []
    for lang, v in zip(langs, verdicts, strict=True):
        color = "green" if v.ok else "red"
        table.add_row(
            lang.name,
            f"[{color}]{v.status}[/{color}]",
            f"{v.compile_ms:.0f}",
            f"{v.run_ms:.0f}",
            f"{v.max_rss_mb:.0f}",
            v.detail[:60],
        )
        if not v.ok:
            failed.append(lang.name)
    Console().print(table)
    return failed
