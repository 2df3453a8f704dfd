"""The scripted translation fixture (`tests/fixtures/corpus/`, see its README) through the
real stub server and the openai backend: translate chats get their scripted samples, repair
chats built with `render_repair` get their scripted repairs or the refusal, and
`script.json` / `expected.json` are what `make_fixture.py` writes today."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from parallel_sft.backends import SamplingParams, get_backend
from parallel_sft.languages import LANGUAGES
from parallel_sft.prompts import render_repair, render_translate
from parallel_sft.verify.syntax import extract

from ..backends.conftest import stub_server

FIXTURE = Path(__file__).parent.parent / "fixtures" / "corpus"
REFUSAL = "I cannot help with that."
REPAIR_TURNS = ("program fails a test (", "program does not compile. The compiler says:")


@pytest.fixture(scope="module")
def script() -> list[dict]:
    return json.loads((FIXTURE / "script.json").read_text())


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((FIXTURE / "expected.json").read_text())


@pytest.fixture(scope="module")
def llm(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("stub")
    with stub_server(log_dir, "--script", str(FIXTURE / "script.json")) as url:
        yield get_backend("openai", "stub-model", base_url=url, backoff_s=0.01)


def translate_prompt(samples, problem_id: str, lang: str):
    """The chat a build sends: the sum-two few-shot turn, then the problem."""
    shot = (samples["sample/sum-two"], LANGUAGES[lang].example)
    return render_translate(samples[problem_id], lang, examples=[shot])


def ask(llm, chats, n: int) -> list[list[str]]:
    return [[c.text for c in per_chat] for per_chat in llm.generate(chats, SamplingParams(n=n))]


def kept(expected, problem_id: str, lang: str, sample: int, round_: int) -> str:
    [item] = [
        item
        for item in expected["dataset"][problem_id][lang]
        if (item["sample"], item["round"]) == (sample, round_)
    ]
    return item["code"]


def repair(prompt, response: str, lang: str, problem, turn: str):
    """A repair chat of the kind `turn` names, as render_repair builds it."""
    if turn == REPAIR_TURNS[1]:
        return render_repair(prompt, response, lang, compile_error="main: error: it broke")
    test = problem.tests[0]
    got = "(differs from the expected output: token 1: expected 'x', got 'y')"
    return render_repair(
        prompt,
        response,
        lang,
        status="wrong answer",
        test_input=test.input,
        expected=test.output,
        got=got,
    )


def test_a_translate_prompt_gets_its_scripted_samples(llm, samples, script, expected):
    problem_id, lang = "sample/run-length-encoding", "javascript"
    prompt = translate_prompt(samples, problem_id, lang)
    [answers] = ask(llm, [prompt.chat], n=2)
    sentence = "Translate this Python 3 solution of a programming problem into JavaScript."
    unique = "Compress a string with run-length encoding"  # in this statement only
    [entry] = [e for e in script if sentence in e["match"] and unique in e["match"]]
    assert answers == entry["responses"]
    assert [extract(a, lang).code for a in answers] == [
        kept(expected, problem_id, lang, s, 0) for s in (0, 1)
    ]


def test_every_pair_gets_its_own_answers_and_kept_round_0_programs(llm, samples, expected):
    pairs = [(p, lang) for p in expected["problems"] for lang in expected["langs"]]
    chats = [translate_prompt(samples, p, lang).chat for p, lang in pairs]
    answers = ask(llm, chats, n=2)
    assert all(REFUSAL not in a for a in answers)
    assert len({tuple(a) for a in answers}) == len(pairs)  # no two pairs share an entry
    for (problem_id, lang), pair_answers in zip(pairs, answers, strict=True):
        for item in expected["dataset"][problem_id][lang]:
            if item["round"] == 0:
                assert extract(pair_answers[item["sample"]], lang).code == item["code"]


def test_scripted_repairs_answer_the_marked_program(llm, samples, script, expected):
    """Each marker entry answers the repair of the one program carrying its marker; a kept
    round-1 program is the extracted code of that answer."""
    pairs = [(p, lang) for p in expected["problems"] for lang in expected["langs"]]
    prompts = [translate_prompt(samples, p, lang) for p, lang in pairs]
    answers = ask(llm, [p.chat for p in prompts], n=2)
    marked = [e for e in script if len(e["match"]) == 2 and e["match"][1] in REPAIR_TURNS]
    assert marked
    for entry in marked:
        marker, turn = entry["match"]
        [(index, sample)] = [
            (i, s) for i, pair in enumerate(answers) for s, a in enumerate(pair) if marker in a
        ]
        (problem_id, lang), prompt = pairs[index], prompts[index]
        chat = repair(prompt, answers[index][sample], lang, samples[problem_id], turn).chat
        [[answer]] = ask(llm, [chat], n=1)
        assert answer == entry["responses"][0], marker
        fixed = [i for i in expected["dataset"][problem_id][lang] if i["round"] == 1]
        if any(i["sample"] == sample for i in fixed):
            assert extract(answer, lang).code == kept(expected, problem_id, lang, sample, 1)


def test_unscripted_repairs_and_unknown_chats_are_refused(llm, samples):
    problem_id, lang = "sample/max-subarray-sum", "ruby"
    prompt = translate_prompt(samples, problem_id, lang)
    [wrong] = ask(llm, [prompt.chat], n=2)
    chats = [
        repair(prompt, wrong[0], lang, samples[problem_id], REPAIR_TURNS[0]).chat,
        repair(prompt, wrong[1], lang, samples[problem_id], REPAIR_TURNS[1]).chat,
        translate_prompt(samples, "sample/sum-two", lang).chat,
        [{"role": "user", "content": "hello"}],
    ]
    assert ask(llm, chats, n=2) == [[REFUSAL, REFUSAL]] * 4


def test_the_json_files_are_what_make_fixture_writes(script, expected, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURE / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    module.check_scenario()
    assert module.script() == script
    assert module.expected() == expected
    assert expected["funnel"] == {
        "c": {"candidates": 12, "extracted": 9, "syntax_ok": 9, "compiled": 8, "verified": 5},
        "javascript": {
            "candidates": 10,
            "extracted": 10,
            "syntax_ok": 10,
            "compiled": 10,
            "verified": 8,
        },
        "ruby": {"candidates": 12, "extracted": 9, "syntax_ok": 8, "compiled": 8, "verified": 5},
    }
