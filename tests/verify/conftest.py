"""Fixtures of the verify tests."""

from __future__ import annotations

import pytest

from parallel_sft.verify.pool import verify_batch


@pytest.fixture(scope="session")
def suite_verdicts(samples):
    """The fixture suite of every PL (test_fixtures.py) judged once by the local pool:
    (PL, fixture name) -> Verdict. The Ray tests compare against the same run."""
    from .test_fixtures import CASES, suite

    return dict(zip(CASES, verify_batch(suite(samples), progress=False), strict=True))
