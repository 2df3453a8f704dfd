"""The pool starts the costliest candidates first (verify/pool.py: longest_first)."""

from __future__ import annotations

from dataclasses import replace

from parallel_sft.languages import LANGUAGES
from parallel_sft.records import Candidate
from parallel_sft.verify.pool import estimated_cost, longest_first

from ..conftest import make_problem

STDIO = make_problem(*[(f"{i} 1\n", f"{i + 1}\n") for i in range(10)])


def test_every_language_states_what_a_short_program_costs():
    for lang in LANGUAGES.values():
        assert lang.start_s > 0, lang.name
        assert (lang.compile_s > 0) == (lang.compile is not None), lang.name


def test_compiles_and_many_process_starts_go_first_and_ties_keep_their_order():
    work = [(i, Candidate(STDIO.id, lang, "code"), STDIO)
            for i, lang in enumerate(("python", "kotlin", "c", "python", "scala"))]  # fmt: skip
    order = [cand.language for _, cand, _ in longest_first(work)]
    slow = sorted(("kotlin", "scala"), key=lambda n: -LANGUAGES[n].compile_s)
    assert order[:2] == slow
    assert order[2:] == sorted(order[2:], key=lambda n: -estimated_cost(
        Candidate(STDIO.id, n, ""), STDIO))  # fmt: skip
    pythons = [i for i, cand, _ in longest_first(work) if cand.language == "python"]
    assert pythons == [0, 3], "equal costs keep the input order"


def test_a_function_problem_costs_one_start_however_many_tests():
    function = replace(STDIO, kind="function")
    cand = Candidate(STDIO.id, "python", "code")
    py = LANGUAGES["python"]
    assert estimated_cost(cand, STDIO) == py.compile_s + 10 * py.start_s
    assert estimated_cost(cand, function) == py.compile_s + py.start_s
