"""`run_verify` keeps and reuses only verdicts that still hold."""

from dataclasses import replace

import pytest

from parallel_sft.records import Test
from parallel_sft.verify import cache
from parallel_sft.verify.executors import ExecutorSpec
from parallel_sft.verify.job import reference_candidates, run_verify


@pytest.fixture
def three(samples):
    return {k: samples[k] for k in ("sample/sum-two", "sample/average", "sample/count-words")}


def _interrupt_after(n, monkeypatch):
    real = cache.verify_batch

    def interrupted(items, config, *, on_result, **kw):
        def counting(i, verdict):
            on_result(i, verdict)
            if i + 1 == n:
                raise KeyboardInterrupt

        return real(items, config, on_result=counting, **kw)

    monkeypatch.setattr(cache, "verify_batch", interrupted)


def test_changed_tests_invalidate_saved_verdicts(three, tmp_path, monkeypatch):
    out = tmp_path / "v.jsonl"
    _interrupt_after(2, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        run_verify(
            three,
            reference_candidates(three),
            out,
            executor=ExecutorSpec(workers=1),
            progress=False,
        )
    monkeypatch.undo()

    # The first problem's expected output changes: its saved verdict no longer holds.
    first = three["sample/sum-two"]
    three["sample/sum-two"] = replace(first, tests=[Test("1 1\n", "3\n"), *first.tests[1:]])
    report = run_verify(
        three, reference_candidates(three), out, executor=ExecutorSpec(workers=1), progress=False
    )
    assert report.reused == 1
    status = {r["problem_id"]: r["status"] for r in report.rows}
    assert status["sample/sum-two"] == "WRONG_ANSWER"
    assert status["sample/average"] == status["sample/count-words"] == "OK"
