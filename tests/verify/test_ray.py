"""Verification on a real Ray cluster (a head and a second node on loopback, one CPU each,
started with `ray start`: the `ray_cluster` fixture), always through the real CLI in a
process of its own, as a user would run it.

- the fixture suite of every PL gives the local pool's verdicts, each program judged once;
- the second node's raylet killed mid-run: every verdict still arrives, none twice, and
  the run says how many batches it ran again;
- the RL reward scores through the same actors, batch after batch;
- bad input: no Ray installed, no cluster at the address: one line each.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from parallel_sft.languages import LANGUAGES
from parallel_sft.records import Candidate
from parallel_sft.verify.cgroup import CgroupManager

from ..backends.conftest import free_port
from .test_fixtures import CASES, suite


def psft(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "parallel_sft.cli", *args], capture_output=True, text=True,
        timeout=600, env={**(env or os.environ), "HF_HUB_OFFLINE": "1", "COLUMNS": "200"},
        **kwargs,
    )  # fmt: skip


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def suite_files(samples, tmp_path: Path) -> tuple[Path, Path]:
    """The fixture suite as files `psft verify` reads: one problem per id (the broken
    variants' one-second sum-two gets an id of its own), candidate i with sample = i."""
    problems, candidates = {}, []
    for i, (cand, problem) in enumerate(suite(samples)):
        if problem != samples[problem.id]:
            problem = replace(problem, id=problem.id + "@1s")
        problems[problem.id] = problem
        candidates.append(candidate_row(replace(cand, problem_id=problem.id, sample=i)))
    return (
        write_jsonl(tmp_path / "problems.jsonl", [p.to_dict() for p in problems.values()]),
        write_jsonl(tmp_path / "candidates.jsonl", candidates),
    )


def candidate_row(c: Candidate) -> dict:
    return {"problem_id": c.problem_id, "language": c.language, "code": c.code, "sample": c.sample}


def verify_on_ray(cluster, problems: Path, candidates: Path, tmp_path: Path):
    """`psft verify --executor ray` on the cluster: (the process, its verdict rows)."""
    out = tmp_path / "verdicts.jsonl"
    result = psft("verify", "--problems", str(problems), "--candidates", str(candidates),
                  "--executor", "ray", "--ray-address", cluster.address,
                  "--out", str(out), "--quiet", env=cluster.env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result, read_rows(out)


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_fixture_suite_on_ray_gives_the_local_pools_verdicts(
    ray_cluster, samples, suite_verdicts, tmp_path
):
    problems, candidates = suite_files(samples, tmp_path)
    result, rows = verify_on_ray(ray_cluster, problems, candidates, tmp_path)
    assert sorted(r["sample"] for r in rows) == list(range(len(CASES)))
    got = {CASES[r["sample"]]: (r["status"], r["tests_passed"], r["tests_total"]) for r in rows}
    local = {
        case: (v.status.value, v.tests_passed, v.tests_total) for case, v in suite_verdicts.items()
    }
    assert got == local
    # Every program went to an actor exactly once, and both nodes took work.
    assert (
        f"ray: {len(CASES)} programs judged by 2 sandbox actors on 2 nodes; "
        "0 batches retried after 0 actors were lost"
    ) in result.stderr


def test_a_node_killed_mid_run_loses_no_verdict_and_none_twice(ray_cluster, samples, tmp_path):
    """SIGKILL of the second node's raylet (its actors and sandboxes die with it) while
    verdicts are arriving; the run still ends with every verdict, each once."""
    sum_two = samples["sample/sum-two"]
    langs = ["python", "lua", "bash", "perl", "ruby"]
    cands = [Candidate(sum_two.id, lang, LANGUAGES[lang].example, sample=i)
             for i in range(12) for lang in langs]  # fmt: skip
    problems = write_jsonl(tmp_path / "problems.jsonl", [sum_two.to_dict()])
    candidates = write_jsonl(tmp_path / "candidates.jsonl", [candidate_row(c) for c in cands])
    out = tmp_path / "verdicts.jsonl"
    partial = Path(str(out) + ".partial.jsonl")
    argv = [sys.executable, "-m", "parallel_sft.cli", "verify", "--problems", str(problems),
            "--candidates", str(candidates), "--executor", "ray", "--ray-address",
            ray_cluster.address, "--out", str(out), "--quiet"]  # fmt: skip
    raylet = ray_cluster.raylet(ray_cluster.worker)
    try:
        with open(tmp_path / "stderr.txt", "w") as err:
            proc = subprocess.Popen(argv, env=ray_cluster.env, stdout=subprocess.DEVNULL,
                                    stderr=err)  # fmt: skip
            deadline = time.monotonic() + 180
            while not partial.exists() or len(partial.read_text().splitlines()) < 6:
                assert proc.poll() is None and time.monotonic() < deadline, "no verdicts came"
                time.sleep(0.05)
            before = len(partial.read_text().splitlines())
            os.kill(raylet, 9)
            assert proc.wait(timeout=300) == 0, (tmp_path / "stderr.txt").read_text()
        stderr = (tmp_path / "stderr.txt").read_text()
        rows = read_rows(out)
        keys = [(r["language"], r["sample"]) for r in rows]
        assert len(keys) == len(set(keys)) == len(cands)
        assert {r["status"] for r in rows} == {"OK"}
        assert before < len(cands)  # the kill landed mid-run
        retried = re.search(r"(\d+) batches retried after (\d+) actors were lost", stderr)
        assert retried and int(retried[1]) >= 1 and int(retried[2]) >= 1, stderr
        assert f"ray: {len(cands)} programs judged" in stderr  # each verdict recorded once
    finally:
        ray_cluster.kill(ray_cluster.worker)
        ray_cluster.start_worker_node()  # for the tests that come after
        CgroupManager.detect()  # removes the run cgroups the killed actors left behind


def test_a_problem_with_large_tests_travels_by_reference(ray_cluster, samples, tmp_path):
    """Tests over BY_REFERENCE_BYTES go to the object store once; the actors fetch them."""
    from parallel_sft.records import Problem, Test
    from parallel_sft.verify.ray_workers import BY_REFERENCE_BYTES

    big = "3 4\n" + "0\n" * BY_REFERENCE_BYTES  # the program reads the first line only
    problem = Problem("test/big", "test", "print a + b", [Test(big, "7\n"), Test("1 1\n", "2\n")])
    langs = ["python", "lua", "bash", "perl"]
    cands = [Candidate(problem.id, lang, LANGUAGES[lang].example) for lang in langs]
    problems = write_jsonl(tmp_path / "problems.jsonl", [problem.to_dict()])
    candidates = write_jsonl(tmp_path / "candidates.jsonl", [candidate_row(c) for c in cands])
    result, rows = verify_on_ray(ray_cluster, problems, candidates, tmp_path)
    assert [(r["language"], r["status"], r["tests_passed"]) for r in rows] == [
        (lang, "OK", 2) for lang in langs
    ]


def test_the_rl_reward_scores_on_ray_with_the_same_actors_every_batch(ray_cluster, tmp_path):
    program = "a, b = map(int, input().split())\nprint(a {} b)"
    texts = [f"```python\n{program.format(op)}\n```" for op in "+-"] + ["no code here"]
    out = tmp_path / "out.json"  # not stdout, where Ray may forward its own lines
    script = f"""
import json
from parallel_sft.samples import load_sample_problems
from parallel_sft.train.reward import ExecutionReward, RewardConfig
from parallel_sft.verify.ray_workers import ray_summary
problems = load_sample_problems()
config = RewardConfig(executor="ray", ray_address={ray_cluster.address!r})
with ExecutionReward(problems, config) as reward:
    steps = [reward.score({texts!r}, ["sample/sum-two"] * 3, ["python"] * 3) for _ in range(2)]
open({str(out)!r}, "w").write(json.dumps([[s.rewards for s in steps], ray_summary()]))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=ray_cluster.env, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rewards, summary = json.loads(out.read_text())
    assert rewards == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    # Two programs a step (the third has no code), both steps on one set of actors: one
    # summary counts all four, none lost. How many actors got work before the batch ended
    # depends on when each came up (the previous test's actors free their CPUs late).
    assert re.match(r"ray: 4 programs judged by [12] sandbox actors on [12] nodes?; "
                    r"0 batches retried after 0 actors were lost", summary), summary  # fmt: skip


def test_no_cluster_at_the_address_is_one_line(tmp_path):
    address = f"127.0.0.1:{free_port()}"
    result = psft("verify", "--executor", "ray", "--ray-address", address,
                  "--out", str(tmp_path / "v.jsonl"))  # fmt: skip
    assert result.returncode == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert line.startswith(f"error: no Ray cluster at {address}")
    assert "ray start --head" in line and "--ray-address" in line
    assert "Traceback" not in result.stderr and not (tmp_path / "v.jsonl").exists()


def test_executor_ray_without_ray_installed_is_one_line(tmp_path):
    """Ray made unimportable in the psft process (as on a machine without it)."""
    code = (
        "import sys; sys.modules['ray'] = None; from parallel_sft.cli import main; "
        f"sys.argv = ['psft', 'verify', '--executor', 'ray', '--out', {str(tmp_path)!r}]; main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert "pip install 'parallel-sft[ray]'" in line and "Traceback" not in result.stderr


def test_ray_address_without_executor_ray_is_refused(tmp_path):
    result = psft("verify", "--ray-address", "10.0.0.1:6379", "--out", str(tmp_path / "v"))
    assert result.returncode == 1
    assert "error: --ray-address is for --executor ray" in result.stderr
