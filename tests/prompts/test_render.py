import pytest

from parallel_sft.languages import LANGUAGES
from parallel_sft.prompts import render_repair, render_solve, render_translate
from parallel_sft.prompts.templates import REPAIR_VERSION, SOLVE_VERSION, TRANSLATE_VERSION


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_translate_prompt_carries_the_registry_conventions(samples, name):
    lang = LANGUAGES[name]
    problem = samples["sample/average"]
    prompt = render_translate(problem, lang)
    user = prompt.chat[-1]["content"]
    assert prompt.version == TRANSLATE_VERSION
    assert [m["role"] for m in prompt.chat] == ["system", "user"]
    assert lang.conventions in user and problem.reference.code.strip() in user
    assert f"```{lang.name} code block" in user
    assert problem.statement.strip() in user


def test_hash_is_stable_and_tells_prompts_apart(samples):
    problem = samples["sample/average"]
    a, b = render_translate(problem, "go"), render_translate(problem, "golang")
    assert a.hash == b.hash and len(a.hash) == 16
    assert render_translate(problem, "rust").hash != a.hash


def test_few_shot_turns_come_first(samples):
    shot = (samples["sample/sum-two"], LANGUAGES["kotlin"].example)
    prompt = render_translate(samples["sample/average"], "kt", examples=[shot])
    roles = [m["role"] for m in prompt.chat]
    assert roles == ["system", "user", "assistant", "user"]
    assert prompt.chat[2]["content"].startswith("```kotlin\n")
    assert LANGUAGES["kotlin"].example.strip() in prompt.chat[2]["content"]
    assert samples["sample/average"].statement.strip() in prompt.chat[3]["content"]


def test_solve_prompt_has_no_reference(samples):
    problem = samples["sample/average"]
    prompt = render_solve(problem, "ruby")
    assert prompt.version == SOLVE_VERSION
    assert problem.reference.code.strip() not in prompt.chat[-1]["content"]
    assert LANGUAGES["ruby"].conventions in prompt.chat[-1]["content"]


def test_repair_prompts_show_what_failed(samples):
    first = render_translate(samples["sample/sum-two"], "java")
    compile_fix = render_repair(
        first, "```java\nbad\n```", "java", compile_error="Main.java:3: error: ';' expected"
    )
    assert compile_fix.version == REPAIR_VERSION
    assert compile_fix.chat[:-2] == first.chat
    assert compile_fix.chat[-2] == {"role": "assistant", "content": "```java\nbad\n```"}
    assert "';' expected" in compile_fix.chat[-1]["content"]
    test_fix = render_repair(
        first,
        "x",
        "java",
        status="WRONG_ANSWER",
        test_input="3 4\n",
        expected="7\n",
        got="8\n" + "9" * 5000,
    )
    turn = test_fix.chat[-1]["content"]
    assert "WRONG_ANSWER" in turn and "3 4" in turn and "7" in turn and "(truncated)" in turn


def test_problem_without_reference_cannot_be_translated(samples):
    from dataclasses import replace

    with pytest.raises(ValueError, match="no reference"):
        render_translate(replace(samples["sample/average"], reference=None), "go")
