import pytest

from parallel_sft.records import Candidate, Problem, Status, Verdict, problem_features


def test_problem_round_trip_and_features():
    row = {
        "id": "src/1",
        "statement": "s",
        "tests": [{"input": "1\n", "output": "2\n"}],
        "reference": {"language": "python", "code": "print(2)"},
    }
    p = Problem.from_dict(row)
    assert p.source == "src" and p.tests[0].output == "2\n" and p.time_limit_s == 2.0
    again = Problem.from_dict(p.to_dict())
    assert again == p
    import datasets

    ds = datasets.Dataset.from_list([p.to_dict()], features=problem_features())
    assert Problem.from_dict(ds[0]) == p


def test_problem_missing_fields():
    with pytest.raises(ValueError, match="tests"):
        Problem.from_dict({"id": "x", "statement": "s"})


def test_candidate_keeps_extra_columns_in_its_key():
    c = Candidate.from_dict(
        {"problem_id": "p", "language": "go", "code": "x", "id": 17, "sample": 3}
    )
    assert c.key()["id"] == 17 and c.key()["sample"] == 3 and "code" not in c.key()


def test_verdict_round_trip():
    v = Verdict(Status.WRONG_ANSWER, 2, 5, 1.5, 2.5, 3.0, "test 3: ...")
    assert Verdict.from_dict(v.to_dict()) == v
    assert v.to_dict()["status"] == "WRONG_ANSWER" and not v.ok
