"""The one number parser of the readers (gate/readers/counts.py): ASCII digits only,
bounded in length before any conversion, within the caller's limit."""

from __future__ import annotations

import pytest

from gate.readers.counts import MAX_DIGITS, NotANumber, plain, whole


def test_blanks_and_a_zero_fraction_around_a_number_are_read() -> None:
    assert whole(" \t7.00 ") == 7


def test_text_of_up_to_the_digit_limit_plus_eight_characters_is_read() -> None:
    # Eight characters of room for a zero fraction and blanks around the digits.
    longest = " " * (MAX_DIGITS + 7) + "7"
    assert whole(longest) == 7
    with pytest.raises(NotANumber, match=r"^is not a whole number \(ASCII digits\)$"):
        whole(" " + longest)


def test_leading_zeros_count_towards_the_digit_limit() -> None:
    assert whole("0" * (MAX_DIGITS - 1) + "7") == 7
    with pytest.raises(NotANumber, match="not a whole number"):
        whole("0" * MAX_DIGITS + "7")


@pytest.mark.parametrize("raw", ["1_0", "\u0663", "+1", "0x1", "1e3", "1.5", ""])
def test_what_int_would_take_is_not_a_report_number(raw: str) -> None:
    with pytest.raises(NotANumber, match="not a whole number"):
        whole(raw)


def test_a_missing_number_is_missing_and_never_the_fast_case() -> None:
    with pytest.raises(NotANumber, match=r"^is missing$"):
        whole(None)
    assert plain(None) is False


def test_the_fast_case_is_short_ascii_digits_only() -> None:
    assert plain("123456789") is True
    assert [plain(raw) for raw in ("1234567890", "\u0663", "1.0", " 1", "-1")] == [False] * 5


def test_a_refusal_reads_as_its_reason() -> None:
    exc = NotANumber("is negative")
    assert str(exc) == exc.reason == "is negative"
