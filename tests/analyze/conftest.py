"""Fixtures for `psft analyze`: offline Hub access, small corpora (toy programs, and one
whose two PLs hold byte-identical code), a second tiny model of another depth, and `psft`
with the analyze group registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallel_sft.corpus.export import write_dataset
from parallel_sft.records import Problem, Reference, Test

from ..backends.conftest import hub_offline  # noqa: F401  (autouse here too)
from ..conftest import save_tiny_llama
from ..test_cli import run_main
from ..train.conftest import PROGRAMS, make_corpus


@pytest.fixture
def psft(monkeypatch, capsys):
    """Run the `psft` entry point in this process: (exit code, stdout, stderr)."""

    def call(*args: str) -> tuple[int, str, str]:
        return run_main(monkeypatch, capsys, *args)

    return call


@pytest.fixture(scope="session")
def toy_corpus(tmp_path_factory) -> Path:
    """40 toy problems in c, go, lua, javascript (and the python reference)."""
    return make_corpus(tmp_path_factory.mktemp("analyze") / "corpus")


def identical_corpus(out: Path, n_problems: int = 12) -> Path:
    """A corpus whose `c` and `cpp` programs are the same C code for every problem (and
    problems' codes differ from each other)."""
    problems, attempts = [], []
    for k in range(n_problems):
        pid = f"same/{k:03d}"
        ref = Reference("python", PROGRAMS["python"].format(k=k))
        problems.append(Problem(pid, "toy", f"times {k}", [Test("2\n", f"{2 * k}\n")], ref))
        for lang in ("c", "cpp"):
            attempts.append({
                "problem_id": pid, "language": lang, "round": 0, "sample": 0, "model": "m",
                "prompt_version": "translate/v1", "code": PROGRAMS["c"].format(k=k),
                "status": "OK", "kept": True,
            })  # fmt: skip
    write_dataset(out, problems, attempts, ["c", "cpp"], 0.0)
    return out


@pytest.fixture(scope="session")
def tiny_llama_3layers(tmp_path_factory) -> Path:
    """Like tests/conftest.py's tiny_llama, but 3 layers and other weights."""
    return save_tiny_llama(tmp_path_factory.mktemp("tiny-llama-3"), layers=3, seed=1)
