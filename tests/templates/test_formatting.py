"""Money and dates in the consumer's locale (language + country), from integer minor units."""

from datetime import UTC, datetime

import pytest

from app.recovery.templates.context import Segment, build_context, locale_for

INDIA, NEW_YORK = "Asia/Kolkata", "America/New_York"
NO_SEGMENT = Segment(first_time=True, vip=False, high_value=False)


def _context(language: str, country: str, currency: str, minor: int, zone: str) -> dict:
    case = {
        "id": "C-1",
        "amount_minor": minor,
        "recovered_minor": 0,
        "currency": currency,
        "category": "insufficient_funds",
        "product": "bill",
        "failed_at": datetime(2025, 4, 18, 20, 0, tzinfo=UTC),
        "due_date": "2025-04-15",
    }
    consumer = {"name": "Asha Rao", "country": country, "timezone": zone, "language": language}
    return build_context(
        case, consumer, language=language, tone="friendly", segment=NO_SEGMENT,
        payment_link_url="https://pay.example.com/l/x", unsubscribe_url="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "country", "currency", "minor", "zone", "amount", "failed_on", "due_date"),
    [
        # 20:00 UTC is already the 19th in India: the consumer's own day is shown.
        ("en", "IN", "INR", 14_500_000, INDIA, "₹1,45,000.00", "19 Apr 2025", "15 Apr 2025"),
        ("hi", "IN", "INR", 14_500_000, INDIA, "₹1,45,000.00", "19 अप्रैल 2025", "15 अप्रैल 2025"),
        ("en", "US", "USD", 145_050, NEW_YORK, "$1,450.50", "Apr 18, 2025", "Apr 15, 2025"),
        ("en", "US", "JPY", 1_450, NEW_YORK, "¥1,450", "Apr 18, 2025", "Apr 15, 2025"),
    ],
)  # fmt: skip
def test_amounts_and_dates_read_as_the_consumer_reads_them(
    language: str, country: str, currency: str, minor: int, zone: str,
    amount: str, failed_on: str, due_date: str,
) -> None:  # fmt: skip
    context = _context(language, country, currency, minor, zone)
    assert (context["amount"], context["failed_on"], context["due_date"]) == (
        amount, failed_on, due_date,
    )  # fmt: skip


def test_what_is_owed_is_the_amount_less_what_was_recovered() -> None:
    context = _context("en", "IN", "INR", 14_500_000, "Asia/Kolkata")
    assert context["amount"] == "₹1,45,000.00"
    case = {
        "id": "C", "amount_minor": 10_000, "recovered_minor": 2_550, "currency": "USD",
        "category": "hard", "product": "bill", "failed_at": datetime(2025, 1, 1, tzinfo=UTC),
    }  # fmt: skip
    partly = build_context(
        case, {"country": "US"}, language="en", tone="urgent", segment=NO_SEGMENT,
        payment_link_url="l", unsubscribe_url="u",
    )  # fmt: skip
    assert partly["amount"] == "$74.50"


@pytest.mark.parametrize(
    ("language", "country", "locale"),
    [("en", "IN", "en_IN"), ("hi", "IN", "hi_IN"), ("en", "US", "en_US"), ("hi", "US", "hi"),
     ("es", "", "es"), ("xx", "US", "en")],
)  # fmt: skip
def test_locale_falls_back_to_the_language_then_english(
    language: str, country: str, locale: str
) -> None:
    assert locale_for(language, country) == locale
