"""The translation stage with a scripted backend (the real backends have their own tests):
request building, the completion cache, resumption after a crash, and the extraction and
syntax results each candidate carries."""

from __future__ import annotations

import pytest

from parallel_sft.backends.base import Backend, Completion, SamplingParams
from parallel_sft.languages import LANGUAGES, get_language
from parallel_sft.translate import CompletionCache, build_requests, translate


class ScriptedBackend(Backend):
    """Answers each chat by `reply(target_language_name, sample_index)`; counts calls."""

    name = "scripted"
    model = "scripted-model"

    def __init__(self, reply, fail_after_calls: int | None = None):
        self.reply = reply
        self.calls: list[int] = []  # chats per generate() call
        self.fail_after_calls = fail_after_calls

    def generate(self, chats, params):
        if self.fail_after_calls is not None and len(self.calls) >= self.fail_after_calls:
            raise RuntimeError("backend crashed")
        self.calls.append(len(chats))
        out = []
        for chat in chats:
            target = _target_of(chat)
            out.append([Completion(self.reply(target, i), "stop", 10, 20) for i in range(params.n)])
        return out


def _target_of(chat) -> str:
    text = chat[-1]["content"]
    return next(lang.name for lang in LANGUAGES.values() if f"```{lang.name} code block" in text)


def good(target: str, sample: int) -> str:
    return f"Here you go:\n```{target}\n{LANGUAGES[target].example}```\nDone."


@pytest.fixture
def problems(samples):
    return [samples[i] for i in ("sample/sum-two", "sample/average", "sample/count-words")]


def test_requests_skip_the_source_language_and_use_few_shot(problems):
    langs = [get_language(x) for x in ("python", "cpp", "go")]
    shots = {"cpp": (problems[0], LANGUAGES["cpp"].example)}
    requests = build_requests(problems, langs, examples=shots)
    assert [(r.problem.id, r.lang.name) for r in requests] == [
        (p.id, lang) for p in problems for lang in ("cpp", "go")
    ]
    # The few-shot example is never the problem itself.
    assert len(requests[0].prompt.chat) == 2 and len(requests[2].prompt.chat) == 4


def test_candidates_carry_extraction_and_syntax(problems, tmp_path):
    def reply(target, sample):
        if target == "cpp":
            return good(target, sample)
        if target == "go":  # the source PL instead of the target
            return "```python\nprint(sum(map(int, input().split())))\n```"
        return "I cannot do that."

    requests = build_requests(problems[:1], [get_language(x) for x in ("cpp", "go", "rust")])
    with CompletionCache(tmp_path / "c.jsonl") as cache:
        cands, stats = translate(
            requests, ScriptedBackend(reply), SamplingParams(n=2), cache, progress=False
        )
    by_lang = {c.language: c for c in cands if c.sample == 0}
    assert len(cands) == 6 and [c.sample for c in cands[:2]] == [0, 1]
    assert by_lang["cpp"].extra["syntax_ok"] and by_lang["cpp"].code.startswith("#include")
    assert by_lang["cpp"].extra["extract_source"] == "tagged"
    assert not by_lang["go"].extra["syntax_ok"]
    assert by_lang["rust"].code == "" and by_lang["rust"].extra["extract_reason"]
    assert stats.per_language["cpp"] == {"candidates": 2, "extracted": 2, "syntax_ok": 2}
    assert stats.per_language["rust"]["extracted"] == 0
    assert all(c.prompt_hash and c.model == "scripted-model" for c in cands)


def test_cache_makes_reruns_free_and_more_samples_cheap(problems, tmp_path):
    requests = build_requests(problems, [get_language("cpp"), get_language("js")])
    backend = ScriptedBackend(good)
    with CompletionCache(tmp_path / "c.jsonl") as cache:
        first, s1 = translate(
            requests, backend, SamplingParams(n=2), cache, chunk_size=4, progress=False
        )
    assert s1.completions_generated == 12 and s1.model_calls == 2
    with CompletionCache(tmp_path / "c.jsonl") as cache:
        again, s2 = translate(requests, backend, SamplingParams(n=2), cache, progress=False)
        more, s3 = translate(requests, backend, SamplingParams(n=3), cache, progress=False)
    assert s2.model_calls == 0 and s2.completions_cached == 12
    assert again == first
    assert s3.completions_generated == 6 and s3.completions_cached == 12


def test_a_crashed_run_resumes_without_asking_twice(problems, tmp_path):
    requests = build_requests(problems, [get_language(x) for x in ("cpp", "go", "ruby")])
    params = SamplingParams(n=1)
    with CompletionCache(tmp_path / "ref.jsonl") as cache:
        reference, _ = translate(
            requests, ScriptedBackend(good), params, cache, chunk_size=2, progress=False
        )
    crashing = ScriptedBackend(good, fail_after_calls=2)
    with CompletionCache(tmp_path / "c.jsonl") as cache, pytest.raises(RuntimeError):
        translate(requests, crashing, params, cache, chunk_size=2, progress=False)
    assert sum(crashing.calls) == 4
    resumed = ScriptedBackend(good)
    with CompletionCache(tmp_path / "c.jsonl") as cache:
        result, stats = translate(requests, resumed, params, cache, chunk_size=2, progress=False)
    assert sum(resumed.calls) == len(requests) - 4  # only what the crash left undone
    assert stats.completions_cached == 4
    assert result == reference


def test_torn_cache_line_is_skipped(tmp_path):
    path = tmp_path / "c.jsonl"
    with CompletionCache(path) as cache:
        cache.put("k1", Completion("a"))
    with open(path, "a") as f:
        f.write('{"key": "k2", "completion": {"te')
    with CompletionCache(path) as cache:
        assert cache.get("k1") == Completion("a") and cache.get("k2") is None and len(cache) == 1
