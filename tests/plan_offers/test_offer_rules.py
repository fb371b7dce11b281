"""The offer's terms and the consumer's answer, checked before anything is written (pure)."""

from datetime import date

import pytest

from app.domain.counter_plans import Frequency
from app.domain.errors import UserFacingError
from app.domain.plan_offers import (
    Acceptance,
    check_acceptance,
    offer_terms,
    parse_first_due,
    parse_frequency,
)

TODAY = date(2027, 1, 31)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Monthly", Frequency.MONTHLY), ("weekly", Frequency.WEEKLY),
     ("biweekly", Frequency.FORTNIGHTLY), (" Fortnightly ", Frequency.FORTNIGHTLY)],
)  # fmt: skip
def test_frequencies_are_the_counters_and_the_old_recovery_spelling_still_works(typed, meant):
    assert parse_frequency(typed) is meant


def test_the_first_due_date_defaults_to_one_period_on_and_keeps_month_ends():
    assert parse_first_due(None, TODAY, Frequency.MONTHLY) == date(2027, 2, 28)
    assert parse_first_due("", TODAY, Frequency.WEEKLY) == date(2027, 2, 7)
    with pytest.raises(UserFacingError, match="a date like 2027-01-31, not '31/01'"):
        parse_first_due("31/01", TODAY, Frequency.WEEKLY)


def test_terms_are_checked_with_the_counters_plan_rules():
    assert offer_terms(14_550, 0, 3, "Monthly", date(2027, 2, 1), TODAY).total_minor == 14_550
    with pytest.raises(UserFacingError, match="within 90 days"):
        offer_terms(14_550, 0, 3, "Monthly", date(2027, 6, 1), TODAY)
    with pytest.raises(UserFacingError, match="Nothing is left to spread"):
        offer_terms(14_550, 14_550, 3, "Monthly", date(2027, 2, 1), TODAY)


@pytest.mark.parametrize(
    ("answer", "message"),
    [(Acceptance("Jo", "email", "yes"), "Say how the consumer accepted"),
     (Acceptance("  ", "phone", "yes"), "Say who accepted the plan"),
     (Acceptance("Jo", "phone", " "), "Record what the consumer said")],
)  # fmt: skip
def test_an_acceptance_says_who_how_and_what(answer, message):
    with pytest.raises(UserFacingError, match=message):
        check_acceptance(answer)


def test_an_acceptance_is_kept_trimmed():
    assert check_acceptance(Acceptance(" Jo ", "link", " pressed Accept ")) == Acceptance(
        "Jo", "link", "pressed Accept"
    )
