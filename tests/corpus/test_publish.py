"""Publishing a built corpus: exactly the card's files in one commit, validation before any
Hub call, and Hub failures as one-line PublishErrors. Nothing here reaches the real Hub:
uploads go to a fake API that materializes the commit in a folder, and the real HfApi is
pointed at a closed local port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from parallel_sft.corpus.publish import PublishError, dataset_files, publish
from parallel_sft.data_cards import write_card

from ..data_cards.tiny_corpus import make_tiny_corpus, tiny_card_info

EXPECTED_FILES = [
    "README.md",
    "candidates/test-00000-of-00001.parquet",
    "candidates/train-00000-of-00001.parquet",
    "cpp/test-00000-of-00001.parquet",
    "cpp/train-00000-of-00001.parquet",
    "go/train-00000-of-00001.parquet",
    "parallel/test-00000-of-00001.parquet",
    "parallel/train-00000-of-00001.parquet",
    "yield.png",
]


class FakeHfApi:
    """Records the calls `publish` makes; `create_commit` copies each operation's file to
    `folder/path_in_repo`, i.e. the repo as the commit would leave it."""

    endpoint = "https://hub.invalid"

    def __init__(self, folder: Path, fail_with: Exception | None = None):
        self.folder, self.fail_with, self.calls = folder, fail_with, []

    def create_repo(self, repo_id, **kwargs):
        self.calls.append(("create_repo", repo_id, kwargs))
        if self.fail_with is not None:
            raise self.fail_with
        return f"https://hub.invalid/datasets/{repo_id}"

    def create_branch(self, repo_id, **kwargs):
        self.calls.append(("create_branch", repo_id, kwargs))

    def create_commit(self, repo_id, *, operations, **kwargs):
        self.calls.append(("create_commit", repo_id, kwargs))
        for op in operations:
            target = self.folder / op.path_in_repo
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(op.path_or_fileobj, target)
        return SimpleNamespace(commit_url=f"https://hub.invalid/datasets/{repo_id}/commit/abc")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_card(root, tiny_card_info(make_tiny_corpus(root)))
    return root


@pytest.fixture
def corpus_copy(corpus, tmp_path) -> Path:
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    return copy


def test_dataset_files_are_the_card_files_without_build_state(corpus):
    assert (corpus / ".build" / "build.json").is_file()
    assert dataset_files(corpus) == EXPECTED_FILES


def test_publish_uploads_a_loadable_copy_in_one_commit(corpus, tmp_path):
    import datasets

    api = FakeHfApi(tmp_path / "repo")
    url = publish(corpus, "org/tiny", private=True, revision="v1", api=api)
    assert url == "https://hub.invalid/datasets/org/tiny/commit/abc"
    assert [c[0] for c in api.calls] == ["create_repo", "create_branch", "create_commit"]
    assert api.calls[0][2] == {"repo_type": "dataset", "private": True, "exist_ok": True}
    assert api.calls[1][2] == {"repo_type": "dataset", "branch": "v1", "exist_ok": True}
    commit = api.calls[2][2]
    assert commit["revision"] == "v1" and commit["repo_type"] == "dataset"
    assert commit["commit_message"] == "Upload corpus (9 files) with psft"

    uploaded = sorted(p.relative_to(api.folder).as_posix() for p in api.folder.rglob("*"))
    uploaded = [p for p in uploaded if (api.folder / p).is_file()]
    assert uploaded == EXPECTED_FILES
    assert not (api.folder / ".build").exists()
    cache = str(tmp_path / "hf-cache")
    for config in ("cpp", "go", "parallel", "candidates"):
        here = datasets.load_dataset(str(corpus), config, cache_dir=cache)
        there = datasets.load_dataset(str(api.folder), config, cache_dir=cache)
        assert set(there) == set(here), config
        for split in here:
            assert there[split].to_list() == here[split].to_list(), (config, split)


@pytest.mark.parametrize("revision", [None, "main"])
def test_no_branch_for_the_default_revision(corpus, tmp_path, revision):
    api = FakeHfApi(tmp_path / "repo")
    publish(corpus, "org/tiny", revision=revision, api=api, commit_message="first")
    assert [c[0] for c in api.calls] == ["create_repo", "create_commit"]
    assert api.calls[0][2]["private"] is False
    assert api.calls[1][2]["commit_message"] == "first"
    assert api.calls[1][2]["revision"] == revision


def _error(corpus_dir, repo_id="org/tiny", tmp_path=None) -> str:
    api = FakeHfApi(Path(tmp_path or corpus_dir) / "repo")
    with pytest.raises(PublishError) as info:
        publish(corpus_dir, repo_id, api=api)
    assert api.calls == [], "validation must fail before any Hub call"
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_directory(tmp_path):
    assert "does not exist" in _error(tmp_path / "nope", tmp_path=tmp_path)


def test_directory_without_card(tmp_path):
    (tmp_path / "cpp").mkdir()
    message = _error(tmp_path)
    assert "not a built corpus; run psft corpus build first" in message
    assert "no README.md" in message


def test_card_without_configs(corpus_copy):
    (corpus_copy / "README.md").write_text("---\nlicense: mit\n---\n\n# A card\n")
    message = _error(corpus_copy)
    assert "not a built corpus; run psft corpus build first" in message
    assert "configs" in message


def test_missing_data_file(corpus_copy):
    (corpus_copy / "go" / "train-00000-of-00001.parquet").unlink()
    message = _error(corpus_copy)
    assert "'go'" in message and "go/train-*.parquet is missing" in message


def test_data_files_only_under_build_do_not_count(corpus_copy):
    shutil.rmtree(corpus_copy / "cpp")  # .build/shards/cpp/... still exists
    assert "'cpp'" in _error(corpus_copy)


@pytest.mark.parametrize("repo_id", ["tiny", "org/tiny/extra", "/tiny", "org/", "", "org/ti ny"])
def test_bad_repo_id(corpus, repo_id, tmp_path):
    assert "is not of the form ORG/NAME" in _error(corpus, repo_id, tmp_path)


def _http_error(status: int):
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError

    request = httpx2.Request("POST", "https://hub.invalid/api/repos/create")
    response = httpx2.Response(status, request=request)
    return HfHubHTTPError(f"{status} Client Error: nope\nmore detail", response=response)


@pytest.mark.parametrize(
    ("make_error", "expected"),
    [
        (lambda: _http_error(401), "not logged in to the Hugging Face Hub"),
        (lambda: _http_error(403), "cannot write to dataset repo org/tiny"),
        (lambda: _http_error(500), "the Hub refused the upload to org/tiny: 500 Client Error"),
        (
            lambda: __import__("httpx2").ConnectError("[Errno 111] Connection refused"),
            "cannot reach the Hub at https://hub.invalid: [Errno 111] Connection refused",
        ),
        (
            lambda: __import__("huggingface_hub").errors.LocalTokenNotFoundError("no token"),
            "not logged in to the Hugging Face Hub: set HF_TOKEN or run `hf auth login`",
        ),
    ],
)
def test_hub_errors_become_one_line_publish_errors(corpus, tmp_path, make_error, expected):
    api = FakeHfApi(tmp_path / "repo", fail_with=make_error())
    with pytest.raises(PublishError) as info:
        publish(corpus, "org/tiny", api=api)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_other_errors_are_not_hidden(corpus, tmp_path):
    api = FakeHfApi(tmp_path / "repo", fail_with=KeyError("bug"))
    with pytest.raises(KeyError):
        publish(corpus, "org/tiny", api=api)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _publish_in_subprocess(corpus: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run `publish` with the real HfApi in a fresh interpreter: huggingface_hub reads
    HF_ENDPOINT (and HF_HOME) once, at import."""
    script = (
        "import sys\n"
        "from parallel_sft.corpus.publish import PublishError, publish\n"
        "try:\n"
        "    publish(sys.argv[1], 'org/tiny')\n"
        "except PublishError as err:\n"
        "    print(err)\n"
        "    sys.exit(3)\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    base |= {
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_ENDPOINT": f"http://127.0.0.1:{_closed_port()}",
    }
    return subprocess.run(
        [sys.executable, "-c", script, str(corpus)],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_real_hfapi_against_an_unreachable_endpoint(corpus, tmp_path):
    done = _publish_in_subprocess(corpus, tmp_path, HF_TOKEN="hf_fake")
    assert done.returncode == 3, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cannot reach the Hub at http://127.0.0.1:")


def test_real_hfapi_offline_mode(corpus, tmp_path):
    done = _publish_in_subprocess(corpus, tmp_path, HF_TOKEN="hf_fake", HF_HUB_OFFLINE="1")
    assert done.returncode == 3, done.stderr
    assert "cannot reach the Hub" in done.stdout and "HF_HUB_OFFLINE" in done.stdout


def test_real_hfapi_without_a_token(corpus, tmp_path):
    done = _publish_in_subprocess(corpus, tmp_path)  # no HF_TOKEN, empty HF_HOME
    assert done.returncode == 3, done.stderr
    assert done.stdout.strip() == (
        "not logged in to the Hugging Face Hub: set HF_TOKEN or run `hf auth login`"
    )


def test_build_state_is_never_uploaded_even_if_a_pattern_matches_it(corpus_copy):
    readme = corpus_copy / "README.md"
    text = readme.read_text().replace("path: cpp/train-*.parquet", "path: '**/cpp/train-*.parquet'")
    readme.write_text(text)
    assert list(corpus_copy.glob("**/cpp/train-*.parquet")) != []
    files = dataset_files(corpus_copy)
    assert "cpp/train-00000-of-00001.parquet" in files
    assert not [f for f in files if f.startswith(".build")]
