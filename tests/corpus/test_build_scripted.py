"""`psft corpus build` end to end with a scripted translator (tests/fixtures/corpus/): the
stub server answers with hand-written programs, so the test knows exactly which programs
must end up in the dataset, and checks that they do, and only they; then that a build
killed with SIGKILL at random moments and resumed writes the very same dataset."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import datasets
import pytest
from huggingface_hub import DatasetCard

from parallel_sft.data_cards import hub_configs
from parallel_sft.samples import load_sample_problems

from ..backends.conftest import stub_server, stub_stats

FIXTURE = Path(__file__).parent.parent / "fixtures" / "corpus"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text())
LANGS = EXPECTED["langs"]
ARGS = ["--n", "2", "--repair-rounds", "1", "--keep", "2", "--test-fraction", "0.25"]


def psft(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**(env or os.environ), "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "parallel_sft.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        **kwargs,
    )


def build_args(problems: Path, url: str, out: Path, *extra: str) -> list[str]:
    return [
        "corpus", "build", "--source", str(problems), "--backend", "openai", "--base-url", url,
        "--langs", ",".join(LANGS), *ARGS, "--out", str(out), "--quiet", *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def problems_file(tmp_path_factory) -> Path:
    wanted = set(EXPECTED["problems"])
    path = tmp_path_factory.mktemp("problems") / "problems.jsonl"
    rows = [p.to_dict() for p in load_sample_problems() if p.id in wanted]
    assert len(rows) == len(wanted)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def stub(tmp_path_factory):
    with stub_server(
        tmp_path_factory.mktemp("stub"), "--script", str(FIXTURE / "script.json")
    ) as url:
        yield url


@pytest.fixture(scope="module")
def built(tmp_path_factory, problems_file, stub) -> tuple[Path, subprocess.CompletedProcess, float]:
    out = tmp_path_factory.mktemp("built") / "corpus"
    started = time.monotonic()
    result = psft(*build_args(problems_file, stub, out))
    assert result.returncode == 0, result.stderr
    return out, result, time.monotonic() - started


def dataset_rows(out: Path, config: str) -> list[dict]:
    # datasets caches a local folder by its name and card, not its path: two corpora both
    # called "corpus" would share a cache entry, so every read here gets a cache of its own.
    with tempfile.TemporaryDirectory() as cache:
        ds = datasets.load_dataset(str(out), config, cache_dir=cache)
        return [{**row, "_split": split} for split in sorted(ds) for row in ds[split]]


def test_exactly_the_expected_programs_are_kept(built):
    out, _, _ = built
    for lang in LANGS:
        got: dict[str, list] = {}
        for row in dataset_rows(out, lang):
            got.setdefault(row["problem_id"], []).append(
                {"sample": row["sample"], "round": row["round"], "code": row["code"]}
            )
        want = {pid: progs[lang] for pid, progs in EXPECTED["dataset"].items() if progs[lang]}
        for progs in got.values():
            progs.sort(key=lambda p: (p["round"], p["sample"]))
        assert got == want, lang


def test_parallel_config_holds_every_kept_program_by_pl(built):
    out, _, _ = built
    rows = dataset_rows(out, "parallel")
    by_id = {r["id"]: r for r in rows}
    with_programs = {
        pid for pid, progs in EXPECTED["dataset"].items() if any(progs[lang] for lang in LANGS)
    }
    assert set(by_id) == with_programs
    samples = {p.id: p for p in load_sample_problems()}
    for pid, row in by_id.items():
        assert row["reference"]["code"] == samples[pid].reference.code
        assert [t["output"] for t in row["tests"]] == [t.output for t in samples[pid].tests]
        for lang in LANGS:
            assert row["programs"][lang] == [p["code"] for p in EXPECTED["dataset"][pid][lang]]


def test_candidates_config_gives_the_expected_funnel(built):
    out, result, _ = built
    rows = dataset_rows(out, "candidates")
    for lang in LANGS:
        mine = [r for r in rows if r["language"] == lang]
        counts = {
            "candidates": len(mine),
            "extracted": sum(bool(r["code"].strip()) for r in mine),
            "syntax_ok": sum(r["syntax_ok"] for r in mine),
            "compiled": sum(r["status"] not in ("SYNTAX_ERROR", "COMPILE_ERROR") for r in mine),
            "verified": sum(r["status"] == "OK" for r in mine),
        }
        assert counts == EXPECTED["funnel"][lang], lang
    kept = sum(r["kept"] for r in rows)
    assert kept == sum(len(p[lang]) for p in EXPECTED["dataset"].values() for lang in LANGS)
    # Repairs extend the failed attempt's chat: round 1 exists only where round 0 failed.
    assert {r["round"] for r in rows} == {0, 1}
    assert "funnel" in result.stdout and "dataset:" in result.stdout
    assert f"datasets.load_dataset({str(out)!r}, 'parallel')" in result.stdout


def test_splits_are_by_problem(built):
    out, _, _ = built
    split_of = {r["id"]: r["_split"] for r in dataset_rows(out, "parallel")}
    assert sorted(split_of.values()).count("test") >= 1
    for config in [*LANGS, "candidates"]:
        for row in dataset_rows(out, config):
            if row["problem_id"] in split_of:
                assert row["_split"] == split_of[row["problem_id"]], (config, row["problem_id"])


def test_card_yaml_lists_exactly_the_written_configs(built):
    out, _, _ = built
    card = DatasetCard.load(out / "README.md")
    written = {}
    for path in sorted(out.glob("*/*.parquet")):
        rows = datasets.Dataset.from_parquet(str(path)).num_rows
        written.setdefault(path.parent.name, {})[path.name.split("-")[0]] = rows
    assert card.data.configs == hub_configs(
        {name: written[name] for name in [*LANGS, "parallel", "candidates"] if name in written}
    )
    assert card.data.license == "apache-2.0"  # our own bundled problems
    assert (out / "yield.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for lang in LANGS:
        f = EXPECTED["funnel"][lang]
        cells = [f[k] for k in ("candidates", "extracted", "syntax_ok", "compiled", "verified")]
        assert f"(`{lang}`) | " + " | ".join(map(str, cells)) + " | " in card.text


def test_corpus_stats_prints_the_funnel(built):
    out, _, _ = built
    result = psft("corpus", "stats", str(out))
    assert result.returncode == 0, result.stderr
    for lang in LANGS:
        f = EXPECTED["funnel"][lang]
        cells = [
            lang,
            f["candidates"],
            f["extracted"],
            f["syntax_ok"],
            f["compiled"],
            f["verified"],
        ]
        line = next(ln for ln in result.stdout.splitlines() if f"│ {lang} " in ln)
        assert [c.strip() for c in line.strip("│ ").split("│")][:6] == [str(c) for c in cells]


def test_rerun_reuses_everything_without_the_server(built, problems_file, tmp_path):
    """A finished build rerun asks nothing of the model (the server is not even there) and
    writes identical files."""
    out, _, _ = built
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".build" not in p.parts}
    result = psft(*build_args(problems_file, "http://127.0.0.1:9/v1", out))
    assert result.returncode == 0, result.stderr
    assert "0 generated" in result.stdout and "shards reused: 2" in result.stdout
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and ".build" not in p.parts}
    assert after == before


def test_a_server_that_dies_mid_build_is_one_line_and_the_rerun_resumes(
    built, problems_file, stub, tmp_path
):
    """The server exits after 5 answers (as a crashed vLLM does): the build stops with one
    line that says the server went away mid-run, keeps what it had, and the same command
    against a live server asks only for what is missing and writes the same dataset."""
    out = tmp_path / "corpus"
    script = str(FIXTURE / "script.json")
    with stub_server(tmp_path, "--script", script, "--die-after", "5") as dying:
        failed = psft(*build_args(problems_file, dying, out, "--concurrency", "1"))
    assert failed.returncode == 1
    [line] = failed.stderr.strip().splitlines()
    assert line.startswith(f"error: the model server at {dying}/chat/completions stopped ")
    assert "mid-run" in line and "after 5 answers" in line and "resumes" in line
    resumed = psft(*build_args(problems_file, stub, out))
    assert resumed.returncode == 0, resumed.stderr
    cached = int(resumed.stdout.split("completions: ")[1].split(" cached")[0])
    assert cached > 0
    assert dataset_rows(out, "parallel") == dataset_rows(built[0], "parallel")


def test_changed_config_is_refused_then_overwrite_reuses_caches(
    built, problems_file, stub, tmp_path
):
    out, _, _ = built
    copy = tmp_path / "corpus"
    subprocess.run(["cp", "-r", str(out), str(copy)], check=True)
    refused = psft(*build_args(problems_file, stub, copy, "--keep", "1"))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"error: {copy} was built with another configuration (differs in: keep); rerun with "
        "--overwrite to rebuild it, or use another --out"
    ]
    requests = stub_stats(stub)["requests"]
    redone = psft(*build_args(problems_file, stub, copy, "--keep", "1", "--overwrite"))
    assert redone.returncode == 0, redone.stderr
    assert stub_stats(stub)["requests"] == requests  # every completion came from the cache
    kept = {lang: len(dataset_rows(copy, lang)) for lang in LANGS}
    assert kept == {
        lang: sum(bool(p[lang]) for p in EXPECTED["dataset"].values()) for lang in LANGS
    }


def test_not_a_build_directory_is_never_touched(problems_file, stub, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    result = psft(*build_args(problems_file, stub, out, "--overwrite"))
    assert result.returncode == 1
    assert "is not a corpus build directory" in result.stderr
    assert (out / "notes.txt").read_text() == "precious" and len(list(out.iterdir())) == 1


def assert_same_dataset(out: Path, reference: Path) -> None:
    """Everything but the candidates' measured times and memory is byte-identical."""
    files, expected = _dataset_files(out), _dataset_files(reference)
    assert files.keys() == expected.keys()
    measured = {"compile_ms", "run_ms", "max_rss_mb"}
    for name in files:
        if name.startswith("candidates/"):
            continue
        assert files[name] == expected[name], name
    rows = dataset_rows(out, "candidates")
    unmeasured = [{k: v for k, v in r.items() if k not in measured} for r in rows]
    assert unmeasured == [
        {k: v for k, v in r.items() if k not in measured}
        for r in dataset_rows(reference, "candidates")
    ]
    keys = [(r["problem_id"], r["language"], r["round"], r["sample"]) for r in rows]
    assert len(keys) == len(set(keys)) == sum(f["candidates"] for f in EXPECTED["funnel"].values())


def _dataset_files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".build" not in p.parts
    }


def _progress(out: Path) -> tuple[int, int, int]:
    state = out / ".build"
    lines = [
        len((state / name).read_text().splitlines()) if (state / name).exists() else 0
        for name in ("completions.jsonl", "verdicts.jsonl")
    ]
    return (*lines, len(list(state.glob("round-*/shard-*.jsonl"))))


def test_sigkill_at_five_random_moments_then_resume_gives_the_same_dataset(
    built, problems_file, tmp_path
):
    _kill_and_resume(built[0], problems_file, tmp_path, kills=5, seed=20261126)


def test_on_ray_a_build_killed_and_resumed_gives_the_local_builds_dataset(
    built, problems_file, tmp_path, ray_cluster
):
    """`--executor ray` against the local build (`built`): the driver SIGKILLed twice
    mid-build (Ray kills its actors with it), resumed on Ray, the same dataset."""
    ray = ("--executor", "ray", "--ray-address", ray_cluster.address)
    _kill_and_resume(built[0], problems_file, tmp_path, kills=2, seed=20261202, extra=ray,
                     env=ray_cluster.env)  # fmt: skip


def _kill_and_resume(reference: Path, problems_file: Path, tmp_path: Path, *, kills: int,
                     seed: int, extra: tuple[str, ...] = (), env: dict | None = None):  # fmt: skip
    """Each kill takes down the whole process group (the build and its sandbox workers),
    as a crash or an OOM kill would. The stub answers slowly so that kills land while the
    model is being asked, as well as while programs run."""
    out = tmp_path / "corpus"
    rng = random.Random(seed)
    interrupted = 0
    progress: list[tuple[int, int, int]] = []
    with stub_server(tmp_path, "--script", str(FIXTURE / "script.json"), "--delay", "0.5") as url:
        # Small shards: more moments where a shard is half done. The shard size is not part
        # of what the dataset depends on, so the reference (default size) must still match.
        args = build_args(problems_file, url, out, "--shard-size", "3", *extra)
        argv = [sys.executable, "-m", "parallel_sft.cli", *args]
        env = {**(env or os.environ), "HF_HUB_OFFLINE": "1"}
        for _ in range(kills):
            before = _progress(out)
            proc = subprocess.Popen(
                argv, env=env, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            # Kill at a random moment after the run has got going (it has cached something
            # new), so that a slow start on a busy machine does not make every kill land
            # before the first completion.
            deadline = time.monotonic() + 120
            while _progress(out) == before and proc.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 2.0))
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                interrupted += 1
            proc.wait(timeout=60)
            progress.append(_progress(out))
        final = psft(*args, env=env)
    assert final.returncode == 0, final.stderr
    assert interrupted >= max(1, kills - 2)  # the kills really cut the build short
    # ... at different stages: completions, verdicts and shards kept growing between kills.
    print("completions, verdicts, shards after each kill:", progress)
    assert len(set(progress)) >= 2 and progress == sorted(progress)
    assert_same_dataset(out, reference)
