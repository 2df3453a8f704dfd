"""Small corpora in the layout `psft corpus build` writes (written by its own exporter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallel_sft.corpus.export import write_dataset
from parallel_sft.records import Problem, Reference, Test

PROGRAMS = {
    "python": "n = int(input())\nprint(n * {k})\n",
    "c": '#include <stdio.h>\nint main(void) {{ int n; scanf("%d", &n); printf("%d", n * {k}); }}',
    "go": 'package main\nimport "fmt"\nfunc main() {{ var n int; fmt.Scan(&n); fmt.Print(n*{k}) }}',
    "lua": "local n = io.read('n')\nprint(n * {k})\n",
    "javascript": "const n = +require('fs').readFileSync(0, 'utf8');\nconsole.log(n * {k});\n",
}


def make_corpus(
    out: Path,
    n_problems: int = 40,
    langs: tuple[str, ...] = ("c", "go", "lua", "javascript"),
    test_fraction: float = 0.2,
    coverage: float = 1.0,
) -> Path:
    """Problem k multiplies by k; problem k has a program in PL j when (k + j) % 10 falls
    under `coverage` * 10, so coverage < 1 leaves some problems with fewer PLs."""
    problems, attempts = [], []
    for k in range(n_problems):
        pid = f"toy/{k:03d}"
        reference = Reference("python", PROGRAMS["python"].format(k=k))
        statement = f"Problem {k}: read n and print n times {k}."
        problems.append(Problem(pid, "toy", statement, [Test("2\n", f"{2 * k}\n")], reference))
        for j, lang in enumerate(langs):
            if (k + j) % 10 < coverage * 10:
                attempts.append({
                    "problem_id": pid, "language": lang, "round": 0, "sample": 0, "model": "m",
                    "prompt_version": "translate/v1", "code": PROGRAMS[lang].format(k=k),
                    "status": "OK", "kept": True,
                })  # fmt: skip
    write_dataset(out, problems, attempts, list(langs), test_fraction)
    return out


@pytest.fixture
def corpus(tmp_path) -> Path:
    return make_corpus(tmp_path / "corpus")


def one_line_error(monkeypatch, capsys, *args: str) -> str:
    """Run `psft *args` in this process; it must fail with exit code 1 and a single line."""
    from ..test_cli import run_main

    code, _, err = run_main(monkeypatch, capsys, *args)
    assert code == 1 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]
