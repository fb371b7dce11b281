"""What a reminder template sees: the case and consumer as formatted text, in their locale.

Every variable a template may use is built here and nowhere else; the library refuses, at
load, any template whose manifest declares a variable missing from CONTEXT_VARIABLES.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import localedata
from babel.dates import format_date

from app.domain.money import format_money
from app.recovery.codes import Category

TONES = ("friendly", "professional", "urgent")
PRODUCTS = ("bill", "installment", "service")
SEGMENT_TAGS = ("first_time", "repeat", "vip", "high_value", "standard")
FALLBACK_LANGUAGE = "en"
DEFAULT_SENDER = "Tilldesk Utilities"

# What the reminder asks of the consumer, by decline category: templates switch on these.
ASKS = {
    Category.EXPIRED_OR_INVALID: "new_card",
    Category.INSUFFICIENT_FUNDS: "date_or_plan",
    Category.HARD: "new_method",
    Category.FRAUD: "new_method",
    Category.TECHNICAL: "retry",
    Category.DO_NOT_HONOR: "pay_link",
}

CONTEXT_VARIABLES = frozenset(
    {
        "consumer_name",  # full name, "" when unknown
        "first_name",  # "" when unknown: phrases greet without a name
        "amount",  # what is still owed, formatted in the consumer's locale
        "product",  # bill | installment | service
        "category",  # the decline category (app.recovery.codes.Category)
        "ask",  # new_card | date_or_plan | new_method | retry | pay_link
        "card_network",  # "Visa", "Mastercard" or ""
        "failed_on",  # the day the payment failed, formatted
        "due_date",  # the bill's due day, formatted, or ""
        "next_try",  # when we try again (ask == retry), formatted, or ""
        "case_id",
        "payment_link_url",
        "unsubscribe_url",
        "tone",  # friendly | professional | urgent
        "vip",
        "first_time",
        "value_band",  # standard | high
        "sender_name",
        "plan_offered",  # a payment plan may be offered (insufficient funds, installments)
        "offer_percent",  # a retention offer, percent off; 0: none
    }
)


@dataclass(frozen=True)
class Segment:
    """Who the consumer is to us: the templates are chosen by these tags."""

    first_time: bool | None  # None: their history is not known, neither first-time nor repeat
    vip: bool
    high_value: bool

    @property
    def tags(self) -> frozenset[str]:
        tags = {"high_value" if self.high_value else "standard"}
        if self.first_time is not None:
            tags.add("first_time" if self.first_time else "repeat")
        if self.vip:
            tags.add("vip")
        return frozenset(tags)

    @property
    def value_band(self) -> str:
        return "high" if self.high_value else "standard"


def segment_of(
    case: Mapping[str, Any], consumer: Mapping[str, Any], earlier_cases: int | None
) -> Segment:
    """earlier_cases: the consumer's cases that failed before this one (None: not known)."""
    return Segment(
        first_time=None if earlier_cases is None else earlier_cases == 0,
        vip=bool(consumer.get("vip")) or case.get("segment") == "vip",
        high_value=case.get("segment") == "high_value",
    )


def language_of(consumer: Mapping[str, Any]) -> str:
    """The consumer's language as a bare code: 'hi-IN', 'hi_IN' and 'HI' are all 'hi'."""
    raw = str(consumer.get("language") or FALLBACK_LANGUAGE)
    return raw.replace("-", "_").split("_")[0].lower() or FALLBACK_LANGUAGE


def locale_for(language: str, country: str) -> str:
    """Babel's locale for a language spoken in a country, or the language alone when Babel
    has no such pair (Hindi in the US is formatted as plain Hindi)."""
    pair = f"{language}_{(country or '').upper()}"
    if country and localedata.exists(pair):
        return pair
    return language if localedata.exists(language) else FALLBACK_LANGUAGE


def ask_for(category: str) -> str:
    try:
        return ASKS[Category(category)]
    except ValueError:
        return "pay_link"


def build_context(
    case: Mapping[str, Any],
    consumer: Mapping[str, Any],
    *,
    language: str,
    tone: str,
    segment: Segment,
    payment_link_url: str,
    unsubscribe_url: str,
    sender_name: str = DEFAULT_SENDER,
    offer_percent: int = 0,
    plan_offered: bool | None = None,
) -> dict[str, Any]:
    """The template variables of one case, formatted for the consumer's language and country."""
    locale = locale_for(language, str(consumer.get("country") or ""))
    zone = _zone(str(consumer.get("timezone") or ""))
    owed = int(case["amount_minor"]) - int(case.get("recovered_minor") or 0)
    ask = ask_for(str(case["category"]))
    name = " ".join(str(consumer.get("name") or "").split())
    if plan_offered is None:
        plan_offered = ask == "date_or_plan" or case.get("product") == "installment"

    def day(value: date | datetime | str | None) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return format_date(value, format="medium", locale=locale)

    return {
        "consumer_name": name,
        "first_name": name.split(" ")[0] if name else "",
        "amount": format_money(owed, str(case["currency"]), locale),
        "product": case["product"] if case.get("product") in PRODUCTS else "bill",
        "category": str(case["category"]),
        "ask": ask,
        "card_network": _network(str(case.get("card_network") or "")),
        "failed_on": day(case.get("failed_at")),
        "due_date": day(case.get("due_date")),
        "next_try": day(case.get("next_at")) if ask == "retry" else "",
        "case_id": str(case["id"]),
        "payment_link_url": payment_link_url,
        "unsubscribe_url": unsubscribe_url,
        "tone": tone,
        "vip": segment.vip,
        "first_time": bool(segment.first_time),
        "value_band": segment.value_band,
        "sender_name": sender_name,
        "plan_offered": bool(plan_offered),
        "offer_percent": int(offer_percent),
    }


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _network(network: str) -> str:
    known = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express"}
    return known.get(network.lower(), network.title())


# A case and consumer every template must render for (`template check`, the tests).
SAMPLE_CASE: dict[str, Any] = {
    "id": "SAMPLE-001",
    "consumer_id": "SC001",
    "amount_minor": 145_050,
    "recovered_minor": 0,
    "currency": "INR",
    "card_network": "visa",
    "failed_at": datetime(2025, 4, 18, 9, 30, tzinfo=ZoneInfo("UTC")),
    "category": "insufficient_funds",
    "product": "installment",
    "due_date": "2025-04-15",
    "segment": "standard",
    "next_at": datetime(2025, 4, 21, 9, 30, tzinfo=ZoneInfo("UTC")),
}
SAMPLE_CONSUMER: dict[str, Any] = {
    "id": "SC001",
    "name": "Asha Rao",
    "country": "IN",
    "timezone": "Asia/Kolkata",
    "language": "hi",
    "vip": False,
}
SAMPLE_LINK = "https://pay.example.com/pay/Qm9vay1hLXRlc3QtbGluay1mb3ItU0FNUExFLTAwMQ"
SAMPLE_UNSUBSCRIBE = "https://pay.example.com/u/Qm9vay1hLXRlc3QtbGluay1mb3ItU0FNUExFLTAwMQ"
