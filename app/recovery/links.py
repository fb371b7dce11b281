"""Payment link tokens: signed, expiring, single-case, and what a link's page may offer.

A token is `base64url(payload).base64url(HMAC-SHA256(secret, payload))`. The payload names the
case, the amount, the currency, the expiry and a random nonce (the link's id in the database),
so nothing in a link can be guessed or changed without the server's secret. Pure: no database.
"""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.domain.counter_plans import ScheduledInstallment

MAX_TOKEN_CHARS = 512  # longer than any link we issue; refuse bigger ones before any work
MIN_SECRET_BYTES = 32
DEFAULT_TTL = timedelta(days=7)


class LinkRefused(Exception):
    """A link that cannot be used; `reason` is one of REFUSALS and the message is for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.args[0])


# reason -> (HTTP status, page title). Tampered links say nothing about why beyond "not valid".
REFUSALS = {
    "tampered": (403, "This link is not valid"),
    "unknown": (404, "This link is not valid"),
    "expired": (410, "This link has expired"),
    "used": (410, "This link has already been used"),
    "settled": (410, "Nothing is owed on this link"),
    "mismatch": (400, "The payment does not match this link"),
}


@dataclass(frozen=True)
class LinkClaims:
    case_id: str
    amount_minor: int
    currency: str
    expires_at: datetime
    nonce: str


@dataclass(frozen=True)
class LinkPolicy:
    """How long links live and which decline categories may be offered a payment plan."""

    ttl: timedelta = DEFAULT_TTL
    plan_categories: frozenset[str] = field(
        default_factory=lambda: frozenset({"insufficient_funds"})
    )


@dataclass(frozen=True)
class LinkPage:
    """What the consumer's page shows: no more about the case than they need to pay it."""

    first_name: str
    owed_minor: int
    currency: str
    due_date: date | None
    locale: str  # Babel locale for money and dates, e.g. en_IN
    alternatives: tuple[str, ...]  # upi, new_card, plan
    paid: bool = False
    plan_requested: bool = False
    discount_minor: int = 0  # already taken off owed_minor by the consumer's discount offer


@dataclass(frozen=True)
class LinkPlanOffer:
    """The payment plan a recovery executive offered on the link's case, as its page shows it:
    open (awaiting the consumer's yes) or, once accepted, with the plan's number."""

    offer_id: str  # the form names it: a yes given to these terms accepts no other
    total_minor: int
    currency: str
    down_payment_minor: int  # due the day the plan is accepted
    installment_count: int
    frequency: str  # Weekly, Fortnightly, Monthly
    first_due: date  # the offer expires after it
    schedule: tuple[ScheduledInstallment, ...]
    plan_number: str | None = None  # the PP- plan, once accepted
    accepted_by: str | None = None


def new_nonce() -> str:
    """128 random bits: the link's id, unguessable and never reused."""
    return secrets.token_urlsafe(16)


def sign_link(claims: LinkClaims, secret: bytes) -> str:
    _check_secret(secret)
    payload = {
        "c": claims.case_id,
        "a": claims.amount_minor,
        "u": claims.currency,
        "e": int(claims.expires_at.timestamp()),
        "n": claims.nonce,
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(_mac(secret, body))}"


def read_link(token: str, secret: bytes, now: datetime) -> LinkClaims:
    """The claims of a token we signed and that has not expired; LinkRefused otherwise."""
    claims = verify_link(token, secret)
    if now >= claims.expires_at:
        raise LinkRefused(
            "expired", "This payment link has expired. Ask us for a new one, or pay at a counter."
        )
    return claims


def verify_link(token: str, secret: bytes) -> LinkClaims:
    """The claims of a token we signed, expired or not (the thank-you page after paying).

    The signature is checked (in constant time) before the payload is even parsed, so a forged
    token cannot probe the parser."""
    _check_secret(secret)
    body, signature = _split(token)
    # Compared as text, not decoded bytes: base64 has spare bits, and a changed character that
    # decodes to the same bytes must still be refused.
    if not hmac.compare_digest(_b64(_mac(secret, body)), signature):
        raise LinkRefused("tampered", "This payment link is not valid. Ask us for a new one.")
    try:
        data = json.loads(_unb64(body))
        claims = LinkClaims(
            case_id=str(data["c"]),
            amount_minor=int(data["a"]),
            currency=str(data["u"]),
            expires_at=datetime.fromtimestamp(int(data["e"]), UTC),
            nonce=str(data["n"]),
        )
    except (
        ValueError,
        KeyError,
        TypeError,
        binascii.Error,
    ):  # signed by us yet unreadable: treat as forged
        raise LinkRefused("tampered", "This payment link is not valid.") from None
    return claims


def alternatives(
    *, currency: str, country: str, category: str, policy: LinkPolicy
) -> tuple[str, ...]:
    """The ways to pay this page offers besides the gateway's card page, by decline reason."""
    offered: list[str] = []
    if currency.upper() == "INR" or country.upper() == "IN":
        offered.append("upi")
    if category == "expired_or_invalid":
        offered.append("new_card")
    if category in policy.plan_categories:
        offered.append("plan")
    return tuple(offered)


def consumer_locale(language: str, country: str) -> str:
    """A Babel locale name from what we store about a consumer ('hi' + 'IN' -> 'hi_IN')."""
    language = (language or "en").replace("-", "_").split("_")[0].lower() or "en"
    return f"{language}_{country.upper()}" if len(country or "") == 2 else language


def _mac(secret: bytes, body: str) -> bytes:
    return hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()


def _split(token: str) -> tuple[str, str]:
    if (
        not token
        or len(token) > MAX_TOKEN_CHARS
        or token.count(".") != 1
        or set(token) - _ALPHABET - {"."}
    ):
        raise LinkRefused("tampered", "This payment link is not valid. Ask us for a new one.")
    body, signature = token.split(".")
    return body, signature


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"A payment link secret needs at least {MIN_SECRET_BYTES} bytes.")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or set(text) - _ALPHABET:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
