"""The translation stage: (problem, target PL) requests -> candidates, through a backend.

Each request's chat is rendered from the versioned templates, its `n` samples are looked up
in the completion cache, only the missing ones are asked of the model (in chunks, each
stored as soon as it returns), and every completion is turned into a candidate by the
tree-sitter layer: the extracted program and its syntax verdict travel with it, so the
verifier can give SYNTAX_ERROR without running anything.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..backends.base import Backend, BackendError, Completion, SamplingParams
from ..languages import Language, get_language
from ..progress import progress_bar
from ..prompts import RenderedPrompt, render_translate
from ..records import Candidate, Problem
from ..verify.responses import response_candidate
from .cache import CompletionCache, cache_key


@dataclass(frozen=True)
class Request:
    problem: Problem
    lang: Language
    prompt: RenderedPrompt


@dataclass
class TranslateStats:
    requests: int = 0
    completions_cached: int = 0
    completions_generated: int = 0
    model_calls: int = 0  # backend.generate() invocations
    generated_tokens: int = 0
    generate_seconds: float = 0.0
    per_language: dict[str, dict[str, int]] = field(default_factory=dict)


def build_requests(
    problems: Sequence[Problem],
    langs: Sequence[Language],
    *,
    examples: dict[str, tuple[Problem, str]] | None = None,
    unsupported: dict[str, Counter[str]] | None = None,
) -> list[Request]:
    """One request per (problem, target PL), skipping a problem's own source PL.

    `examples` maps a PL to one few-shot pair (a problem, its verified program in that PL).
    A function problem a PL cannot express (`verify.functions.cannot_run`) gets no
    request; `unsupported`, where given, counts those per PL and reason.
    """
    from ..verify.functions import cannot_run

    requests = []
    for problem in problems:
        if problem.reference is None:
            continue
        source = get_language(problem.reference.language).name
        for lang in langs:
            if lang.name == source:
                continue
            reason = cannot_run(problem, lang)
            if reason is not None:
                if unsupported is not None:
                    unsupported.setdefault(lang.name, Counter())[reason] += 1
                continue
            shot = (examples or {}).get(lang.name)
            shots = [shot] if shot is not None and shot[0].id != problem.id else []
            prompt = render_translate(problem, lang, examples=shots)
            requests.append(Request(problem, lang, prompt))
    return requests


def registry_examples() -> dict[str, tuple[Problem, str]]:
    """One few-shot pair per PL: the bundled `sample/sum-two` and the registry's verified
    example program in that PL (the one `psft langs --check` judges)."""
    from ..languages import LANGUAGES
    from ..samples import load_sample_problems

    sum_two = next(p for p in load_sample_problems() if p.id == "sample/sum-two")
    return {name: (sum_two, lang.example) for name, lang in LANGUAGES.items()}


def translate(
    requests: Sequence[Request],
    backend: Backend,
    params: SamplingParams,
    cache: CompletionCache,
    *,
    chunk_size: int = 16,
    progress: bool = True,
    label: str = "translating",
) -> tuple[list[Candidate], TranslateStats]:
    """Candidates for every request (n samples each, in request order), and counts.

    Any request works, whatever its prompt asks (evaluation sends `render_solve` chats);
    `label` names the progress bar.
    """
    stats = TranslateStats(requests=len(requests))

    def keys(req: Request) -> list[str]:
        return [
            cache_key(backend.name, backend.model, req.prompt.chat, params, i)
            for i in range(params.n)
        ]

    def store(req: Request, completions: list[Completion]) -> None:
        for key, completion in zip(keys(req), completions, strict=True):
            if cache.get(key) is None:
                cache.put(key, completion)
                stats.completions_generated += 1
                stats.generated_tokens += completion.completion_tokens

    missing = [req for req in requests if any(cache.get(k) is None for k in keys(req))]
    stats.completions_cached = sum(cache.get(k) is not None for req in requests for k in keys(req))
    with progress_bar(progress) as bar:
        task = bar.add_task(label, total=len(missing))
        for start in range(0, len(missing), chunk_size):
            chunk = missing[start : start + chunk_size]
            start_time = time.perf_counter()
            try:
                results = backend.generate([req.prompt.chat for req in chunk], params)
            except BackendError as err:  # keep what did arrive: the rerun resumes from it
                for i, completions in err.partial.items():
                    store(chunk[i], completions)
                raise
            stats.generate_seconds += time.perf_counter() - start_time
            stats.model_calls += 1
            for req, completions in zip(chunk, results, strict=True):
                store(req, completions)
            bar.advance(task, len(chunk))

    candidates = []
    for req in requests:
        for sample, key in enumerate(keys(req)):
            completion = cache.get(key)
            assert completion is not None
            candidates.append(to_candidate(req, completion, sample, backend.model))
    for cand in candidates:
        counts = stats.per_language.setdefault(
            cand.language, {"candidates": 0, "extracted": 0, "syntax_ok": 0}
        )
        counts["candidates"] += 1
        counts["extracted"] += bool(cand.code)
        counts["syntax_ok"] += bool(cand.extra["syntax_ok"])
    return candidates, stats


def to_candidate(req: Request, completion: Completion, sample: int, model: str) -> Candidate:
    """A completion, with its extracted program and syntax verdict. A completion-style
    prompt's program is the header and the completion (`completion_program`), a chat's
    the one extracted from the answer."""
    if req.prompt.raw and (
        req.lang.functions is not None or req.lang.name in req.problem.harnesses
    ):
        return _completed_candidate(req, completion, sample, model)
    cand = response_candidate(
        req.problem.id,
        req.lang,
        completion.text,
        source_lang=req.problem.reference.language if req.problem.reference else None,
        model=model,
        prompt_hash=req.prompt.hash,
        sample=sample,
        round=0,
    )
    cand.extra = {
        "prompt_version": req.prompt.version,
        "finish_reason": completion.finish_reason or "",
        "completion_tokens": completion.completion_tokens,
        **cand.extra,
    }
    return cand


def _completed_candidate(req: Request, completion: Completion, sample: int, model: str):
    from ..benchmarks import completed_program, test_program
    from ..verify.syntax import check

    assert isinstance(req.prompt.chat, str)
    harness = req.problem.harnesses.get(req.lang.name)
    if harness is not None:
        code = completed_program(harness, req.lang, completion.text)
        # A benchmark's completion may stop inside the function (MultiPL-E's tests close
        # it): the syntax check reads the program the benchmark runs, tests included.
        syntax = check(test_program(code, harness, req.lang.name), req.lang, source_lang=None)
    else:
        assert req.lang.functions is not None
        code = req.lang.functions.completion_program(req.prompt.chat, completion.text)
        syntax = check(code, req.lang, source_lang=None)
    where = f" at line {syntax.line}" if syntax.line else ""
    return Candidate(
        req.problem.id, req.lang.name, code, response=completion.text, model=model,
        prompt_hash=req.prompt.hash, sample=sample, round=0,
        extra={"prompt_version": req.prompt.version,
               "finish_reason": completion.finish_reason or "",
               "completion_tokens": completion.completion_tokens,
               "extract_source": "completion", "extract_reason": "header + completion",
               "syntax_ok": syntax.ok,
               "syntax_error": "" if syntax.ok else f"{syntax.error}{where}",
               "wrong_language": ""},
    )  # fmt: skip
