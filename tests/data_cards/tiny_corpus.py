"""A tiny built corpus in the export layout (3 problems, targets cpp and go), shared by the
card and publish tests: ``<config>/<split>-00000-of-00001.parquet`` plus a ``.build/``."""

from __future__ import annotations

from pathlib import Path

from parallel_sft.data_cards import CardInfo

LANGS = ["cpp", "go"]
CPP = '#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<"\\n";}\n'
GO = 'package main\nimport "fmt"\nfunc main(){var a,b int;fmt.Scan(&a,&b);fmt.Println(a+b)}\n'
PY = "a, b = map(int, input().split())\nprint(a + b)\n"


def _program_row(pid: str, lang: str, code: str) -> dict:
    return {
        "problem_id": pid,
        "source": "sample",
        "statement": f"Statement of {pid}.",
        "language": lang,
        "code": code,
        "source_language": "python",
        "source_code": PY,
        "model": "tiny-model",
        "prompt_version": "v1",
        "round": 0,
        "sample": 0,
    }


def _parallel_row(pid: str, programs: dict[str, list[str]]) -> dict:
    return {
        "id": pid,
        "source": "sample",
        "statement": f"Statement of {pid}.",
        "tests": [{"input": "1 2\n", "output": "3\n"}, {"input": "5 5\n", "output": "10\n"}],
        "reference": {"language": "python", "code": PY},
        "programs": {lang: programs.get(lang, []) for lang in LANGS},
    }


def _candidate_row(pid: str, lang: str, code: str, status: str) -> dict:
    ok = status == "ok"
    return {
        "problem_id": pid,
        "language": lang,
        "round": 0,
        "sample": 0,
        "model": "tiny-model",
        "prompt_hash": "abc123",
        "code": code,
        "response": f"```{lang}\n{code}```",
        "extract_reason": "fenced",
        "syntax_ok": True,
        "status": status,
        "tests_passed": 2 if ok else 0,
        "tests_total": 2,
        "compile_ms": 10.0,
        "run_ms": 2.0,
        "max_rss_mb": 3.5,
        "detail": "" if ok else "wrong answer on test 1",
        "kept": ok,
    }


def make_tiny_corpus(root: Path) -> dict[str, dict[str, list[dict]]]:
    """Write the corpus under `root`; returns config -> split -> rows as written."""
    import datasets

    rows: dict[str, dict[str, list[dict]]] = {
        # p1, p2 in train, p3 in test; go has no verified test program (split not written).
        "cpp": {
            "train": [_program_row("p1", "cpp", CPP), _program_row("p2", "cpp", CPP)],
            "test": [_program_row("p3", "cpp", CPP)],
        },
        "go": {"train": [_program_row("p1", "go", GO)]},
        "parallel": {
            "train": [
                _parallel_row("p1", {"cpp": [CPP], "go": [GO]}),
                _parallel_row("p2", {"cpp": [CPP]}),
            ],
            "test": [_parallel_row("p3", {"cpp": [CPP]})],
        },
        "candidates": {
            "train": [
                _candidate_row("p1", "cpp", CPP, "ok"),
                _candidate_row("p1", "go", GO, "ok"),
                _candidate_row("p2", "cpp", CPP, "ok"),
                _candidate_row("p2", "go", GO, "wrong_answer"),
            ],
            "test": [
                _candidate_row("p3", "cpp", CPP, "ok"),
                _candidate_row("p3", "go", GO, "compile_error"),
            ],
        },
    }
    for config, splits in rows.items():
        for split, split_rows in splits.items():
            path = root / config / f"{split}-00000-of-00001.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            datasets.Dataset.from_list(split_rows).to_parquet(str(path))
    build = root / ".build"
    (build / "shards").mkdir(parents=True)
    (build / "build.json").write_text('{"secret": "private build state"}\n')
    # A parquet file under .build/ that a careless glob would pick up as data.
    datasets.Dataset.from_list(rows["cpp"]["train"]).to_parquet(
        str(build / "shards" / "cpp" / "train-00000-of-00001.parquet")
    )
    return rows


def tiny_card_info(rows: dict[str, dict[str, list[dict]]], **overrides) -> CardInfo:
    info = CardInfo(
        pretty_name="Tiny parallel corpus",
        source="sample",
        languages=list(LANGS),
        configs={c: {s: len(r) for s, r in splits.items()} for c, splits in rows.items()},
        funnel=[
            {
                "language": "cpp",
                "candidates": 17,
                "extracted": 16,
                "syntax_ok": 15,
                "compiled": 14,
                "verified": 13,
                "problems_verified": 3,
                "kept": 3,
            },
            {
                "language": "go",
                "candidates": 27,
                "extracted": 26,
                "syntax_ok": 25,
                "compiled": 24,
                "verified": 23,
                "problems_verified": 1,
                "kept": 1,
            },
        ],
        problems={
            "loaded": 6,
            "skipped_special_judge": 2,
            "reference_failed": 1,
            "decontaminated": 0,
            "built": 3,
            "with_verified": 3,
        },
        build={
            "backend": "embedded",
            "model": "tiny-model",
            "prompt_version": "v1",
            "sampling": {"n": 4, "temperature": 0.8, "top_p": 0.95, "max_tokens": 1024, "seed": 0},
            "repair_rounds": 1,
            "keep": "all",
            "test_fraction": 0.2,
            "toolchains": {"cpp": "g++ (Debian 12.2.0-14) 12.2.0", "go": "go1.19.8"},
            "sandbox": {"time_limit_s": 2.0, "memory_mb": 512},
            "psft_version": "0.1.0",
        },
    )
    for key, value in overrides.items():
        setattr(info, key, value)
    return info
