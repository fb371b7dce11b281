"""The engine's words made readable on the Case screen: decision kinds, decline categories and
timeline event types in plain language, planned times in the branch's zone.

The timeline arrives as text (from the recovery database or the server's published copy), so
the known codes in it are replaced here, in one place, instead of in every screen.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from babel.dates import format_date, format_time
from babel.numbers import list_currencies

from app.domain.money import minor_digits
from app.recovery.codes import Category
from app.recovery.decisions import DecisionKind
from ui.context import ClientContext

CATEGORY_NAMES = {
    Category.INSUFFICIENT_FUNDS: "Insufficient funds",
    Category.DO_NOT_HONOR: "Do not honor",
    Category.EXPIRED_OR_INVALID: "Expired or invalid card details",
    Category.HARD: "Hard decline",
    Category.TECHNICAL: "Technical failure",
    Category.FRAUD: "Suspected fraud",
}
# {when} is the decision's time as the branch reads it.
DECISION_TEXT = {
    DecisionKind.RETRY_NOW: "Retry now",
    DecisionKind.RETRY_AT: "Retry planned for {when}",
    DecisionKind.ASK_NEW_METHOD: "Ask for a new payment method, {when}",
    DecisionKind.REMIND: "Reminder planned for {when}",
    DecisionKind.NOTIFY: "Pre-debit notice planned for {when}",
    DecisionKind.OFFER_PLAN: "Payment plan offer planned for {when}",
    DecisionKind.WAIT: "Waiting until {when}",
    DecisionKind.STOP: "Stop",
}
# The kind alone, where the time is said elsewhere: "Retry planned for {when}" -> "Retry planned".
ACTION_NAMES = {
    str(kind): re.sub(r",? (?:for |until )?\{when\}$", "", text)
    for kind, text in DECISION_TEXT.items()
}
EVENT_NAMES = {
    "counter_payment": "Counter payment:",
    "counter_payment_voided": "Counter payment voided:",
    "paid": "Paid:",
    "paid_again": "Paid again:",
    "clicked": "Payment link opened",
    "open": "Resumed:",
    "paused": "Paused:",
    "stopped": "Stopped:",
    "plan_offer_expired": "Plan offer expired:",
}
CHANNEL_NAMES = {"email": "e-mail", "sms": "SMS", "whatsapp": "WhatsApp"}
TEMPLATE_NAMES = {  # resources/recovery/templates; others read as words
    "reminder": "Reminder",
    "reminder_first_time": "First reminder",
    "reminder_vip": "Reminder (VIP)",
    "reminder_high_value": "Reminder (high value)",
    "payment_failed": "Payment failed notice",
}
PLANNED_DAY = "EEE d MMM"  # Tue 8 Dec, then the time as the branch writes it (10:00 AM)

_DECISION = re.compile(r"^(?P<kind>[a-z_]+) at (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d)Z?(?P<rest>.*)$")
_MESSAGE = re.compile(
    r"^(?P<template>[a-z][a-z0-9_]*) on (?P<channel>[a-z]+)(?P<link> with a payment link)?: "
    r"(?P<outcome>.*)$"
)
_LAST_ACTION = re.compile(r"^(?P<kind>[a-z_]+): ")
_CATEGORY = re.compile(r"\b(" + "|".join(CATEGORY_NAMES) + r")\b")
_CODE_WORD = re.compile(r"^[a-z]+(?:_[a-z]+)+\b")
# The server's copy has the category where the decline code was: "X (X)" says it once.
_SAID_TWICE = re.compile(r"\b(?P<name>[A-Z][A-Za-z ]+) \((?P=name)\)")
_NO_SOURCE = re.compile(r", from -$")
_CURRENCIES = frozenset(list_currencies())
_AMOUNT = re.compile(r"\b(?P<amount>\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})\b")


def words(code: str) -> str:
    """A rule or step code as words: 'vip_second_failure' -> 'Vip second failure'."""
    return code.replace("_", " ").strip().capitalize()


def consumer_label(consumer_id: str, name: str, vip: bool = False) -> str:
    """A consumer as everywhere on the counter, "John Doe (WU-10001)" ("..., VIP"); the id
    alone when no name is known."""
    if name:
        return f"{name} ({consumer_id}{', VIP' if vip else ''})"
    return consumer_id + (" (VIP)" if vip else "")


def category_name(code: str) -> str:
    """'insufficient_funds' -> 'Insufficient funds'; an unknown code loses its underscores."""
    try:
        return CATEGORY_NAMES[Category(code)]
    except ValueError:
        return code.replace("_", " ").capitalize()


def amounts_as_money(text: str, money: Callable[[int, str], str]) -> str:
    """'1300.00 USD failed' -> '$1,300.00 failed': the engine's plain amounts as the branch
    writes money (`money(minor, currency)`)."""

    def spelled(found: re.Match[str]) -> str:
        currency = found["currency"]
        if currency not in _CURRENCIES:  # "2 SMS" and the like: not money
            return found.group(0)
        return money(int(Decimal(found["amount"]) * 10 ** minor_digits(currency)), currency)

    return _AMOUNT.sub(spelled, text)


def planned_moment(context: ClientContext) -> Callable[[datetime], str]:
    """A planned time as a person reads it, in the branch's zone and language."""

    def when(at: datetime) -> str:
        local, locale = at.astimezone(context.settings.zone), context.settings.locale
        day = format_date(local, format=PLANNED_DAY, locale=locale)
        return f"{day} {format_time(local, format='short', locale=locale)}"

    return when


def timeline_text(kind: str, text: str, when: Callable[[datetime], str]) -> str:
    """One timeline line with the engine's codes replaced by words."""
    if kind == "decision":
        text = _decision(text, when)
    elif kind == "event":
        text = _event(text)
    elif kind == "message":
        text = _message(text)
    text = _CATEGORY.sub(_category_words, text)
    return _NO_SOURCE.sub("", _SAID_TWICE.sub(r"\g<name>", text))


def _category_words(found: re.Match[str]) -> str:
    """A category code as its name - unless the text already says the name there: "hard
    decline" stays as it is (it read "Hard decline decline")."""
    name = category_name(found.group(1))
    already = found.string[found.start() : found.start() + len(name)]
    return found.group(0) if already.lower() == name.lower() else name


def _decision(text: str, when: Callable[[datetime], str]) -> str:
    found = _DECISION.match(text)
    if found is not None and found["kind"] in DECISION_TEXT:
        at = datetime.strptime(found["at"], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        template = DECISION_TEXT[DecisionKind(found["kind"])]
        return template.format(when=when(at)) + found["rest"]
    found = _LAST_ACTION.match(text)
    if found is not None and found["kind"] in ACTION_NAMES:
        return f"{ACTION_NAMES[found['kind']]}: {text[found.end() :]}"
    return text


def _message(text: str) -> str:
    """ "payment_failed on whatsapp with a payment link: accepted" -> "Payment failed by
    WhatsApp with a payment link: sent" (accepted: the provider took it to deliver)."""
    found = _MESSAGE.match(text)
    if found is None:
        return text
    outcome = found["outcome"]
    if outcome == "accepted":
        outcome = "sent"
    elif outcome.startswith("refused: "):
        outcome = "not sent: " + outcome.removeprefix("refused: ")
    channel = CHANNEL_NAMES.get(found["channel"], found["channel"])
    template = TEMPLATE_NAMES.get(found["template"]) or words(found["template"])
    return f"{template} by {channel}{found['link'] or ''}: {outcome}"


def _event(text: str) -> str:
    word, _, rest = text.partition(" ")
    if word in EVENT_NAMES:
        return f"{EVENT_NAMES[word]} {rest}".strip()
    if _CODE_WORD.match(word):  # an event type not named above: at least no underscores
        return f"{word.replace('_', ' ').capitalize()} {rest}".strip()
    return text
