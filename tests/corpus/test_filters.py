"""The problem filters inside a build: --check-reference drops problems whose reference
fails its own tests, --decontaminate-against drops problems an evaluation set contains;
both are counted in the report and the card, and the rest go on to translation."""

from __future__ import annotations

import json

from huggingface_hub import DatasetCard

from parallel_sft.corpus.build import build_corpus
from parallel_sft.corpus.config import BuildConfig

from ..backends.conftest import stub_server


def test_reference_check_and_decontamination_are_counted(samples, tmp_path):
    keep = ["sample/sum-two", "sample/count-words", "sample/average", "sample/median"]
    rows = [samples[i].to_dict() for i in keep]
    rows[1]["reference"]["code"] = "print(0)\n"  # count-words' reference now fails
    problems = tmp_path / "problems.jsonl"
    problems.write_text("".join(json.dumps(r) + "\n" for r in rows))
    evaluation = tmp_path / "eval.jsonl"
    evaluation.write_text(json.dumps({"prompt": samples["sample/median"].statement}) + "\n")
    config = BuildConfig(
        langs=("lua",), source=str(problems), backend="openai", model="stub-model",
        repair_rounds=0, check_reference=True, decontaminate_against=str(evaluation),
    )  # fmt: skip
    with stub_server(tmp_path) as url:
        report = build_corpus(
            config, tmp_path / "out", backend_options={"base_url": url}, progress=False
        )
    assert report.problems == {
        "loaded": 4, "decontaminated": 1, "reference_failed": 1, "built": 2, "with_verified": 0,
    }  # fmt: skip
    assert report.funnel[0]["candidates"] == 2  # sum-two and average went on
    card = DatasetCard.load(tmp_path / "out" / "README.md").text
    assert "| removed by decontamination | 1 |" in card
    assert "| reference solution failed its own tests (dropped) | 1 |" in card
    assert "| built (sent to translation) | 2 |" in card
    prepared = (tmp_path / "out" / ".build" / "problems.jsonl").read_text()
    assert "sample/median" not in prepared and "sample/count-words" not in prepared
