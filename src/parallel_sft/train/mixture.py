"""Parallel-SFT data mixtures: which examples a supervised fine-tuning run sees.

A corpus built by `psft corpus build` gives, per problem of its train split, verified
programs in several PLs (its `parallel` config: the reference in the source PL plus every
kept translation). Three example formats are made from them, each a chat prompt and the
completion the model is trained on:

- ``mono``: statement + one PL -> a verified program in that PL (the `solve/v1` prompt that
  evaluation and RL use too);
- ``parallel``: statement + several PLs -> the programs in each, one after another under
  a header per PL (one parallel program in one example);
- ``translate``: a verified program in PL a -> the same problem's program in PL b (the
  `translate/v1` prompt of the corpus build).

A mixture names each format's share of `num_examples`. The presets are the study's three
arms: ``source-only`` (mono in the source PL only), ``multilingual`` (mono in every PL,
but each problem in exactly one PL: the non-parallel control with the same PLs), and
``parallel`` (Parallel-SFT: all three formats, only problems with programs in two or more
PLs, so every problem is seen in several PLs). Sampling is deterministic under `seed`.
Problems of the corpus's test split never enter training; `check_no_leak` refuses a
mixture whose prompts or answers contain a test problem's statement.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..corpus.read import row_programs
from ..errors import PsftError
from ..languages import get_language
from ..prompts import (
    answer_block,
    parallel_answer,
    render_solve,
    render_solve_parallel,
    render_translate,
)
from ..records import Problem, Reference, Test

FORMATS = ("mono", "parallel", "translate")
PRESETS: dict[str, dict[str, float]] = {
    "source-only": {"mono": 1.0},
    "multilingual": {"mono": 1.0},
    "parallel": {"mono": 0.4, "parallel": 0.3, "translate": 0.3},
}


@dataclass(frozen=True)
class CorpusProblem:
    """One train-split problem of a corpus and its verified programs by PL."""

    id: str
    statement: str
    programs: dict[str, list[str]]  # PL -> verified programs (the reference included)
    kind: str = "stdio"  # a function problem's prompts show its signature in each PL
    entry_point: str | None = None
    signature: str | None = None

    def problem(self) -> Problem:
        return Problem(self.id, self.id.split("/")[0], self.statement, [Test("", "")],
                       kind=self.kind, entry_point=self.entry_point,
                       signature=self.signature)  # fmt: skip


@dataclass(frozen=True)
class Example:
    format: str
    problem_id: str
    languages: tuple[str, ...]
    prompt: list[dict[str, str]]
    completion: list[dict[str, str]]

    def row(self) -> dict[str, Any]:
        """The prompt-completion conversational row TRL's SFTTrainer trains on (loss on the
        completion only)."""
        return {"prompt": self.prompt, "completion": self.completion}


@dataclass
class MixtureSpec:
    shares: dict[str, float]
    langs: tuple[str, ...]  # every PL the mixture may use, source PL included
    source_lang: str = "python"
    preset: str | None = None
    num_examples: int | None = None  # None: one per (problem, PL) with a program
    seed: int = 0
    max_parallel_langs: int = 4  # PLs shown in one parallel example


@dataclass
class Manifest:
    spec: dict[str, Any]
    examples: int
    by_format: dict[str, int]
    by_language: dict[str, int]  # programs in completions, per PL
    problems: list[str]  # problem ids that appear in training
    excluded_test_problems: int
    extra: dict[str, Any] = field(default_factory=dict)


def parse_mixture(text: str) -> dict[str, float]:
    """ "mono=0.5,parallel=0.3,translate=0.2" -> shares; they must be known and sum to 1.

    Example:
        >>> parse_mixture("mono=0.5, translate=0.5")
        {'mono': 0.5, 'translate': 0.5}
    """
    shares: dict[str, float] = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in FORMATS:
            raise PsftError(
                f"bad mixture item {item.strip()!r}: use FORMAT=SHARE with FORMAT in "
                + ", ".join(FORMATS)
            )
        try:
            shares[name] = float(value)
        except ValueError:
            raise PsftError(f"bad share {value.strip()!r} for {name}: not a number") from None
        if shares[name] < 0:
            raise PsftError(f"share of {name} is negative")
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise PsftError(f"mixture shares sum to {total:g}, not 1: {text}")
    return shares


def preset_spec(name: str) -> dict[str, float]:
    if name not in PRESETS:
        raise PsftError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}")
    return dict(PRESETS[name])


def corpus_problems(rows: Sequence[dict[str, Any]], langs: Sequence[str]) -> list[CorpusProblem]:
    """`parallel` config rows -> problems with their programs in `langs` (reference too)."""
    out = []
    for row in rows:
        programs = {lang: codes for lang, codes in row_programs(row).items() if lang in langs}
        if programs:
            function = row.get("kind") == "function"
            out.append(CorpusProblem(
                row["id"], row["statement"], programs, row.get("kind") or "stdio",
                row.get("entry_point") if function else None,
                row.get("signature") if function else None,
            ))  # fmt: skip
    return out


def _counts(shares: dict[str, float], total: int) -> dict[str, int]:
    """Integer counts per format summing to `total` (largest remainder)."""
    raw = {f: shares.get(f, 0.0) * total for f in FORMATS}
    counts = {f: int(v) for f, v in raw.items()}
    for f in sorted(FORMATS, key=lambda f: raw[f] - counts[f], reverse=True)[
        : total - sum(counts.values())
    ]:
        counts[f] += 1
    return counts


def _take(pool: list, count: int, rng: random.Random) -> list:
    """`count` items: the pool shuffled, repeated in fresh shuffles when it is too small."""
    out: list = []
    while len(out) < count:
        batch = pool[:]
        rng.shuffle(batch)
        out += batch[: count - len(out)]
    return out


def build_mixture(problems: Sequence[CorpusProblem], spec: MixtureSpec) -> list[Example]:
    """The examples of the mixture, in a deterministic shuffled order."""
    rng = random.Random(spec.seed)
    langs = list(spec.langs)
    source = get_language(spec.source_lang).name
    if spec.preset == "source-only":
        langs = [source]
    pool_problems = [p for p in problems if any(lang in p.programs for lang in langs)]
    # The default size: one example per (problem, PL) program, the same for the
    # multilingual and parallel arms so that they compare at equal amounts of data.
    default_total = sum(lang in p.programs for p in pool_problems for lang in langs)
    if spec.preset == "parallel":
        pool_problems = [p for p in pool_problems if sum(lang in p.programs for lang in langs) >= 2]
    if not pool_problems:
        raise PsftError(f"the corpus has no train problem with programs in {', '.join(langs)}")

    mono = [
        (p, lang, code)
        for p in pool_problems
        for lang in langs
        for code in p.programs.get(lang, [])[:1]
    ]
    if spec.preset == "multilingual":
        mono = _one_language_each(pool_problems, langs, rng)
    total = spec.num_examples or default_total
    counts = _counts(spec.shares, total)
    examples: list[Example] = []
    if counts["mono"]:
        examples += [_mono(p, lang, code) for p, lang, code in _take(mono, counts["mono"], rng)]
    multi = [p for p in pool_problems if sum(lang in p.programs for lang in langs) >= 2]
    for fmt in ("parallel", "translate"):
        if counts[fmt] and not multi:
            raise PsftError(
                f"a {fmt} share needs problems with programs in two PLs of {', '.join(langs)}; "
                "the corpus has none"
            )
    if counts["parallel"]:
        for p in _take(multi, counts["parallel"], rng):
            have = [lang for lang in langs if lang in p.programs]
            chosen = sorted(
                rng.sample(have, min(len(have), spec.max_parallel_langs)), key=langs.index
            )
            examples.append(_parallel(p, chosen))
    if counts["translate"]:
        pairs = [(p, a, b) for p in multi for a in langs for b in langs
                 if a != b and a in p.programs and b in p.programs]  # fmt: skip
        examples += [_translate(p, a, b) for p, a, b in _take(pairs, counts["translate"], rng)]
    rng.shuffle(examples)
    return examples


def _one_language_each(problems: Sequence[CorpusProblem], langs: Sequence[str], rng: random.Random):
    """Each problem in exactly one PL, PLs as evenly used as the programs allow."""
    used: Counter[str] = Counter()
    out = []
    order = list(problems)
    rng.shuffle(order)
    for p in order:
        have = [lang for lang in langs if lang in p.programs]
        lang = min(have, key=lambda x: (used[x], rng.random()))
        used[lang] += 1
        out.append((p, lang, p.programs[lang][0]))
    return out


def _assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def _mono(p: CorpusProblem, lang: str, code: str) -> Example:
    prompt = render_solve(p.problem(), lang).chat
    return Example("mono", p.id, (lang,), prompt, _assistant(answer_block(lang, code)))


def _parallel(p: CorpusProblem, langs: Sequence[str]) -> Example:
    prompt = render_solve_parallel(p.problem(), list(langs)).chat
    answer = parallel_answer([(lang, p.programs[lang][0]) for lang in langs])
    return Example("parallel", p.id, tuple(langs), prompt, _assistant(answer))


def _translate(p: CorpusProblem, a: str, b: str) -> Example:
    problem = p.problem()
    problem.reference = Reference(a, p.programs[a][0])
    prompt = render_translate(problem, b).chat
    return Example("translate", p.id, (a, b), prompt, _assistant(answer_block(b, p.programs[b][0])))


def check_no_leak(examples: Sequence[Example], test_statements: dict[str, str]) -> None:
    """Refuse a mixture in which a test-split problem appears, by id or by statement."""
    for ex in examples:
        if ex.problem_id in test_statements:
            raise PsftError(f"test-split problem {ex.problem_id!r} is in the training mixture")
        text = " ".join(m["content"] for m in ex.prompt)
        for pid, statement in test_statements.items():
            if statement.strip() and statement.strip() in text:
                raise PsftError(
                    f"training example for {ex.problem_id!r} contains the statement of "
                    f"test-split problem {pid!r}"
                )


def manifest(examples: Sequence[Example], spec: MixtureSpec, excluded: int) -> Manifest:
    by_language: Counter[str] = Counter()
    for ex in examples:
        for lang in ex.languages[-1:] if ex.format == "translate" else ex.languages:
            by_language[lang] += 1
    return Manifest(
        spec={k: v for k, v in vars(spec).items()},
        examples=len(examples),
        by_format=dict(Counter(ex.format for ex in examples)),
        by_language=dict(sorted(by_language.items())),
        problems=sorted({ex.problem_id for ex in examples}),
        excluded_test_problems=excluded,
    )
