"""Local files through a columns mapping, and `load_source`'s name resolution and errors."""

from collections import Counter

import datasets
import pytest

from parallel_sft.errors import InputFormatError, PsftError
from parallel_sft.records import Reference, Test
from parallel_sft.sources import (
    SOURCES,
    SourceUnavailableError,
    UnknownSourceError,
    load_local,
    load_source,
)

from .conftest import FIXTURES

LOCAL = FIXTURES / "local.jsonl"
COLUMNS = {
    "id": "pid",
    "statement": "text",
    "inputs": "ins",
    "outputs": "outs",
    "reference": "sol",
    "reference_language": "sol_lang",
    "time_limit_s": "tl",
    "memory_limit_mb": "ml",
}


def check_local(problems, skipped, source="local"):
    assert [p.id for p in problems] == [f"{source}/7"]
    p = problems[0]
    assert p.source == source
    assert p.tests == [Test("1 2\n", "3\n"), Test("5 7\n", "12\n")]
    assert p.reference.language == "python" and p.reference.code.startswith("a, b")
    assert (p.time_limit_s, p.memory_limit_mb) == (3.0, 128)
    assert skipped == {"no_reference_in_source_lang": 1, "no_tests": 1}


@pytest.fixture(scope="module")
def local_copies(tmp_path_factory, hf_cache):
    """The local fixture as parquet and as a saved dataset."""
    tmp = tmp_path_factory.mktemp("local")
    ds = datasets.load_dataset(
        "json", data_files=str(LOCAL), split="train", cache_dir=str(hf_cache)
    )
    ds.to_parquet(str(tmp / "local.parquet"))
    ds.save_to_disk(str(tmp / "local"))
    return tmp


def test_jsonl():
    check_local(*load_source(str(LOCAL), columns=COLUMNS))


def test_parquet_and_saved_dataset(local_copies):
    check_local(*load_source(str(local_copies / "local.parquet"), columns=COLUMNS))
    check_local(*load_source(str(local_copies / "local"), columns=COLUMNS))


def test_source_lang_cpp_and_explicit_source():
    skipped = Counter()
    problems = list(load_local(LOCAL, COLUMNS, source_lang="cpp", source="mine", skipped=skipped))
    assert [p.id for p in problems] == ["mine/8"]
    assert problems[0].reference.language == "cpp"
    assert skipped == {"no_reference_in_source_lang": 1, "no_tests": 1}


def test_own_schema_without_columns(tmp_path):
    from parallel_sft.tables import write_rows

    sample, _ = load_source("sample", limit=2)
    path = write_rows(tmp_path / "mine.jsonl", [p.to_dict() for p in sample])
    problems, skipped = load_source(str(path))
    assert [p.id for p in problems] == [p.id for p in sample]  # ids already prefixed
    assert problems[0].tests == sample[0].tests
    assert problems[0].reference == sample[0].reference and skipped == {}


def test_bad_columns():
    with pytest.raises(InputFormatError, match="no column.s. nope; the file has: pid"):
        load_local(LOCAL, {**COLUMNS, "statement": "nope"})
    with pytest.raises(InputFormatError, match="unknown field.s. solution"):
        load_local(LOCAL, {"solution": "sol"})


def test_sample_default():
    problems, skipped = load_source("sample")
    assert len(problems) >= 40 and skipped == {}
    assert all(p.id.startswith("sample/") for p in problems)
    assert all(p.reference == Reference("python", p.reference.code) for p in problems)
    assert len(load_source("sample", limit=3)[0]) == 3


def test_known_sources():
    assert set(SOURCES) == {
        "sample",
        "deepmind/code_contests",
        "BAAI/TACO",
        "openai/openai_humaneval",
        "google-research-datasets/mbpp",
        "codeparrot/apps",
        "open-r1/codeforces",
        "nuprl/MultiPL-E",
        "mxeval/mbxp",
        "mxeval/multi-humaneval",
        "THUDM/humaneval-x",
    }


def test_unknown_source():
    with pytest.raises(UnknownSourceError) as info:
        load_source("no/such-dataset")
    message = str(info.value)
    assert "\n" not in message and "'no/such-dataset'" in message
    assert "deepmind/code_contests" in message and "sample" in message


@pytest.mark.parametrize("name", ["deepmind/code_contests", "taco", "codeparrot/apps"])
def test_hub_not_cached_offline(monkeypatch, name):
    """The real code path up to `datasets.load_dataset`, which must not download here."""

    def refuse(*args, **kwargs):
        raise ConnectionError("Couldn't reach the Hub (offline mode is enabled)\nmore")

    monkeypatch.setattr(datasets, "load_dataset", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(SourceUnavailableError) as info:
        load_source(name)
    message = str(info.value)
    assert isinstance(info.value, PsftError) and "\n" not in message
    assert "not in the local Hugging Face cache" in message and "nothing is downloaded" in message


def test_hub_error_online(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Couldn't reach 'open-r1/codeforces' on the Hub\ndetails")

    monkeypatch.setattr(datasets, "load_dataset", refuse)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", False)
    with pytest.raises(SourceUnavailableError, match="^cannot load dataset 'open-r1/codeforces': "):
        load_source("open-r1/codeforces")


def test_hub_rows_reach_the_loader(monkeypatch, source_rows):
    """A Hub name routes the downloaded split through its source's loader."""
    rows = source_rows("codeforces")
    calls = []

    def fake(path, **kwargs):
        calls.append((path, kwargs))
        return rows

    monkeypatch.setattr(datasets, "load_dataset", fake)
    problems, skipped = load_source("codeforces", split="train", limit=2)
    assert calls == [("open-r1/codeforces", {"split": "train"})]
    assert [p.id for p in problems] == ["codeforces/4/A", "codeforces/3/D"]
    assert skipped == {"interactive": 1, "special_judge": 1}  # rows after the limit: unread


def test_script_based_repos_are_read_as_data_files(monkeypatch, source_rows):
    """APPS and TACO ship loading scripts: their data files go through generic builders."""
    calls = []
    rows = {"json": source_rows("apps"), "arrow": source_rows("taco")}

    def fake(path, **kwargs):
        calls.append((path, kwargs))
        return rows[path]

    monkeypatch.setattr(datasets, "load_dataset", fake)
    assert load_source("apps", split="test")[0][0].id == "apps/test/0"
    assert load_source("BAAI/TACO")[0][0].id == "taco/0"
    assert calls == [
        ("json", {"data_files": "hf://datasets/codeparrot/apps/test.jsonl", "split": "train"}),
        ("arrow", {"data_files": "hf://datasets/BAAI/TACO/train/*.arrow", "split": "train"}),
    ]


def test_hub_offline_for_real(tmp_path):
    """Unpatched: with HF_HUB_OFFLINE=1 and an empty cache, `datasets` refuses to download."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path)}
    env.pop("HF_DATASETS_CACHE", None)
    script = (
        "from parallel_sft.sources import load_source\n"
        "try:\n    load_source('deepmind/code_contests')\n"
        "except Exception as err:\n    print(type(err).__name__, err)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.startswith("SourceUnavailableError dataset 'deepmind/code_contests' is not")
