"""The data card: YAML the Hub reads, configs that `datasets` loads, the funnel and
provenance as given, byte-stable README.md and yield.png."""

from __future__ import annotations

import shutil

import pytest

from parallel_sft.data_cards import (
    CardInfo,
    hub_configs,
    hub_source_id,
    license_for_source,
    render_card,
    size_category,
    write_card,
)

from .tiny_corpus import make_tiny_corpus, tiny_card_info


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    rows = make_tiny_corpus(root)
    info = tiny_card_info(rows)
    write_card(root, info)
    return root, rows, info


@pytest.fixture(scope="module")
def hf_cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("hf-cache"))


def _table_row(text: str, first_cell: str) -> list[str]:
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row starting with {first_cell!r}")


def test_yaml_metadata(corpus):
    from huggingface_hub import DatasetCard

    root, _, info = corpus
    data = DatasetCard.load(root / "README.md").data.to_dict()
    assert data["license"] == "apache-2.0"
    assert data["task_categories"] == ["text-generation"]
    assert data["language"] == ["en"]
    assert data["size_categories"] == ["n<1K"]
    assert data["pretty_name"] == "Tiny parallel corpus"
    assert data["tags"][-2:] == ["cpp", "go"]
    assert {"code", "parallel-programs", "program-translation", "code-generation"} <= set(
        data["tags"]
    )
    assert "source_datasets" not in data  # the bundled sample is not a Hub dataset
    assert data["configs"] == hub_configs(info.configs)
    assert [c["config_name"] for c in data["configs"]] == ["cpp", "go", "parallel", "candidates"]


def test_every_config_loads_with_datasets(corpus, hf_cache):
    import datasets
    from huggingface_hub import DatasetCard

    root, rows, _ = corpus
    configs = DatasetCard.load(root / "README.md").data.to_dict()["configs"]
    for config in configs:
        name = config["config_name"]
        loaded = datasets.load_dataset(str(root), name, cache_dir=hf_cache)
        assert set(loaded) == set(rows[name]), name
        for split, expected in rows[name].items():
            assert loaded[split].to_list() == expected, (name, split)
    # `parallel` is the default config; the .build/ parquet copy is never read.
    default = datasets.load_dataset(str(root), cache_dir=hf_cache)
    assert default["train"].num_rows == 2 and "id" in default["train"].column_names


def test_hub_configs_order_default_and_split_order():
    configs = {
        "candidates": {"train": 5},
        "parallel": {"test": 1, "train": 2},
        "rust": {"train": 2},
        "cpp": {},  # nothing written: no data files to name
        "go": {"test": 1, "train": 1},
    }
    out = hub_configs(configs)
    assert [c["config_name"] for c in out] == ["rust", "go", "parallel", "candidates"]
    assert [c.get("default", False) for c in out] == [False, False, True, False]
    assert out[1]["data_files"] == [
        {"split": "train", "path": "go/train-*.parquet"},
        {"split": "test", "path": "go/test-*.parquet"},
    ]


@pytest.mark.parametrize(
    ("source", "license"),
    [
        ("deepmind/code_contests", "cc-by-4.0"),
        ("code_contests", "cc-by-4.0"),
        ("BAAI/TACO", "apache-2.0"),
        ("taco", "apache-2.0"),
        ("codeparrot/apps", "mit"),
        ("apps", "mit"),
        ("open-r1/codeforces", "cc-by-4.0"),
        ("codeforces", "cc-by-4.0"),
        ("sample", "apache-2.0"),
        ("./problems.jsonl", "other"),
        ("/data/apps.parquet", "other"),
    ],
)
def test_license_for_source(source, license):
    assert license_for_source(source) == license


def test_every_hub_source_has_a_license():
    from parallel_sft.sources import (
        SOURCES,
        apps,
        code_contests,
        codeforces,
        humaneval,
        humaneval_x,
        mbpp,
        mbxp,
        multi_humaneval,
        multipl_e,
        sample,
        taco,
    )  # fmt: skip

    hub_modules = (apps, code_contests, codeforces, taco, humaneval, mbpp, multipl_e, mbxp,
                   multi_humaneval, humaneval_x)  # fmt: skip
    for module in hub_modules:
        assert hub_source_id(module.SOURCE) == module.HUB_ID
        assert license_for_source(module.HUB_ID) != "other", module.HUB_ID
    assert set(SOURCES) == {sample.SOURCE} | {m.HUB_ID for m in hub_modules}


def test_hub_source_goes_into_source_datasets_and_license(corpus):
    from huggingface_hub import DatasetCard

    _, rows, _ = corpus
    text = render_card(tiny_card_info(rows, source="code_contests"))
    data = DatasetCard(text).data.to_dict()
    assert data["source_datasets"] == ["deepmind/code_contests"]
    assert data["license"] == "cc-by-4.0"
    assert "[code_contests](https://huggingface.co/datasets/deepmind/code_contests)" in text
    forced = DatasetCard(render_card(tiny_card_info(rows, license="mit"))).data.to_dict()
    assert forced["license"] == "mit"


def test_local_source_card_says_license_unknown(corpus):
    _, rows, _ = corpus
    text = render_card(tiny_card_info(rows, source="/data/mine.jsonl"))
    assert "license: other" in text
    assert "license of the source data was not recorded" in text
    assert "`/data/mine.jsonl`" in text


@pytest.mark.parametrize(
    ("n", "category"),
    [
        (0, "n<1K"),
        (999, "n<1K"),
        (1000, "1K<n<10K"),
        (9999, "1K<n<10K"),
        (10_000, "10K<n<100K"),
        (999_999, "100K<n<1M"),
        (1_000_000, "1M<n<10M"),
        (10**9, "1B<n<10B"),
        (10**12 - 1, "100B<n<1T"),
        (10**12, "n>1T"),
    ],
)
def test_size_category_boundaries(n, category):
    assert size_category(n) == category


def test_size_category_rejects_negative():
    with pytest.raises(ValueError):
        size_category(-1)


def test_size_category_counts_problems(corpus):
    from huggingface_hub import DatasetCard

    _, rows, info = corpus
    big = dict(info.configs, parallel={"train": 1500, "test": 500})
    data = DatasetCard(render_card(tiny_card_info(rows, configs=big))).data.to_dict()
    assert data["size_categories"] == ["1K<n<10K"]


def test_funnel_table_has_the_given_numbers(corpus):
    root, _, _ = corpus
    text = (root / "README.md").read_text()
    header = _table_row(text, "PL")
    assert header[1:] == [
        "candidates",
        "extracted",
        "syntax ok",
        "compiled",
        "verified",
        "kept",
        "problems verified",
        "yield",
    ]
    assert _table_row(text, "C++ (`cpp`)")[1:] == [
        "17", "16", "15", "14", "13", "3", "3", "100.0%",
    ]  # fmt: skip
    assert _table_row(text, "Go (`go`)")[1:] == ["27", "26", "25", "24", "23", "1", "1", "33.3%"]
    assert "![yield per PL](yield.png)" in text


def test_configs_problems_and_provenance_sections(corpus):
    root, _, _ = corpus
    text = (root / "README.md").read_text()
    assert _table_row(text, "`go`") == ["`go`", "train (1)", "1"]
    assert _table_row(text, "`parallel`") == ["`parallel`", "train (2), test (1)", "3"]
    assert _table_row(text, "skipped by the loader: `special_judge`")[1] == "2"
    assert _table_row(text, "loaded from the source")[1] == "6"
    assert _table_row(text, "reference solution failed its own tests (dropped)")[1] == "1"
    assert _table_row(text, "built (sent to translation)")[1] == "3"
    assert "3 programming problems from `sample`" in text
    assert "holds 4 verified programs" in text
    assert 'load_dataset("path/to/this/directory", "cpp")' in text
    assert "n=4, temperature=0.8, top_p=0.95, max_tokens=1024, seed=0" in text
    assert _table_row(text, "Go (`go`)")  # toolchain table row (and funnel row)
    assert "| C++ (`cpp`) | g++ (Debian 12.2.0-14) 12.2.0 |" in text
    assert "Sandbox limits: time_limit_s=2, memory_mb=512." in text
    assert "Go: go1.19.8" in text  # named again under Limitations
    assert ".build" not in text
    for limitation in ("special judge", "token by token", "mirror its algorithm", "model"):
        assert limitation in text.split("## Limitations")[1]


def test_repo_id_goes_into_the_loading_snippet(corpus):
    _, rows, _ = corpus
    text = render_card(tiny_card_info(rows, repo_id="org/tiny"))
    assert 'load_dataset("org/tiny", "parallel")' in text
    assert "path/to/this/directory" not in text


def test_unknown_build_keys_are_listed_and_missing_ones_say_na(corpus):
    _, rows, info = corpus
    build = {k: v for k, v in info.build.items() if k != "model"} | {"dedup": "exact"}
    text = render_card(tiny_card_info(rows, build=build))
    assert "- **Model:** `n/a`" in text
    assert "Other settings: dedup=exact." in text


def test_output_is_deterministic(corpus, tmp_path):
    root, rows, info = corpus
    again = tmp_path / "again"
    shutil.copytree(root, again, ignore=shutil.ignore_patterns("README.md", "yield.png"))
    write_card(again, tiny_card_info(rows))
    assert (again / "README.md").read_bytes() == (root / "README.md").read_bytes()
    png = (root / "yield.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert (again / "yield.png").read_bytes() == png
    assert b"Software" not in png and b"Matplotlib" not in png
    # ...and the plot does depend on the numbers.
    other = tmp_path / "other"
    other.mkdir()
    funnel = [dict(info.funnel[0]), dict(info.funnel[1], problems_verified=2)]
    write_card(other, tiny_card_info(rows, funnel=funnel))
    assert (other / "yield.png").read_bytes() != png


def test_card_without_languages_or_candidates_renders(tmp_path):
    info = CardInfo(
        pretty_name="Empty",
        source="sample",
        languages=[],
        configs={"parallel": {"train": 1}},
        funnel=[],
        problems={"loaded": 1, "built": 1},
        build={},
    )
    readme = write_card(tmp_path, info)
    text = readme.read_text()
    assert "candidates = load_dataset" not in text
    assert (tmp_path / "yield.png").stat().st_size > 0
    assert "versions not recorded" in text


def test_provenance_values_stay_on_one_table_line(corpus):
    _, rows, info = corpus
    build = dict(
        info.build,
        toolchains={"cpp": "g++ 12.2\nCopyright | FSF"},
        selection={"kept": 4, "dropped_duplicate": 1},
    )
    text = render_card(tiny_card_info(rows, build=build))
    assert "| C++ (`cpp`) | g++ 12.2 Copyright \\| FSF |" in text
    assert "selection=(kept=4, dropped_duplicate=1)" in text
