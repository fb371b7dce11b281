"""A payment plan offered on a recovery case: the terms as typed, checked with the counter's own
plan rules, and the consumer's acceptance (who said yes, how, what they said)."""

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.counter_plans import Frequency, PlanTerms, check_terms
from app.domain.errors import UserFacingError

CHANNELS = ("counter", "phone", "link")  # how the consumer accepted
CHANNEL_TEXT = {"counter": "at the counter", "phone": "by phone", "link": "by the payment link"}
# Who records a yes given on the payment link page: no person does, the consumer answers alone.
LINK_RECORDER = "payment link"
NAME_MAX, EVIDENCE_MAX = 120, 1000
# The recovery plans' old spellings, still typed by habit and scripts.
_FREQUENCY_ALIASES = {"biweekly": Frequency.FORTNIGHTLY, "every two weeks": Frequency.FORTNIGHTLY}


@dataclass(frozen=True)
class AcceptedOffer:
    """An offer the consumer accepted: what the central server needs to make the PP- plan."""

    plan_id: str  # the offer's id, the plan's too: making it twice finds it made
    case_id: str
    account_number: str
    currency: str
    total_minor: int
    down_payment_minor: int
    installment_count: int
    frequency: str  # a Frequency value
    first_due: date
    offered_by: str
    offered_at: datetime
    accepted_by: str
    channel: str
    evidence: str
    recorded_by: str  # the user recording the yes: they make the plan


@dataclass(frozen=True)
class Acceptance:
    accepted_by: str  # the person who said yes
    channel: str  # counter, phone, link
    evidence: str  # what they said or signed


def parse_frequency(text: str) -> Frequency:
    wanted = str(text).strip().casefold()
    for frequency in Frequency:
        if wanted == frequency.value.casefold():
            return frequency
    if wanted in _FREQUENCY_ALIASES:
        return _FREQUENCY_ALIASES[wanted]
    choices = ", ".join(f.value for f in Frequency)
    raise UserFacingError(f"Frequency must be one of {choices}, not '{text}'.")


def parse_count(value: int | str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise UserFacingError(f"Installments must be a whole number, not '{value}'.") from None


def default_first_due(today: date, frequency: Frequency) -> date:
    """One period after today: the consumer's first regular installment."""
    return today + frequency.step(1)


def parse_first_due(value: date | str | None, today: date, frequency: Frequency) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default_first_due(today, frequency)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserFacingError(
            f"The first due date must be a date like 2027-01-31, not '{value}'."
        ) from None


def has_lapsed(first_due: date, today: date) -> bool:
    """An offer not accepted by its first due date has expired: the plan it would make starts
    with an installment already overdue. Its first due date itself is still in time."""
    return first_due < today


def lapse_reason(first_due: date) -> str:
    """Why an expired offer closed, on the offer and on the case's timeline."""
    return f"not accepted by {first_due.isoformat()}, its first due date"


def refuse_lapsed(case_id: str, first_due: date) -> UserFacingError:
    """What a person is told who records a yes to an expired offer."""
    return UserFacingError(
        f"The plan offer on case {case_id} has expired: it was {lapse_reason(first_due)}, so "
        "its first installment would already be overdue. Offer new terms."
    )


def offer_terms(
    total_minor: int,
    down_payment_minor: int,
    installment_count: int,
    frequency: Frequency | str,
    first_due: date,
    today: date,
) -> PlanTerms:
    """The counter's terms for an offer (a down payment falls due the day it is accepted),
    checked with the counter's rules: UserFacingError when a term is refused."""
    terms = PlanTerms(
        total_minor=total_minor,
        down_payment_minor=down_payment_minor,
        installment_count=installment_count,
        frequency=Frequency(frequency) if isinstance(frequency, str) else frequency,
        first_due=first_due,
        start=today,
    )
    check_terms(terms, today)
    return terms


def check_acceptance(acceptance: Acceptance) -> Acceptance:
    """Who said yes, how and what they said, trimmed; UserFacingError when something is missing."""
    name, evidence = acceptance.accepted_by.strip(), acceptance.evidence.strip()
    if acceptance.channel not in CHANNELS:
        raise UserFacingError(
            f"Say how the consumer accepted: one of {', '.join(CHANNELS)}, "
            f"not '{acceptance.channel}'."
        )
    if not name:
        raise UserFacingError("Say who accepted the plan (the consumer's name).")
    if len(name) > NAME_MAX:
        raise UserFacingError(f"The name of who accepted can be at most {NAME_MAX} characters.")
    if not evidence:
        raise UserFacingError("Record what the consumer said or signed when accepting.")
    if len(evidence) > EVIDENCE_MAX:
        raise UserFacingError(f"The acceptance note can be at most {EVIDENCE_MAX} characters.")
    return Acceptance(name, acceptance.channel, evidence)


@dataclass(frozen=True)
class PlanOfferRequest:
    """What a counter sends the server for a case: an offer (with the acceptance when the
    consumer said yes on the spot), the acceptance of the open offer, or its decline."""

    verb: str  # offer, accept, decline
    username: str
    installments: int = 0
    frequency: str = ""
    down_payment: str = ""  # as typed
    first_due: str = ""  # YYYY-MM-DD, or "" for one period on
    accepted_by: str = ""
    channel: str = ""
    evidence: str = ""
    reason: str = ""  # why it was declined
