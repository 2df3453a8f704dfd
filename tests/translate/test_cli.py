"""`psft translate` end to end against a real OpenAI-compatible server process (the
scripted stub): a run killed midway and started again completes, and the model is never
asked again for a completion the first run had stored."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from parallel_sft.tables import read_rows

from ..backends.conftest import stub_server, stub_stats

PSFT = [sys.executable, "-m", "parallel_sft.cli"]


def translate_args(base_url: str, out: Path) -> list[str]:
    return [
        *PSFT, "translate", "--backend", "openai", "--model", "stub-model",
        "--base-url", base_url, "--concurrency", "2", "--langs", "cpp,go,rust",
        "--limit", "10", "--out", str(out), "--quiet",
    ]  # fmt: skip


def test_killed_run_resumes_without_repeating_cached_requests(tmp_path):
    out = tmp_path / "cands.jsonl"
    cache = Path(f"{out}.cache.jsonl")
    with stub_server(tmp_path, "--delay", "0.1") as url:
        proc = subprocess.Popen(translate_args(url, out), stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not (cache.exists() and len(cache.read_text().splitlines()) >= 16):
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # a crash, not a polite interrupt
        proc.wait()
        cached = len(cache.read_text().splitlines())
        assert 16 <= cached < 30 and not out.exists()
        before = stub_stats(url)["requests"]

        done = subprocess.run(translate_args(url, out), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert stub_stats(url)["requests"] - before == 30 - cached
        assert f"{cached} cached, {30 - cached} generated" in done.stderr

    rows = [row for _, row in read_rows(out)]
    assert len(rows) == 30
    assert {r["language"] for r in rows} == {"cpp", "go", "rust"}
    assert len({(r["problem_id"], r["language"]) for r in rows}) == 30


def test_bad_input_is_one_line(tmp_path):
    cases = [
        (["--langs", "cobol"], "unknown language 'cobol'"),
        (["--langs", "cpp", "--backend", "nope"], "Invalid value for '--backend'"),
        (
            ["--langs", "cpp", "--backend", "openai", "--model", "m", "--base-url",
             "http://127.0.0.1:9/v1", "--limit", "1"],
            "http://127.0.0.1:9",
        ),
        (["--langs", "cpp", "--model", str(tmp_path / "no-such-model"), "--limit", "1"],
         "no-such-model"),
    ]  # fmt: skip
    for args, message in cases:
        proc = subprocess.run(
            [*PSFT, "translate", *args, "--out", str(tmp_path / "o.jsonl")],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode != 0, args
        assert message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        errors = [line for line in proc.stderr.splitlines() if "rror" in line]
        assert len(errors) == 1, proc.stderr
