"""Formats without {TERM} (the spec's R-5001, CN-46129, PAY-2025-004521): they render, they
are refused on a standalone counter, and the server can read back a number's sequence."""

from datetime import date

import pytest

from app.domain.errors import UserFacingError
from app.domain.number_series import in_series, period_and_sequence
from app.domain.numbering import NumberFormat, require_term_when_standalone
from app.domain.settings import Settings
from app.services.settings import settings_problems

SPEC_DAY = date(2025, 4, 20)
SPEC_FORMATS = {"receipt": "R-{SEQ}", "credit_note": "CN-{SEQ}", "payment": "PAY-{YYYY}-{SEQ:6}"}


@pytest.mark.parametrize(
    ("pattern", "sequence", "number"),
    [
        ("R-{SEQ}", 5001, "R-5001"),
        ("CN-{SEQ}", 46129, "CN-46129"),
        ("PAY-{YYYY}-{SEQ:6}", 4521, "PAY-2025-004521"),
    ],
)
def test_the_specs_formats_render(pattern: str, sequence: int, number: str) -> None:
    fmt = NumberFormat(pattern)
    assert fmt.uses_blocks
    assert fmt.render(sequence=sequence, terminal_code="T01", on=SPEC_DAY) == number


def test_a_format_with_the_terminal_does_not_use_blocks() -> None:
    assert not NumberFormat("R-{TERM}-{SEQ:4}").uses_blocks


def test_a_standalone_counter_keeps_the_terminal_in_its_formats() -> None:
    with pytest.raises(UserFacingError) as refused:
        require_term_when_standalone("R-{SEQ}", registered=False)
    assert "needs the {TERM} token" in refused.value.message
    assert "not registered with a central server" in refused.value.message
    require_term_when_standalone("R-{SEQ}", registered=True)
    require_term_when_standalone("R-{TERM}-{SEQ}", registered=False)


def test_settings_problems_refuse_the_format_only_when_standalone() -> None:
    formats = {**Settings().number_formats, **SPEC_FORMATS}
    standalone = settings_problems(Settings(), {"number_formats": formats})
    assert "needs the {TERM} token" in standalone["number_formats"]
    assert settings_problems(Settings(), {"number_formats": formats}, registered=True) == {}


@pytest.mark.parametrize(
    ("number", "pattern", "found"),
    [
        ("R-5001", "R-{SEQ}", ("", 5001)),
        ("CN-46129", "CN-{SEQ:5}", ("", 46129)),
        ("PAY-2025-004521", "PAY-{YYYY}-{SEQ:6}", ("2025", 4521)),
        ("RC-25-0007", "RC-{YY}-{SEQ:4}", ("2025", 7)),
        ("R-50O1", "R-{SEQ}", None),
        ("PAY-2025-4521", "PAY-{YYYY}-{SEQ:6}", None),
    ],
)
def test_the_server_reads_a_numbers_period_and_sequence(number, pattern, found) -> None:
    assert period_and_sequence(number, pattern) == found


def test_a_year_shown_twice_still_matches() -> None:
    assert in_series("2025/25-T01-0001", "{YYYY}/{YY}-{TERM}-{SEQ:4}", "T01")
    assert period_and_sequence("2025/25-0001", "{YYYY}/{YY}-{SEQ:4}") == ("2025", 1)
