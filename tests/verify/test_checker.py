import pytest

from parallel_sft.verify.checker import compare


@pytest.mark.parametrize(
    "expected,actual",
    [
        ("7\n", "7"),
        ("1 2\n3\n", "1   2 3\n\n"),  # token-wise: spacing and line breaks do not matter
        ("3.000000\n", "3.0000005\n"),  # absolute 1e-6
        ("1000000.0\n", "1000000.9\n"),  # relative 1e-6
        ("0.5", "5e-1"),
        ("2.500000", "2.5"),
        ("hello world", "hello\nworld"),
        ("", "\n  \n"),
    ],
)
def test_accepted(expected, actual):
    assert compare(expected, actual) == (True, "")


@pytest.mark.parametrize(
    "expected,actual,reason",
    [
        ("7", "8", "token 1"),
        ("3.000000", "3.00001", "token 1"),
        ("12345678901234567890", "12345678901234567891", "token 1"),  # integers are exact
        ("2", "2.0", "token 1"),
        ("1 2", "1", "fewer tokens"),
        ("1", "1 2", "more tokens"),
        ("Yes", "yes", "token 1"),
        ("nan", "nan0", "token 1"),
    ],
)
def test_rejected(expected, actual, reason):
    ok, why = compare(expected, actual)
    assert not ok and reason in why


def test_exact_mode_ignores_only_trailing_whitespace():
    assert compare("a b\nc\n", "a b  \nc\n\n", exact=True) == (True, "")
    ok, why = compare("a b\n", "a  b\n", exact=True)
    assert not ok and "line 1" in why
    assert not compare("3.000000", "3.0000001", exact=True)[0]
    assert not compare("1\n2", "1\n2\n3", exact=True)[0]
