"""`psft eval` on function problems, through the real CLI, the openai backend (a scripted
server on loopback) and the sandbox: the chat prompt with fenced answers, and the
completion-style prompt (the header as raw text, sent to /v1/completions with the
language's stop sequences, the sample made a program by `completion_program`)."""

from __future__ import annotations

import json

import pytest

from ..backends.conftest import stub_server
from ..conftest import FIXTURES
from .test_eval_scripted import estimate, psft

PROBLEMS = FIXTURES / "functions" / "problems.jsonl"

PY_RIGHT = (
    "    out = []\n    for x in numbers:\n        out.append(max(out[-1], x) if out else x)\n"
    "    return out\n\n\nprint(running_max([1, 2]))\n"  # the stop sequence ends it here
)
PY_WRONG = "    return sorted(numbers)\n"
JS_RIGHT = (
    "  const out = [];\n  for (const x of numbers) out.push(out.length ? Math.max(out.at(-1), x)"
    " : x);\n  return out;\n}\n\nconsole.log(running_max([3]));\n"
)
JS_UNCLOSED = "  return numbers.map((x, i) => Math.max(...numbers.slice(0, i + 1)));\n"


def _run(tmp_path, entries, style: str, *langs: str):
    script = tmp_path / "script.json"
    script.write_text(json.dumps(entries))
    (tmp_path / "stub").mkdir()
    out = tmp_path / "run"
    with stub_server(tmp_path / "stub", "--script", str(script)) as url:
        result = psft(
            "eval", "--problems", str(PROBLEMS), "--limit", "1", "--langs", ",".join(langs),
            "--backend", "openai", "--base-url", url, "--n", "2", "--k", "1,2",
            "--prompt-style", style, "--out", str(out), "--quiet",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    import polars as pl

    samples = pl.read_parquet(out / "samples.parquet").sort("language", "sample")
    return json.loads((out / "summary.json").read_text()), samples


def test_completion_style_prompts_are_the_header_and_end_at_the_stop_sequences(tmp_path):
    entries = [
        {"match": ["def running_max(numbers: list[int]) -> list[int]:"],
         "responses": [PY_RIGHT, PY_WRONG]},
        {"match": ["function running_max(numbers) {"], "responses": [JS_RIGHT, JS_UNCLOSED]},
    ]  # fmt: skip
    summary, samples = _run(tmp_path, entries, "completion", "python", "javascript")
    assert estimate(summary, "python", 1) == pytest.approx(0.5)
    assert estimate(summary, "javascript", 1) == pytest.approx(1.0)  # "}" added where missing
    assert summary["prompt"] == "complete-function/v1"
    python = samples.filter(samples["language"] == "python")["code"].to_list()
    assert python[0].startswith("def running_max(numbers: list[int]) -> list[int]:\n")
    assert "print(" not in python[0]  # cut by the server at the "\nprint(" stop sequence
    js = samples.filter(samples["language"] == "javascript")["code"].to_list()
    assert [code.rstrip().endswith("}") for code in js] == [True, True]
    assert all("console.log" not in code for code in js)


def test_chat_prompts_show_the_signature_and_take_fenced_functions(tmp_path):
    right, wrong = (
        f"```python\ndef running_max(numbers):\n{body}```" for body in (PY_RIGHT, PY_WRONG)
    )
    entries = [{"match": ["def running_max(numbers: list[int]) -> list[int]"],
                "responses": [right, wrong]}]  # fmt: skip
    summary, _ = _run(tmp_path, entries, "chat", "python")
    assert estimate(summary, "python", 1) == pytest.approx(0.5)
    assert estimate(summary, "python", 2) == pytest.approx(1.0)
    assert summary["prompt"] == "solve/v1"


def test_completion_style_on_stdio_problems_is_one_line(tmp_path):
    result = psft("eval", "--problems", "sample", "--langs", "python", "--backend", "openai",
                  "--base-url", "http://127.0.0.1:9/v1", "--prompt-style", "completion",
                  "--out", str(tmp_path / "run"))  # fmt: skip
    assert result.returncode != 0
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: completion-style prompts are for function problems;")
    )
