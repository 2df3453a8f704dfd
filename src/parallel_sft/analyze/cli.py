"""`psft analyze`: representation analysis of parallel programs (run, compare)."""

from __future__ import annotations

import click


@click.group("analyze")
def analyze_group() -> None:
    """How tightly equivalent programs in different PLs cluster in a model's hidden states.

    \b
    run      embed a corpus's verified parallel programs (mean of each layer's hidden
             states over the code's tokens) and score, per layer and PL pair, cross-PL
             retrieval (top-1, MRR) and the cosine gap between parallel and unrelated
             pairs: writes analysis.json, retrieval.png and cosine.png.
    compare  overlay several runs (e.g. base vs. SFT vs. Parallel-SFT) on the same
             problems: writes compare.json and compare.png.

    Raw cosines of mean-pooled hidden states are all close to 1 (anisotropy); run
    --center subtracts each PL's mean embedding first, which makes the gap readable but
    also removes the clustering by PL that the raw numbers include.

    \b
    Examples:
      psft analyze run --corpus runs/corpus --langs c,go,lua --out runs/analysis/base
      psft analyze run --model runs/sft --corpus runs/corpus --langs c,go,lua \\
          --out runs/analysis/sft
      psft analyze compare runs/analysis/base runs/analysis/sft --out runs/analysis
    """


@analyze_group.command("run")
@click.option(
    "--model",
    default=None,
    help="Model (Hub id or directory). Default: the embedded SmolLM2-135M-Instruct.",
)
@click.option(
    "--corpus", required=True, help="A corpus directory from psft corpus build, or a Hub id."
)
@click.option(
    "--langs",
    required=True,
    help="PLs to compare, comma-separated (at least 2); the source PL (python) counts too.",
)
@click.option("--out", required=True, help="Output directory.")
@click.option(
    "--split",
    type=click.Choice(["train", "test", "all"]),
    default="test",
    show_default=True,
    help="Corpus split; test by default, since fine-tuned models saw the train split's "
    "parallel programs.",
)
@click.option("--limit", type=int, default=None, help="Use the first N qualifying problems.")
@click.option("--batch-size", type=int, default=8, show_default=True)
@click.option(
    "--max-length", type=int, default=1024, show_default=True, help="Tokens kept per program."
)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option(
    "--pooling",
    type=click.Choice(["mean", "mean-skip-first"]),
    default="mean",
    show_default=True,
    help="mean: over all the program's tokens. mean-skip-first: without the first token, "
    "whose huge attention-sink state dominates the mean in Llama-family middle layers.",
)
@click.option(
    "--center",
    is_flag=True,
    help="Subtract each PL's mean embedding (per layer and pair) before cosine: removes "
    "the direction all programs share and the PL's own offset (raw cosines sit near 1), so "
    "it measures problem identity beyond PL clustering.",
)
@click.option(
    "--save-embeddings",
    is_flag=True,
    help="Also write embeddings.npz (float32 [programs, layers + 1, hidden]).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def run_command(
    model, corpus, langs, out, split, limit, batch_size, max_length, device, pooling, center,
    save_embeddings, quiet,
) -> None:  # fmt: skip
    """Score cross-PL retrieval and cosine similarity of parallel programs per layer.

    Each problem's first verified program per PL is embedded as raw code; a problem needs
    programs in at least two of --langs, and each pair is scored on the problems having
    both. top-1 and MRR are the mean of both retrieval directions (a->b and b->a, both in
    analysis.json). Prints the best layer (highest mean MRR) per pair.
    """
    from .run import format_summary, run_analysis

    analysis = run_analysis(
        corpus=corpus, langs=langs, out=out, model=model, split=split, limit=limit,
        batch_size=batch_size, max_length=max_length, device=device, pooling=pooling,
        center=center, progress=not quiet, save_embeddings=save_embeddings,
    )  # fmt: skip
    click.echo(format_summary(analysis))
    click.echo(f"wrote {out}/analysis.json, retrieval.png, cosine.png")


@analyze_group.command("compare")
@click.argument("runs", nargs=-1, required=True)
@click.option("--out", required=True, help="Output directory for compare.json and compare.png.")
@click.option(
    "--labels",
    default=None,
    help="Comma-separated names for the runs, in order (default: their directory names).",
)
def compare_command(runs, out, labels) -> None:
    """Overlay the mean retrieval and cosine gap per layer of several runs.

    The runs must cover the same PLs and problems (same corpus, --split and --limit).
    Models of different depth are plotted against relative depth (0 = embeddings, 1 =
    last layer) instead of the layer index.
    """
    from .compare import compare_runs, format_comparison

    comparison = compare_runs(list(runs), out, labels)
    click.echo(format_comparison(comparison))
    click.echo(f"wrote {out}/compare.json, compare.png")
