"""Fill the dataset-card template from a build's counters and write README.md + yield.png.

The YAML header is huggingface_hub's ``DatasetCardData`` (what the Hub reads: license,
task categories, tags, size category, configs); the body is ``template.md``, rendered by
``DatasetCard.from_template``. Everything shown comes from ``CardInfo``: the card never
recounts rows or reads ``.build/``, and it holds no dates or timings, so the same
``CardInfo`` always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATE_PATH = Path(__file__).parent / "template.md"

#: Known Hub sources -> license of their data (the problems, tests and reference solutions).
SOURCE_LICENSES: dict[str, str] = {
    "deepmind/code_contests": "cc-by-4.0",
    "BAAI/TACO": "apache-2.0",
    "codeparrot/apps": "mit",
    "open-r1/codeforces": "cc-by-4.0",
    "openai/openai_humaneval": "mit",
    "google-research-datasets/mbpp": "cc-by-4.0",
    "nuprl/MultiPL-E": "mit",
    "mxeval/mbxp": "cc-by-4.0",  # the release's data/mbxp/LICENSE
    "mxeval/multi-humaneval": "mit",  # its data/multilingual_humaneval/LICENSE
    "THUDM/humaneval-x": "apache-2.0",
}
#: The bundled sample problems are ours (the toolkit's own license).
SAMPLE_SOURCE, SAMPLE_LICENSE = "sample", "apache-2.0"

#: Config names that are not a target PL; they follow the PL configs, in this order.
PARALLEL_CONFIG, CANDIDATES_CONFIG = "parallel", "candidates"
_SPLIT_ORDER = ("train", "validation", "test")

#: The Hub's ``size_categories`` values with their exclusive upper bounds.
_SIZE_CATEGORIES: tuple[tuple[int, str], ...] = (
    (10**3, "n<1K"),
    (10**4, "1K<n<10K"),
    (10**5, "10K<n<100K"),
    (10**6, "100K<n<1M"),
    (10**7, "1M<n<10M"),
    (10**8, "10M<n<100M"),
    (10**9, "100M<n<1B"),
    (10**10, "1B<n<10B"),
    (10**11, "10B<n<100B"),
    (10**12, "100B<n<1T"),
)

#: Funnel columns after `language`, in stage order, with their table headers.
FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("candidates", "candidates"),
    ("extracted", "extracted"),
    ("syntax_ok", "syntax ok"),
    ("compiled", "compiled"),
    ("verified", "verified"),
    ("kept", "kept"),
)

_PROBLEM_LABELS = {
    "loaded": "loaded from the source",
    "reference_failed": "reference solution failed its own tests (dropped)",
    "decontaminated": "removed by decontamination",
    "built": "built (sent to translation)",
    "with_verified": "with at least one verified translation",
}


@dataclass
class CardInfo:
    """What the card shows, as counted by the build. Nothing here is recomputed.

    Attributes:
        pretty_name: The card's title and ``pretty_name``.
        source: The source as the user named it (``sample``, ``deepmind/code_contests``,
            its short form ``code_contests``, or a local path).
        languages: Target PL registry keys, in build order.
        configs: Config name -> split -> rows written; only splits that were written.
            Holds the PL configs plus ``parallel`` and (if written) ``candidates``.
        funnel: One dict per target PL with ``language``, ``candidates``, ``extracted``,
            ``syntax_ok``, ``compiled``, ``verified`` (candidate programs at each stage),
            ``problems_verified`` (problems with >= 1 verified program) and ``kept``
            (programs written to the PL config).
        problems: Problem accounting, in display order: ``loaded``, one
            ``skipped_<reason>`` per loader skip reason, ``reference_failed``,
            ``decontaminated``, ``built``, ``with_verified``.
        build: Provenance: ``backend``, ``model``, ``prompt_version``, ``sampling``
            (``n``, ``temperature``, ``top_p``, ``max_tokens``, ``seed``),
            ``repair_rounds``, ``keep``, ``test_fraction``, ``toolchains`` (PL -> version
            string), ``sandbox`` (limit name -> value), ``psft_version``. Missing keys
            show as "n/a"; other keys are listed under "Other settings".
        license: The card's license; None means ``license_for_source(source)``.
        repo_id: The Hub id used in the loading snippet; None shows a directory placeholder.
    """

    pretty_name: str
    source: str
    languages: list[str]
    configs: dict[str, dict[str, int]]
    funnel: list[dict]
    problems: dict[str, int]
    build: dict[str, Any]
    license: str | None = None
    repo_id: str | None = None


def hub_source_id(source: str) -> str | None:
    """The Hub id of a known Hub source given by id or short form (any case), else None.

    Example:
        >>> hub_source_id("code_contests"), hub_source_id("baai/taco"), hub_source_id("x.jsonl")
        ('deepmind/code_contests', 'BAAI/TACO', None)
        >>> hub_source_id("humaneval:data/HumanEval.jsonl.gz")
        'openai/openai_humaneval'
    """
    from ..sources import hub_id_for

    name = source.strip()
    prefix, _, path = name.partition(":")
    if path and hub_id_for(prefix):  # NAME:PATH, a local copy of a known dataset
        name = prefix
    known = hub_id_for(name)
    if known in SOURCE_LICENSES:
        return known
    wanted = name.lower()
    for hub_id in SOURCE_LICENSES:
        if wanted in (hub_id.lower(), hub_id.split("/")[1].lower()):
            return hub_id
    return None


def license_for_source(source: str) -> str:
    """The license a corpus built from `source` inherits; ``other`` for local files.

    Example:
        >>> license_for_source("deepmind/code_contests"), license_for_source("apps")
        ('cc-by-4.0', 'mit')
        >>> license_for_source("sample"), license_for_source("./my_problems.jsonl")
        ('apache-2.0', 'other')
    """
    if source.strip().lower() == SAMPLE_SOURCE:
        return SAMPLE_LICENSE
    hub_id = hub_source_id(source)
    return SOURCE_LICENSES[hub_id] if hub_id else "other"


def size_category(n_rows: int) -> str:
    """The Hub's ``size_categories`` value for `n_rows` rows.

    Example:
        >>> size_category(999), size_category(1000), size_category(123_456)
        ('n<1K', '1K<n<10K', '100K<n<1M')
    """
    if n_rows < 0:
        raise ValueError(f"n_rows must be >= 0, got {n_rows}")
    for bound, name in _SIZE_CATEGORIES:
        if n_rows < bound:
            return name
    return "n>1T"


def _ordered_splits(splits: dict[str, int]) -> list[str]:
    known = [s for s in _SPLIT_ORDER if s in splits]
    return known + [s for s in splits if s not in _SPLIT_ORDER]


def _ordered_configs(configs: dict[str, dict[str, int]]) -> list[str]:
    special = (PARALLEL_CONFIG, CANDIDATES_CONFIG)
    return [c for c in configs if c not in special] + [c for c in special if c in configs]


def hub_configs(configs: dict[str, dict[str, int]]) -> list[dict]:
    """The card's YAML ``configs`` list: PL configs in the given order, then ``parallel``
    (the default config), then ``candidates``. A config with no written split is left out.

    Example:
        >>> hub_configs({"go": {"train": 3}, "parallel": {"train": 3, "test": 1}})[1]
        {'config_name': 'parallel', 'data_files': [{'split': 'train', 'path': 'parallel/train-*.parquet'}, {'split': 'test', 'path': 'parallel/test-*.parquet'}], 'default': True}
    """  # noqa: E501
    out = []
    for name in _ordered_configs(configs):
        splits = _ordered_splits(configs[name])
        if not splits:
            continue
        entry: dict[str, Any] = {
            "config_name": name,
            "data_files": [{"split": s, "path": f"{name}/{s}-*.parquet"} for s in splits],
        }
        if name == PARALLEL_CONFIG:
            entry["default"] = True
        out.append(entry)
    return out


def _display(lang: str) -> str:
    from ..languages import find_language

    found = find_language(lang)
    return found.display if found else lang


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _fmt(value: Any) -> str:
    """One Markdown-table-safe line for a provenance value."""
    if value is None or value == "":
        return "n/a"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value) or "none"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()) + ")"
    return " ".join(str(value).split()).replace("|", "\\|")


def _built(info: CardInfo) -> int:
    if "built" in info.problems:
        return info.problems["built"]
    return sum(info.configs.get(PARALLEL_CONFIG, {}).values())


def _template_vars(info: CardInfo) -> dict[str, Any]:
    built = _built(info)
    build = dict(info.build)
    sampling = build.pop("sampling", None) or {}
    toolchains = build.pop("toolchains", None) or {}
    sandbox = build.pop("sandbox", None) or {}
    main_keys = ("backend", "model", "prompt_version", "repair_rounds", "keep", "test_fraction")
    main = {k: _fmt(build.pop(k, None)) for k in main_keys}
    psft_version = _fmt(build.pop("psft_version", None))
    config_rows = []
    for name in _ordered_configs(info.configs):
        splits = info.configs[name]
        order = _ordered_splits(splits)
        config_rows.append(
            {
                "name": name,
                "splits": ", ".join(f"{s} ({splits[s]})" for s in order) or "none written",
                "rows": sum(splits.values()),
            }
        )
    funnel_rows = []
    for row in info.funnel:
        funnel_rows.append(
            {
                "language": row["language"],
                "display": _display(row["language"]),
                "stages": [row.get(key, 0) for key, _ in FUNNEL_STAGES],
                "problems_verified": row.get("problems_verified", 0),
                "yield": _pct(row.get("problems_verified", 0), built),
            }
        )
    problem_rows = []
    for key, n in info.problems.items():
        if key.startswith("skipped_"):
            label = f"skipped by the loader: `{key.removeprefix('skipped_')}`"
        elif key.startswith("unsupported_in_"):
            lang = _display(key.removeprefix("unsupported_in_"))
            label = f"not expressible in {lang} (no {lang} program asked for)"
        else:
            label = _PROBLEM_LABELS.get(key, key.replace("_", " "))
        problem_rows.append({"label": label, "count": n})
    programs = sum(sum(info.configs.get(lang, {}).values()) for lang in info.languages)
    hub_id = hub_source_id(info.source)
    # Where the programs come from: a model (the default), the source's own solutions
    # (--source-solutions with --n 0: no model at all), or both.
    own = int(info.build.get("source_solutions") or 0)
    n = (info.build.get("sampling") or {}).get("n")
    origin = "model" if not own else ("source" if n == 0 else "both")
    return {
        "origin": origin,
        "title": info.pretty_name,
        "source_name": info.source,
        "source_url": f"https://huggingface.co/datasets/{hub_id}" if hub_id else None,
        "target_languages": [{"key": k, "display": _display(k)} for k in info.languages],
        "n_problems": built,
        "n_programs": programs,
        "with_verified": info.problems.get("with_verified"),
        "load_target": info.repo_id or "path/to/this/directory",
        "first_language": next((lang for lang in info.languages if lang in info.configs), None),
        "has_parallel": "parallel" in info.configs,
        "has_candidates": CANDIDATES_CONFIG in info.configs,
        "config_rows": config_rows,
        "funnel_headers": [header for _, header in FUNNEL_STAGES],
        "funnel_rows": funnel_rows,
        "problem_rows": problem_rows,
        "main": main,
        "sampling": ", ".join(f"{k}={_fmt(v)}" for k, v in sampling.items()) or "n/a",
        "toolchains": [
            {"key": k, "display": _display(k), "version": _fmt(v)} for k, v in toolchains.items()
        ],
        "sandbox": [{"name": k, "value": _fmt(v)} for k, v in sandbox.items()],
        "other_settings": [{"name": k, "value": _fmt(v)} for k, v in build.items()],
        "psft_version": psft_version,
        "card_license": info.license or license_for_source(info.source),
    }


def _card_data(info: CardInfo):  # -> huggingface_hub.DatasetCardData
    from huggingface_hub import DatasetCardData

    hub_id = hub_source_id(info.source)
    return DatasetCardData(
        pretty_name=info.pretty_name,
        license=info.license or license_for_source(info.source),
        language=["en"],
        task_categories=["text-generation"],
        tags=["code", "parallel-programs", "program-translation", "code-generation"]
        + list(info.languages),
        size_categories=[size_category(sum(info.configs.get(PARALLEL_CONFIG, {}).values()))],
        source_datasets=[hub_id] if hub_id else None,
        configs=hub_configs(info.configs),
    )


def render_card(info: CardInfo) -> str:
    """The README.md text (YAML header + Markdown body) for `info`."""
    from huggingface_hub import DatasetCard

    card = DatasetCard.from_template(
        _card_data(info), template_path=str(TEMPLATE_PATH), **_template_vars(info)
    )
    text = str(card)
    return text if text.endswith("\n") else text + "\n"


def write_yield_plot(path: str | Path, info: CardInfo) -> Path:
    """Bar chart of the share of built problems with >= 1 verified program, per PL
    (byte-stable: see `plots.figure`)."""
    from ..plots import figure

    built = _built(info)
    rows = [(r["language"], r.get("problems_verified", 0)) for r in info.funnel]
    with figure(path, (6.4, 0.5 * max(len(rows), 1) + 1.4)) as (ax,):
        labels = [_display(lang) for lang, _ in rows][::-1]
        values = [100 * n / built if built else 0.0 for _, n in rows][::-1]
        counts = [n for _, n in rows][::-1]
        bars = ax.barh(labels, values, color="#4c72b0")
        ax.bar_label(bars, labels=[f"{n}/{built} ({_pct(n, built)})" for n in counts], padding=3)
        ax.set_xlim(0, 130)
        ax.set_xlabel("problems with at least one verified program (%)")
        ax.set_title(f"Yield per PL ({built} problems)")
        if not rows:
            ax.text(0.5, 0.5, "no target languages", ha="center", transform=ax.transAxes)
    return Path(path)


def write_card(out_dir: str | Path, info: CardInfo) -> Path:
    """Write ``out_dir/README.md`` (the data card) and ``out_dir/yield.png``.

    Args:
        out_dir: The built corpus directory (it must already exist).
        info: The build's counters and provenance.

    Returns:
        The path of the README.md written.
    """
    out_dir = Path(out_dir)
    write_yield_plot(out_dir / "yield.png", info)
    readme = out_dir / "README.md"
    readme.write_text(render_card(info), encoding="utf-8", newline="\n")
    return readme
