"""Number formats: the numbers people read, and the messages when a format is not usable."""

from datetime import date

import pytest

from app.domain.errors import UserFacingError
from app.domain.numbering import DEFAULT_FORMATS, SERIES, NumberFormat

SAMPLE_DAY = date(2025, 4, 20)


@pytest.mark.parametrize(
    ("series", "sequence", "number"),
    [
        ("payment", 1, "PAY-2025-T01-000001"),
        ("payment", 4521, "PAY-2025-T01-004521"),
        ("transaction", 8934, "TXN-2025-T01-008934"),
        ("receipt", 1, "R-T01-0001"),
        ("receipt", 5001, "R-T01-5001"),
        ("credit_note", 1, "CN-T01-00001"),
        ("credit_note", 46129, "CN-T01-46129"),
    ],
)
def test_default_formats_render_the_numbers_on_the_receipt(series, sequence, number) -> None:
    fmt = NumberFormat(DEFAULT_FORMATS[series])
    assert fmt.render(sequence=sequence, terminal_code="T01", on=SAMPLE_DAY) == number


def test_every_series_has_a_default_format() -> None:
    assert set(DEFAULT_FORMATS) == set(SERIES)


def test_a_two_digit_year_and_an_unpadded_sequence_render() -> None:
    fmt = NumberFormat("R{YY}/{TERM}/{SEQ}")
    assert fmt.render(sequence=7, terminal_code="T02", on=SAMPLE_DAY) == "R25/T02/7"


def test_a_sequence_longer_than_its_padding_is_never_cut() -> None:
    fmt = NumberFormat("R-{TERM}-{SEQ:4}")
    assert fmt.render(sequence=12345, terminal_code="T01", on=SAMPLE_DAY) == "R-T01-12345"


def test_sequences_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        NumberFormat("R-{TERM}-{SEQ:4}").render(sequence=0, terminal_code="T01", on=SAMPLE_DAY)


def test_a_format_showing_the_year_restarts_its_sequence_every_year() -> None:
    fmt = NumberFormat("PAY-{YYYY}-{TERM}-{SEQ:6}")
    assert fmt.resets_yearly
    assert fmt.period(SAMPLE_DAY) == "2025"
    assert fmt.period(date(2026, 1, 1)) == "2026"
    assert NumberFormat("P{YY}-{TERM}-{SEQ:3}").period(SAMPLE_DAY) == "2025"


def test_a_format_without_the_year_never_restarts() -> None:
    fmt = NumberFormat("R-{TERM}-{SEQ:4}")
    assert not fmt.resets_yearly
    assert fmt.period(SAMPLE_DAY) == ""
    assert fmt.period(date(2026, 1, 1)) == ""


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("R-{TERM}", "Number format 'R-{TERM}' needs exactly one {SEQ:n} token."),
        (
            "R-{TERM}-{SEQ:2}-{SEQ:2}",
            "Number format 'R-{TERM}-{SEQ:2}-{SEQ:2}' needs exactly one {SEQ:n} token.",
        ),
        (
            "R-{TERM}-{MONTH}-{SEQ:4}",
            "Number format 'R-{TERM}-{MONTH}-{SEQ:4}' has unknown token(s): {MONTH}. "
            "Use {YYYY}, {YY}, {TERM} and {SEQ:n}.",
        ),
        (
            "RECEIPT-NUMBER-FOR-COUNTER-{TERM}-{SEQ:4}",
            "A number format can be at most 40 characters long.",
        ),
    ],
)
def test_an_unusable_format_is_refused_with_a_clear_message(pattern, message) -> None:
    with pytest.raises(UserFacingError) as refused:
        NumberFormat(pattern)
    assert refused.value.message == message


def test_tokens_are_upper_case_only() -> None:
    with pytest.raises(UserFacingError, match=r"needs exactly one \{SEQ:n\} token"):
        NumberFormat("R-{TERM}-{seq:4}")
