"""The gateways' own answer codes, as the simulated world sends them, and the stop codes.

Sources (vendors' published tables): NMI Direct Post `response_code`; Stripe `decline_code`;
ISO 8583 issuer codes as Razorpay passes them on card declines, with Visa's decline
categories (category 1: 04, 07, 12, 15, 41, 43, 46, 57, R0, R1, R3); Mastercard merchant
advice codes (01 new account information, 02 try later, 03 do not try again, 21 stop
recurring, 24-30 retry after 1 h / 24 h / 2 / 4 / 6 / 8 / 10 days); NPCI NACH return
reasons (04 balance insufficient, 01 account closed, 21 invalid UMRN / inactive mandate...);
NPCI UPI codes (Z9 insufficient funds, Z7 frequency limit, XH no such account...).

The hidden model decides WHY an attempt fails (a reason below); this module turns the
reason into what the gateway would have said.
"""

from __future__ import annotations

import random
from datetime import timedelta

REASONS = (
    "approved",
    "insufficient",
    "do_not_honor",
    "expired",
    "invalid",
    "hard",
    "velocity",
    "technical",
)

APPROVAL_CODES = {"nmi": "100", "stripe": "", "razorpay": "00"}

_NMI = {
    "insufficient": ("202",),
    "over_limit": ("203",),
    "do_not_honor": ("201", "201", "200", "240", "260"),
    "expired": ("223", "263"),
    "invalid": ("220", "221", "222", "224", "225", "461"),
    "hard": ("250", "251", "252", "253", "261", "262"),
    "velocity": ("264",),
    "technical": ("300", "400", "420", "421", "430", "440", "441", "460"),
}
_STRIPE = {
    "insufficient": ("insufficient_funds",),
    "do_not_honor": ("do_not_honor", "generic_decline", "generic_decline"),
    "expired": ("expired_card",),
    "invalid": ("incorrect_cvc", "card_not_supported"),
    "hard": ("lost_card", "stolen_card", "pickup_card", "previously_declined_do_not_retry"),
    "velocity": ("card_velocity_exceeded", "withdrawal_count_limit_exceeded"),
    "technical": ("processing_error", "try_again_later"),
}
_RAZORPAY_CARD = {
    "insufficient": ("51",),
    "over_limit": ("61",),
    "do_not_honor": ("05",),
    "expired": ("54",),
    "invalid": ("54",),
    "hard": ("41", "43", "46", "57", "R0", "R1", "R3"),
    "velocity": ("65",),
    "technical": ("91", "96"),
}
_NACH = {
    "insufficient": ("04",),
    "do_not_honor": ("09", "05"),
    "expired": ("21",),
    "invalid": ("26",),
    "hard": ("01", "02", "06", "61", "68"),
    "velocity": ("09",),
    "technical": ("59",),
}
_UPI = {
    "insufficient": ("Z9",),
    "do_not_honor": ("U30",),
    "expired": ("B1",),
    "invalid": ("Z8",),
    "hard": ("XH", "YE"),
    "velocity": ("Z7",),
    "technical": ("UP", "96"),
}

# Codes after which no card may be charged again until a new payment method is on file:
# Visa category 1 and its NMI / Stripe equivalents (lost, stolen, pick-up, stop recurring).
STOP_CODES = {
    "nmi": frozenset({"250", "251", "252", "253", "261", "262"}),
    "stripe": frozenset(
        {
            "lost_card",
            "stolen_card",
            "pickup_card",
            "restricted_card",
            "previously_declined_do_not_retry",
            "do_not_try_again",
            "stop_payment_order",
            "revocation_of_authorization",
            "revocation_of_all_authorizations",
        }
    ),
    "razorpay": frozenset({"04", "07", "12", "15", "41", "43", "46", "57", "R0", "R1", "R3"}),
}
STOP_ADVICE_CODES = frozenset({"03", "21"})
RETRY_AFTER_ADVICE = {
    "24": timedelta(hours=1),
    "25": timedelta(hours=24),
    "26": timedelta(days=2),
    "27": timedelta(days=4),
    "28": timedelta(days=6),
    "29": timedelta(days=8),
    "30": timedelta(days=10),
}
# Stop-recurring codes carry MAC 21 on Mastercard; the other hard ones MAC 03.
_STOP_RECURRING = frozenset({"261", "262", "R0", "R1", "R3", "previously_declined_do_not_retry"})


def approval_code(gateway: str) -> str:
    return APPROVAL_CODES[gateway]


def is_stop_code(gateway: str, method: str, code: str, advice: str | None) -> bool:
    """True when a card decline forbids any retry until the payment method is updated."""
    if method != "card":
        return False
    return code in STOP_CODES.get(gateway, frozenset()) or (advice or "") in STOP_ADVICE_CODES


def decline_code(reason: str, gateway: str, method: str, card_type: str, rng: random.Random) -> str:
    """The gateway's code for a decline of this reason on this instrument."""
    table = _table(gateway, method)
    key = reason
    if reason == "insufficient" and card_type == "credit" and "over_limit" in table:
        key = "over_limit"
    return rng.choice(table[key])


def advice_code(reason: str, code: str, network: str, rng: random.Random) -> str | None:
    """The Mastercard merchant advice code that comes with a decline, if any."""
    if network != "mastercard":
        return None
    roll = rng.random()
    if reason == "hard":
        return "21" if code in _STOP_RECURRING else "03"
    if reason in ("expired", "invalid"):
        return "01" if roll < 0.7 else None
    if reason == "insufficient":
        if roll < 0.4:
            return "02"
        return rng.choice(("25", "26", "27")) if roll < 0.65 else None
    if reason == "velocity":
        return "24" if roll < 0.5 else "25"
    if reason == "do_not_honor":
        return "02" if roll < 0.25 else None
    return None


def _table(gateway: str, method: str) -> dict[str, tuple[str, ...]]:
    if method == "enach":
        return _NACH
    if method == "upi_autopay":
        return _UPI
    return {"nmi": _NMI, "stripe": _STRIPE, "razorpay": _RAZORPAY_CARD}[gateway]
