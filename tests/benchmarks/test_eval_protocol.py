"""`psft eval --protocol multipl-e` through the real CLI: MultiPL-E's own prompts sent
verbatim to /v1/completions with the dataset's stop tokens (a scripted server on
loopback), 20 samples at temperature 0.2, each program judged by the benchmark's own
tests (luaunit, rackunit, ...) in the sandbox; and the chat variant, whose fenced answer
is spliced into the prompt before the tests run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..backends.conftest import stub_server
from ..evaluate.test_eval_scripted import estimate, psft

FIXTURES = Path(__file__).parents[1] / "fixtures"
PROBLEMS = f"multipl-e:{FIXTURES / 'sources' / 'multipl_e'}"
COMPLETIONS = json.loads((FIXTURES / "benchmarks" / "multipl_e_completions.json").read_text())
# registry -> MultiPL-E; Java's completions stop inside the function (its tests close it)
LANGS = {"lua": "lua", "r": "r", "racket": "rkt", "ocaml": "ml", "java": "java"}


def _row(code: str) -> dict:
    return json.loads((FIXTURES / "sources" / "multipl_e" / f"humaneval-{code}.jsonl").read_text())


def _run(tmp_path: Path, entries: list[dict], *extra: str):
    script = tmp_path / "script.json"
    script.write_text(json.dumps(entries))
    (tmp_path / "stub").mkdir(exist_ok=True)
    out = tmp_path / "run"
    with stub_server(tmp_path / "stub", "--script", str(script)) as url:
        result = psft(
            "eval", "--problems", PROBLEMS, "--backend", "openai", "--base-url", url,
            "--out", str(out), "--quiet", *extra,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    import polars as pl

    summary = json.loads((out / "summary.json").read_text())
    return summary, pl.read_parquet(out / "samples.parquet")


def test_the_multipl_e_protocol_prompts_stops_and_judges_as_the_paper(tmp_path):
    entries = []
    for code in LANGS.values():
        row, done = _row(code), COMPLETIONS[code]
        header = row["prompt"].rstrip().splitlines()[-1]
        # The right sample runs on past a stop token (the server cuts it there); the
        # wrong one is a plausible body that counts odd numbers.
        junk = row["stop_tokens"][0] + " trailing text the model went on with"
        entries.append({"match": [header], "responses": [done["right"] + junk, done["wrong"]]})
    summary, samples = _run(tmp_path, entries, "--langs", ",".join(LANGS),
                            "--protocol", "multipl-e")  # fmt: skip
    sampling = summary["sampling"]
    assert (sampling["n"], sampling["temperature"], sampling["top_p"]) == (20, 0.2, 0.95)
    assert sampling["max_tokens"] == 512 and summary["prompt"] == "complete-function/v1"
    assert summary["protocol"] == "multipl-e"
    for lang, code in LANGS.items():
        assert estimate(summary, lang, 1) == pytest.approx(0.5), lang
        mine = samples.filter(samples["language"] == lang).sort("sample")
        assert mine.height == 20
        assert mine["code"][0] == _row(code)["prompt"] + COMPLETIONS[code]["right"]
        assert set(mine["status"][1::2]) <= {"RUNTIME_ERROR", "WRONG_ANSWER"}


def test_options_given_explicitly_win_over_the_protocol(tmp_path):
    row, done = _row("lua"), COMPLETIONS["lua"]
    entries = [{"match": [row["prompt"].rstrip().splitlines()[-1]], "responses": [done["right"]]}]
    summary, _ = _run(tmp_path, entries, "--langs", "lua", "--protocol", "multipl-e",
                      "--n", "2", "--temperature", "0.6")  # fmt: skip
    sampling = summary["sampling"]
    assert (sampling["n"], sampling["temperature"]) == (2, 0.6)
    assert estimate(summary, "lua", 1) == pytest.approx(1.0)


def test_the_chat_variant_splices_the_answer_into_the_benchmark_prompt(tmp_path):
    row, done = _row("lua"), COMPLETIONS["lua"]
    header = row["prompt"].rstrip().splitlines()[-1]
    answer = f"Here you go:\n```lua\n{header}\n{done['right']}\n\nprint(count_evens({{2}}))\n```"
    # The chat shows the benchmark's own prompt as the header to implement.
    entries = [{"match": ["Write this function in Lua", header], "responses": [answer]}]
    summary, samples = _run(tmp_path, entries, "--langs", "lua", "--protocol",
                            "multipl-e-chat", "--n", "1")  # fmt: skip
    assert summary["prompt"] == "solve/v1"
    assert estimate(summary, "lua", 1) == pytest.approx(1.0), samples["detail"].to_list()
