"""The `psft` command as a user meets it: help texts, outputs on disk, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parallel_sft import cli
from parallel_sft.records import Problem
from parallel_sft.tables import read_rows, write_rows

PSFT = [sys.executable, "-m", "parallel_sft.cli"]
SUBSET = ("sample/sum-two", "sample/count-words", "sample/average")


def psft(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PSFT, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run the console entry point in this process (so monkeypatches apply)."""
    monkeypatch.setattr(sys, "argv", ["psft", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_info.value.code or 0, out.out, out.err


@pytest.fixture
def problems_file(samples, tmp_path) -> Path:
    path = tmp_path / "problems.jsonl"
    write_rows(path, [samples[i].to_dict() for i in SUBSET])
    return path


def _no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("command", [[], ["langs"], ["verify"], ["translate"]])
def test_help(command):
    proc = psft(*command, "--help")
    assert proc.returncode == 0 and "Usage:" in proc.stdout


def test_verify_help_explains_the_defaults():
    text = psft("verify", "--help").stdout
    assert "bundled sample" in text and "--no-sandbox" in text and "Examples" in text


def test_verify_references_writes_every_format(problems_file, tmp_path):
    for out in (tmp_path / "v.jsonl", tmp_path / "v.parquet", tmp_path / "v_dataset"):
        proc = psft("verify", "--problems", str(problems_file), "--out", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr
        rows = [row for _, row in read_rows(out)]
        assert sorted(r["problem_id"] for r in rows) == sorted(SUBSET)
        assert {r["status"] for r in rows} == {"OK"}
        assert all(r["tests_passed"] == r["tests_total"] >= 5 for r in rows)
    assert "python" in proc.stdout and "OK" in proc.stdout  # the summary table
    assert not Path(str(tmp_path / "v.jsonl") + ".partial.jsonl").exists()


def test_verify_takes_every_source_corpus_build_takes(tmp_path):
    """A source by name (the bundled sample), and a file in another schema through
    --columns, with its untested row skipped and counted."""
    out = tmp_path / "named.jsonl"
    proc = psft("verify", "--problems", "sample", "--limit", "2", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    rows = [row for _, row in read_rows(out)]
    assert len(rows) == 2 and {r["status"] for r in rows} == {"OK"}

    theirs = tmp_path / "contest.jsonl"
    theirs.write_text(
        json.dumps({"question": "Print a+b.", "solution": "print(sum(map(int, input().split())))",
                    "inputs": ["1 2\n", "5 5\n"], "outputs": ["3\n", "10\n"]}) + "\n"
        + json.dumps({"question": "untested", "solution": "print(1)", "inputs": [], "outputs": []})
        + "\n"
    )  # fmt: skip
    columns = "statement=question,reference=solution,inputs=inputs,outputs=outputs"
    out = tmp_path / "theirs.jsonl"
    proc = psft(
        "verify", "--problems", str(theirs), "--columns", columns, "--out", str(out), "--quiet"
    )
    assert proc.returncode == 0, proc.stderr
    assert "source rows skipped: 1 no_tests" in proc.stderr
    (row,) = [row for _, row in read_rows(out)]
    assert (row["problem_id"], row["status"], row["tests_passed"]) == ("contest/0", "OK", 2)


def test_problems_load_from_parquet_and_saved_dataset(problems_file, tmp_path):
    rows = [row for _, row in read_rows(problems_file)]
    for path in (tmp_path / "p.parquet", tmp_path / "p_saved"):
        write_rows(path, rows)
        again = [Problem.from_dict(r) for _, r in read_rows(path)]
        assert [p.id for p in again] == list(SUBSET)
        assert again[1].tests == Problem.from_dict(rows[1]).tests


def test_candidates_with_bad_rows_are_reported_and_the_rest_written(problems_file, tmp_path):
    cands = tmp_path / "cands.jsonl"
    lines = [
        {
            "id": "a",
            "problem_id": "sample/sum-two",
            "language": "c++",
            "code": '#include <cstdio>\nint main(){long long a,b;scanf("%lld%lld",&a,&b);'
            'printf("%lld\\n",a+b);}',
        },
        {"id": "b", "problem_id": "sample/sum-two", "language": "py", "code": "print(0)"},
        {"id": "c", "problem_id": "sample/sum-two", "language": "cobol", "code": "x"},
        {"id": "d", "problem_id": "sample/nope", "language": "python", "code": "x"},
    ]
    cands.write_text("".join(json.dumps(row) + "\n" for row in lines))
    out = tmp_path / "verdicts.jsonl"
    proc = psft(
        "verify",
        "--problems",
        str(problems_file),
        "--candidates",
        str(cands),
        "--out",
        str(out),
        "--quiet",
    )
    assert proc.returncode == 1
    _no_traceback(proc)
    assert "line 3: unknown language 'cobol'" in proc.stderr
    assert "line 4: unknown problem 'sample/nope'" in proc.stderr
    rows = {r["id"]: r for _, r in read_rows(out)}
    assert rows["a"]["status"] == "OK" and rows["a"]["language"] == "cpp"
    assert rows["b"]["status"] == "WRONG_ANSWER"
    assert set(rows) == {"a", "b"}


def test_malformed_jsonl_names_the_line(problems_file, tmp_path):
    cands = tmp_path / "cands.jsonl"
    cands.write_text('{"problem_id": "sample/sum-two", "language": "c", "code": "x"}\n{oops\n')
    proc = psft(
        "verify",
        "--problems",
        str(problems_file),
        "--candidates",
        str(cands),
        "--out",
        str(tmp_path / "o.jsonl"),
    )
    assert proc.returncode == 1
    _no_traceback(proc)
    assert proc.stderr.strip().splitlines()[-1].startswith(f"error: {cands}:2: malformed JSON")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--problems", "/no/such.jsonl"], "not a known dataset nor an existing path"),
        (["--problems", "pyproject.toml"], "unknown format"),
    ],
)
def test_bad_paths_are_one_line_errors(args, message):
    proc = psft("verify", *args, cwd=Path(__file__).parents[1])
    assert proc.returncode == 1 and message in proc.stderr
    _no_traceback(proc)


def test_missing_toolchain_is_infra_error_and_non_zero(
    monkeypatch, capsys, problems_file, tmp_path
):
    from parallel_sft.languages.base import Language

    real = Language.find_toolchain
    monkeypatch.setattr(
        Language, "find_toolchain", lambda self: None if self.name == "python" else real(self)
    )
    out = tmp_path / "v.jsonl"
    code, _, err = run_main(
        monkeypatch,
        capsys,
        "verify",
        "--problems",
        str(problems_file),
        "--out",
        str(out),
        "--workers",
        "1",
        "--quiet",
    )
    assert code == 1
    assert "3 INFRA_ERROR verdicts" in err and "install-toolchains.sh python" in err
    assert {r["status"] for _, r in read_rows(out)} == {"INFRA_ERROR"}


def test_interrupted_run_resumes_without_redoing_work(monkeypatch, capsys, problems_file, tmp_path):
    from parallel_sft.verify import cache

    real = cache.verify_batch

    def interrupted(items, config, **kw):
        seen = []

        def on_result(i, verdict):
            kw_on_result(i, verdict)
            seen.append(i)
            if len(seen) == 2:
                raise KeyboardInterrupt

        kw_on_result = kw.pop("on_result")
        return real(items, config, on_result=on_result, **kw)

    out = tmp_path / "v.jsonl"
    args = (
        "verify",
        "--problems",
        str(problems_file),
        "--out",
        str(out),
        "--workers",
        "1",
        "--quiet",
    )
    monkeypatch.setattr(cache, "verify_batch", interrupted)
    code, _, err = run_main(monkeypatch, capsys, *args)
    assert code == 130 and "rerun the same command to resume" in err
    assert not out.exists()
    assert len(Path(str(out) + ".partial.jsonl").read_text().splitlines()) == 2

    monkeypatch.setattr(cache, "verify_batch", real)
    code, _, err = run_main(monkeypatch, capsys, *args)
    assert code == 0 and "2 verdicts reused" in err
    assert sorted(r["problem_id"] for _, r in read_rows(out)) == sorted(SUBSET)


def test_langs_table_and_check():
    proc = psft("langs")
    assert proc.returncode == 0
    for name in ("python", "kotlin", "fortran", "nim", "racket"):
        assert f"│ {name}" in proc.stdout
    check = psft("langs", "--check", "--langs", "c,py,rb")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("OK") >= 3


def test_langs_unknown_language():
    proc = psft("langs", "--langs", "cobol")
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("error: unknown language 'cobol'; known: bash")
    _no_traceback(proc)


def test_missing_bubblewrap_refuses_to_run(monkeypatch, capsys, problems_file, tmp_path):
    from parallel_sft.verify import sandbox

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    out = tmp_path / "v.jsonl"
    code, _, err = run_main(
        monkeypatch, capsys, "verify", "--problems", str(problems_file), "--out", str(out)
    )
    assert code == 1 and not out.exists()
    assert err.strip().startswith("error: cannot sandbox candidate programs")
    assert "apt-get install bubblewrap" in err
