"""Fixture rows in each source's real schema, read the way a Hub download is read."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "sources"


@pytest.fixture(scope="session")
def hf_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hf-datasets-cache")


@pytest.fixture(scope="session")
def source_rows(hf_cache):
    """`source_rows("taco")` -> the fixture as a ``datasets.Dataset``."""
    import datasets

    def load(name: str):
        return datasets.load_dataset(
            "json",
            data_files=str(FIXTURES / f"{name}.jsonl"),
            split="train",
            cache_dir=str(hf_cache),
        )

    return load
