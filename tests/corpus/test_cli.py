"""`psft corpus` as a user meets it: help, and one-line errors for bad input that leave
nothing behind."""

from __future__ import annotations

import json

import pytest

from ..test_cli import psft, run_main


@pytest.mark.parametrize(
    "command", [["corpus"], ["corpus", "build"], ["corpus", "stats"], ["corpus", "publish"]]
)
def test_help(command):
    proc = psft(*command, "--help")
    assert proc.returncode == 0 and "Usage:" in proc.stdout


def test_build_help_explains_resume_and_real_scale():
    text = psft("corpus", "build", "--help").stdout
    for needle in ("resumable", "--overwrite", "vllm serve", "--repair-rounds", "--keep"):
        assert needle in text, needle


def _error(monkeypatch, capsys, *args: str) -> str:
    code, out, err = run_main(monkeypatch, capsys, "corpus", "build", "--quiet", *args)
    assert code != 0 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_unknown_source(monkeypatch, capsys, tmp_path):
    line = _error(
        monkeypatch,
        capsys,
        "--langs",
        "c",
        "--source",
        "nope/nothing",
        "--out",
        str(tmp_path / "o"),
    )
    assert line.startswith("error: unknown source 'nope/nothing'") and "code_contests" in line
    assert not (tmp_path / "o").exists()  # nothing half-made is left behind


def test_unknown_language(monkeypatch, capsys, tmp_path):
    line = _error(monkeypatch, capsys, "--langs", "c,klingon", "--out", str(tmp_path / "o"))
    assert line.startswith("error: unknown language 'klingon'") and "rust" in line


def test_empty_source(monkeypatch, capsys, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    line = _error(
        monkeypatch, capsys, "--langs", "c", "--source", str(empty), "--out", str(tmp_path / "o")
    )
    assert "error:" in line and "empty" in line


def test_missing_columns(monkeypatch, capsys, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"question": "q", "solution": "print(1)"}) + "\n")
    line = _error(
        monkeypatch, capsys, "--langs", "c", "--source", str(rows),
        "--columns", "statement=question,reference=solution,tests=io", "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert "io" in line and "error:" in line


def test_malformed_columns_option(monkeypatch, capsys, tmp_path):
    code, _, err = run_main(
        monkeypatch,
        capsys,
        "corpus",
        "build",
        "--langs",
        "c",
        "--columns",
        "statement",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2 and "'statement' is not FIELD=COLUMN" in err


def test_bad_fraction(monkeypatch, capsys, tmp_path):
    line = _error(
        monkeypatch, capsys, "--langs", "c", "--test-fraction", "1.5", "--out", str(tmp_path / "o")
    )
    assert line == "error: --test-fraction must be in [0, 1)"


def test_unreachable_server_is_one_line_and_keeps_the_prepared_state(monkeypatch, capsys, tmp_path):
    out = tmp_path / "o"
    line = _error(
        monkeypatch, capsys, "--langs", "c", "--limit", "1", "--backend", "openai",
        "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--timeout", "5", "--out", str(out),
    )  # fmt: skip
    assert line.startswith("error:") and "127.0.0.1:9" in line
    assert (out / ".build" / "problems.jsonl").exists()  # a rerun starts from here


def test_stats_of_a_directory_without_a_dataset(monkeypatch, capsys, tmp_path):
    code, _, err = run_main(monkeypatch, capsys, "corpus", "stats", str(tmp_path))
    assert (
        code == 1
        and err.strip() == f"error: {tmp_path} holds no dataset files; run psft corpus build first"
    )


def test_publish_of_a_directory_that_is_not_a_corpus(monkeypatch, capsys, tmp_path):
    code, _, err = run_main(
        monkeypatch, capsys, "corpus", "publish", str(tmp_path), "--repo-id", "me/x"
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and "not a built corpus" in err
