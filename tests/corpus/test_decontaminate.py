import doctest
import json

import pytest

from parallel_sft.corpus import decontaminate
from parallel_sft.corpus.decontaminate import contaminated, load_statements, ngrams
from parallel_sft.errors import InputFormatError, PsftError
from parallel_sft.records import Problem
from parallel_sft.tables import write_rows

EVAL = (
    "Little Vasya has a garden with n flower beds in a row; every morning he waters the "
    "beds whose index is a perfect square and counts how many flowers bloomed overnight. "
    "Print the total number of flowers after k mornings."
)
# The same problem retold; it keeps one 13-word span of the original, in another case and
# with other punctuation.
PARAPHRASE = (
    "Vasya grows flowers. EVERY MORNING he waters the beds whose index is a perfect square, "
    "and counts how many flowers bloomed -- overnight! Output the flower count after k days."
)
UNRELATED = (
    "Given a weighted directed graph, find the length of the shortest path from vertex 1 "
    "to vertex n, or print -1 if n cannot be reached from 1."
)


def problem(pid: str, statement: str) -> Problem:
    return Problem(pid, "test", statement, [])


def test_doctests():
    assert doctest.testmod(decontaminate).failed == 0


def test_ngrams_are_lowercased_and_ignore_punctuation():
    assert ngrams("A+B, then print!", n=2) == {("a", "b"), ("b", "then"), ("then", "print")}
    assert ngrams("a + b then PRINT", n=2) == ngrams("A+B, then print!", n=2)
    assert len(ngrams(EVAL)) == len(EVAL.split()) - 12
    assert all(len(g) == 13 for g in ngrams(EVAL))


def test_short_texts_are_one_gram_and_empty_texts_none():
    assert ngrams("Sum two numbers.") == {("sum", "two", "numbers")}
    assert ngrams("  ... ") == set()
    with pytest.raises(ValueError, match="at least 1"):
        ngrams("x", n=0)


def test_an_exact_copy_is_flagged_with_its_first_gram():
    found = contaminated([problem("copy", EVAL)], [UNRELATED, EVAL])
    assert found == {"copy": " ".join(EVAL.lower().replace(";", "").split()[:13])}


def test_a_paraphrase_sharing_a_13_word_span_is_flagged():
    found = contaminated([problem("retold", PARAPHRASE)], [EVAL])
    assert found == {
        "retold": "every morning he waters the beds whose index is a perfect square and"
    }
    # One word changed inside the span: the longest shared run is now 12 words.
    broken = PARAPHRASE.replace("perfect square", "perfect cube")
    assert contaminated([problem("retold", broken)], [EVAL]) == {}
    assert contaminated([problem("retold", broken)], [EVAL], n=8) != {}


def test_unrelated_problems_are_kept_and_order_follows_the_problems():
    problems = [problem("b", PARAPHRASE), problem("x", UNRELATED), problem("a", EVAL)]
    found = contaminated(problems, [EVAL])
    assert list(found) == ["b", "a"]
    assert contaminated([problem("x", UNRELATED)], [EVAL, "Print hello."]) == {}
    assert contaminated([problem("x", UNRELATED)], []) == {}


def test_short_statements():
    short = "Print the sum of a and b."  # 7 words: one gram
    assert contaminated([problem("same", "PRINT the sum of A and B")], [short]) == {
        "same": "print the sum of a and b"
    }
    # A short evaluation statement quoted inside a longer training statement.
    longer = "Read two integers. " + short + " They fit in 64 bits, and so does the sum."
    assert contaminated([problem("quotes", longer)], [short]) == {
        "quotes": "print the sum of a and b"
    }
    # A short training statement found inside a longer evaluation statement.
    assert contaminated([problem("inside", short)], [longer]) == {
        "inside": "print the sum of a and b"
    }
    assert contaminated([problem("other", "Print the product of a and b.")], [short]) == {}
    assert contaminated([problem("empty", "")], [short, ""]) == {}


def test_the_bundled_sample_flags_every_one_of_its_problems(samples):
    problems = list(samples.values())
    found = contaminated(problems, load_statements("sample"))
    assert set(found) == set(samples)
    assert found["sample/sum-two"] == (
        "given two integers a and b print their sum input a single line"
    )


def test_shared_input_boilerplate_matches_at_13_words(samples):
    """The limit the module docstring documents: two unrelated problems in one house style."""
    found = contaminated(
        [samples["sample/triangle-area"]], [samples["sample/day-of-week"].statement]
    )
    assert found == {
        "sample/triangle-area": "input the first line contains t 1 t 1000 each of the next"
    }
    assert (
        contaminated(
            [samples["sample/triangle-area"]], [samples["sample/day-of-week"].statement], n=20
        )
        == {}
    )


def test_boilerplate_shared_by_many_training_problems_is_ignored(samples):
    """With the whole sample as the training set, the input-format 13-gram that nine
    problems share no longer flags them: only the evaluation problem itself is found."""
    problems = list(samples.values())
    eval_statement = [samples["sample/day-of-week"].statement]
    found = contaminated(problems, eval_statement)
    assert list(found) == ["sample/day-of-week"]
    everything = contaminated(problems, eval_statement, common=0)
    assert "sample/triangle-area" in everything and len(everything) >= 5


def test_load_statements_from_the_sample(samples):
    statements = load_statements("sample")
    assert statements == [p.statement for p in samples.values()]


@pytest.mark.parametrize(
    "name, column",
    [
        ("eval.jsonl", "statement"),
        ("eval.parquet", "prompt"),
        ("eval_dataset", "question"),  # a directory: a saved HF dataset
        ("eval.json", "description"),
    ],
)
def test_load_statements_from_files(tmp_path, name, column):
    rows = [{"task_id": "1", column: EVAL}, {"task_id": "2", column: UNRELATED}]
    path = write_rows(tmp_path / name, rows)
    assert load_statements(str(path)) == [EVAL, UNRELATED]


def test_the_first_known_column_wins_and_empty_values_are_skipped(tmp_path):
    rows = [
        {"prompt": "p1", "statement": EVAL, "question": "q1"},
        {"prompt": "p2", "statement": "", "question": "q2"},
        {"prompt": "p3", "statement": UNRELATED, "question": "q3"},
    ]
    path = write_rows(tmp_path / "eval.jsonl", rows)
    assert load_statements(str(path)) == [EVAL, UNRELATED]


def one_line_error(path) -> str:
    with pytest.raises(PsftError) as caught:
        load_statements(str(path))
    assert isinstance(caught.value, InputFormatError)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def test_load_statements_errors(tmp_path):
    assert "no such file or directory" in one_line_error(tmp_path / "missing.jsonl")
    assert "'sample'" in one_line_error(tmp_path / "missing.jsonl")

    wrong = write_rows(tmp_path / "wrong.jsonl", [{"title": "A", "body": "B"}])
    message = one_line_error(wrong)
    assert "statement, prompt, question, description" in message and "body, title" in message

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert "empty" in one_line_error(empty)

    blank = tmp_path / "blank.jsonl"
    blank.write_text(json.dumps({"statement": ""}) + "\n")
    assert "'statement' is empty" in one_line_error(blank)
