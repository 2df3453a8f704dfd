"""--source-solutions: code_contests' own C++ and Java solutions enter the corpus as
already-parallel programs (round -1), verified like any candidate. The Hub download is
replaced by the fixture rows in the dataset's real schema, read through the same path."""

from __future__ import annotations

import json

import datasets
import polars as pl
import pytest

from parallel_sft.corpus.build import build_corpus
from parallel_sft.corpus.config import BuildConfig
from parallel_sft.errors import PsftError

from ..backends.conftest import stub_server
from ..sources.conftest import FIXTURES


@pytest.fixture
def hub(monkeypatch, tmp_path):
    rows = datasets.load_dataset(
        "json", data_files=str(FIXTURES / "code_contests.jsonl"), split="train",
        cache_dir=str(tmp_path / "hf-cache"),
    )  # fmt: skip
    monkeypatch.setattr(datasets, "load_dataset", lambda path, **kw: rows)
    return rows


def test_code_contests_solutions_become_verified_programs(hub, tmp_path):
    fixture = {
        json.loads(line)["name"]: json.loads(line)
        for line in (FIXTURES / "code_contests.jsonl").read_text().splitlines()
    }
    by_lang = dict(
        zip(
            fixture["1_A. Sum"]["solutions"]["language"],
            fixture["1_A. Sum"]["solutions"]["solution"],
            strict=True,
        )
    )
    config = BuildConfig(
        langs=("cpp", "java"), source="code_contests", backend="openai", model="stub-model",
        repair_rounds=0, source_solutions=2, test_fraction=0.0,
    )  # fmt: skip
    with stub_server(tmp_path) as url:  # translations: echoes, never a program
        report = build_corpus(
            config, tmp_path / "out", backend_options={"base_url": url}, progress=False
        )
    frame = pl.read_parquet(tmp_path / "out" / "candidates" / "*.parquet")
    human = frame.filter(pl.col("round") == -1)
    assert set(human["model"].to_list()) == {"source:code_contests"}
    assert human.filter(pl.col("status") == "OK").height == 2
    cpp = pl.read_parquet(tmp_path / "out" / "cpp" / "*.parquet")
    java = pl.read_parquet(tmp_path / "out" / "java" / "*.parquet")
    assert cpp["code"].to_list() == [by_lang[2]] and java["code"].to_list() == [by_lang[4]]
    assert cpp["problem_id"].to_list() == ["code_contests/1_A. Sum"]
    assert report.funnel[0]["verified"] == 1  # translations (JSON echoes) never verify
    assert report.model == "stub-model"  # the translating model, not the source


def test_sources_without_solutions_are_refused(tmp_path):
    config = BuildConfig(langs=("cpp",), source="sample", source_solutions=1, repair_rounds=0)
    with pytest.raises(PsftError, match="carries no solutions in other PLs.*code_contests"):
        build_corpus(config, tmp_path / "out", progress=False)
