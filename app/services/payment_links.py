"""Payment links for recovery cases: issue, open, hand over to the gateway, settle exactly once.

A link names one case and one amount. It is refused when its signature or expiry is wrong,
when it was already paid, or when the case no longer owes that amount. The gateway's webhook
settles it: one 'paid' recovery event and the case recovered, in one transaction, once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from app.db.recovery_tables import recovery_cases, recovery_consumers, recovery_events
from app.db.recovery_tables_links import payment_links
from app.domain.errors import UserFacingError
from app.recovery.experiments.discounts import DiscountOffer
from app.recovery.links import (
    LinkClaims,
    LinkPage,
    LinkPolicy,
    LinkRefused,
    alternatives,
    consumer_locale,
    new_nonce,
    read_link,
    sign_link,
    verify_link,
)
from app.recovery.segment_rules import link_policy
from app.services.experiment_arms import arms_of
from app.services.payment_link_checkout import CheckoutPaid, CheckoutRequest, CreateCheckout
from app.services.recovery_discounts import discount_offer
from app.services.segment_rules_lookup import SegmentLookup

LINKABLE = ("open", "paused")  # a paused case may still be paid by the consumer
# Stripe Checkout sessions live 30 minutes to 24 hours. Ours end after SESSION_LIFE and are
# shown again until then, so two sessions of one link are never payable at the same time.
SESSION_LIFE = timedelta(hours=23)
SESSION_MIN = timedelta(minutes=31)
CHANNEL = "link"
CLOSED_MESSAGE = (
    "This payment link is closed: nothing more is due through it. "
    "Ask us if you think you still owe something."
)


@dataclass(frozen=True)
class IssuedLink:
    token: str
    nonce: str
    case_id: str
    amount_minor: int
    currency: str
    expires_at: datetime

    def url(self, public_url: str) -> str:
        """The address a reminder carries: the server's public URL plus the signed token."""
        return f"{public_url.rstrip('/')}/pay/{self.token}"


@dataclass(frozen=True)
class Settlement:
    case_id: str
    settled: bool  # False: this payment was settled before (a repeated webhook)
    case_status: str


@dataclass(frozen=True)
class OpenLink:
    nonce: str  # the link's id
    case_id: str
    owed_minor: int  # what the case owes now, before the link's discount


SecretSource = Callable[[], bytes]


class PaymentLinks:
    """The payment link use cases over one recovery database."""

    def __init__(
        self,
        engine: Engine,
        secret: SecretSource,
        clock: Callable[[], datetime],
        policy: LinkPolicy | None = None,
    ) -> None:
        self.engine = engine
        self.secret = secret
        self.clock = clock
        self.policy = policy or LinkPolicy()
        self.segments = SegmentLookup(engine)

    def issue(self, case_id: str) -> IssuedLink:
        """A new link for what the case owes now; refused for a case that owes nothing."""
        now = self.clock()
        offer = self._discount(case_id, now)  # read first: SQLite's write lock blocks reads
        with self.engine.begin() as connection:
            case = _case(connection, case_id)
            if case is None:
                raise UserFacingError(f"There is no recovery case {case_id}.")
            discount = _discount_now(offer, case)
            owed = _owed(case) - discount
            if case["status"] not in LINKABLE:
                raise UserFacingError(
                    f"Case {case_id} is {case['status']}: no payment link is sent."
                )
            if owed <= 0:
                raise UserFacingError(f"Case {case_id} owes nothing: no payment link is sent.")
            claims = LinkClaims(case_id, owed, case["currency"], now + self.policy.ttl, new_nonce())
            token = sign_link(claims, self.secret())  # before the row: no row without a link
            connection.execute(
                payment_links.insert().values(
                    nonce=claims.nonce, case_id=case_id, amount_minor=owed,
                    discount_minor=discount, currency=claims.currency, status="issued",
                    created_at=now, expires_at=claims.expires_at,
                )
            )  # fmt: skip
        return IssuedLink(token, claims.nonce, case_id, owed, claims.currency, claims.expires_at)

    def page(self, token: str) -> LinkPage:
        """What the consumer sees on opening the link; the first opening is a 'clicked' event."""
        now = self.clock()
        policy = self._offers(token, now)
        with self.engine.begin() as connection:
            link, case = self._usable(connection, token, now)
            if link["opened_at"] is None:
                connection.execute(_link(link).values(opened_at=now))
                _event(connection, case["id"], now, "clicked", 0, {"link": link["nonce"]})
            return self._page(connection, link, case, policy)

    def open_link(self, token: str) -> OpenLink:
        """A link that can still be used, refused (LinkRefused) as its page would be."""
        with self.engine.connect() as connection:
            link, case = self._usable(connection, token, self.clock())
        return OpenLink(link["nonce"], case["id"], _owed(case))

    def start_checkout(
        self, token: str, create: CreateCheckout, success_url: str, cancel_url: str
    ) -> str:
        """The gateway's hosted page for this link (the same session when asked again)."""
        now = self.clock()
        with self.engine.connect() as connection:
            link, case = self._usable(connection, token, now)
            email = _consumer(connection, case["consumer_id"]).get("email", "")
        fresh = link["checkout_at"] is not None and now - link["checkout_at"] < SESSION_LIFE
        if link["checkout_url"] and fresh:
            return link["checkout_url"]
        key = f"tilldesk-link-{link['nonce']}"  # two clicks at once get the same session
        if link["checkout_at"] is not None:
            key += f"-{int(now.timestamp())}"
        session = create(
            CheckoutRequest(
                case_id=case["id"], nonce=link["nonce"], amount_minor=link["amount_minor"],
                currency=link["currency"], description=f"{case['product']} {case['id']}",
                email=email, success_url=success_url, cancel_url=cancel_url,
                expires_at=max(min(link["expires_at"], now + SESSION_LIFE), now + SESSION_MIN),
                idempotency_key=key,
            )
        )  # fmt: skip
        with self.engine.begin() as connection:
            connection.execute(
                _link(link)
                .where(payment_links.c.status != "paid")
                .values(
                    status="checkout", checkout_at=now,
                    checkout_session=session.session_id, checkout_url=session.url,
                )
            )  # fmt: skip
        return session.url

    def request_plan(self, token: str) -> LinkPage:
        """The consumer asks for a payment plan: an event the recovery executive acts on."""
        now = self.clock()
        policy = self._offers(token, now)
        with self.engine.begin() as connection:
            link, case = self._usable(connection, token, now)
            if "plan" not in self._page(connection, link, case, policy).alternatives:
                raise LinkRefused("settled", "A payment plan is not offered for this bill.")
            if link["plan_requested_at"] is None:
                connection.execute(_link(link).values(plan_requested_at=now))
                _event(
                    connection, case["id"], now, "plan_requested", link["amount_minor"],
                    {"link": link["nonce"], "reason": "the consumer asked for a payment plan"},
                )  # fmt: skip
                link = {**link, "plan_requested_at": now}
            return self._page(connection, link, case, policy)

    def receipt(self, token: str) -> LinkPage:
        """The thank-you page: only a genuine link; paid or still being confirmed."""
        claims = verify_link(token, self.secret())
        with self.engine.connect() as connection:
            link = _link_row(connection, claims.nonce)
            case = _case(connection, claims.case_id)
            if link is None or case is None or link["case_id"] != claims.case_id:
                raise LinkRefused("unknown", "This payment link is not valid.")
        policy = link_policy(self.policy, self.segments.rules_for(claims.case_id, self.clock()))
        with self.engine.connect() as connection:
            return self._page(connection, link, case, policy)

    def settle(self, paid: CheckoutPaid) -> Settlement:
        """Record the gateway's payment: a 'paid' event and the case recovered, exactly once."""
        now = self.clock()
        with self.engine.begin() as connection:
            link = _link_row(connection, paid.nonce, lock=True)
            if link is None or link["case_id"] != paid.case_id:
                raise LinkRefused("unknown", f"No payment link {paid.nonce} for {paid.case_id}.")
            case = _case(connection, paid.case_id, lock=True)
            assert case is not None  # the foreign key
            if link["status"] == "paid":
                if paid.payment_reference != link["payment_reference"]:  # not a repeated webhook
                    _event(connection, paid.case_id, now, "paid_again", paid.amount_minor, {
                        "link": paid.nonce, "payment": paid.payment_reference,
                        "reason": "a second payment through a used link: refund it",
                    })  # fmt: skip
                return Settlement(paid.case_id, False, case["status"])
            if (paid.amount_minor, paid.currency.upper()) != (
                link["amount_minor"],
                link["currency"],
            ):
                raise LinkRefused(
                    "mismatch",
                    f"Paid {paid.amount_minor} {paid.currency} on a link for "
                    f"{link['amount_minor']} {link['currency']}: not settled, check it by hand.",
                )
            connection.execute(
                _link(link).values(
                    status="paid", used_at=now, payment_reference=paid.payment_reference,
                    checkout_session=paid.session_id,
                )
            )  # fmt: skip
            status = self._recover(connection, case, paid, now, int(link["discount_minor"]))
        return Settlement(paid.case_id, True, status)

    def _recover(
        self,
        connection: Connection,
        case: dict[str, Any],
        paid: CheckoutPaid,
        now: datetime,
        discount_minor: int = 0,
    ) -> str:
        recovered = case["recovered_minor"] + paid.amount_minor
        detail = {
            "link": paid.nonce,
            "session": paid.session_id,
            "payment": paid.payment_reference,
            "reason": "paid through a payment link",
        }
        values: dict[str, Any] = {"recovered_minor": recovered}
        if case["status"] not in LINKABLE:  # paid twice (a counter, a retry): money to return
            detail["reason"] = f"paid through a payment link while the case was {case['status']}"
        elif recovered >= case["amount_minor"]:
            # Clearing the lease means a worker mid-visit cannot write its stale view back.
            values |= {"status": "paid", "next_at": None, "claimed_by": None,
                       "claimed_until": None, "status_reason": detail["reason"]}  # fmt: skip
        elif recovered + discount_minor >= case["amount_minor"]:
            # The discounted price is paid: the worker's next visit (due now) writes off the
            # rest and closes the case, as it does for a price paid any other way.
            values["next_at"] = now
        connection.execute(
            update(recovery_cases).where(recovery_cases.c.id == case["id"]).values(**values)
        )
        _event(connection, case["id"], now, "paid", paid.amount_minor, detail)
        return values.get("status", case["status"])

    def _usable(
        self, connection: Connection, token: str, now: datetime
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        claims = read_link(token, self.secret(), now)
        link = _link_row(connection, claims.nonce)
        if link is None or link["case_id"] != claims.case_id:
            raise LinkRefused("unknown", "This payment link is not valid. Ask us for a new one.")
        if link["status"] == "paid":
            raise LinkRefused("used", "This link has already been used to pay. Thank you.")
        if link["status"] == "closed":  # its checkout was expired (payment_link_closing)
            raise LinkRefused("settled", CLOSED_MESSAGE)
        case = _case(connection, claims.case_id)
        assert case is not None  # the foreign key
        due = _owed(case) - int(link["discount_minor"])
        if case["status"] not in LINKABLE or due != link["amount_minor"]:
            raise LinkRefused(
                "settled",
                "This bill has been paid or changed since the link was sent: nothing is due "
                "through it. Ask us if you think you still owe something.",
            )
        return link, case

    def _offers(self, token: str, now: datetime) -> LinkPolicy:
        """The case's segment decides whether a plan is offered (read before the transaction:
        SQLite's write lock would block the segment's reads). A bad token gets the default:
        _usable refuses it next."""
        try:
            case_id = verify_link(token, self.secret()).case_id
        except (LinkRefused, ValueError):
            return self.policy
        return link_policy(self.policy, self.segments.rules_for(case_id, now))

    def _page(
        self,
        connection: Connection,
        link: dict[str, Any],
        case: dict[str, Any],
        policy: LinkPolicy | None = None,
    ) -> LinkPage:
        consumer = _consumer(connection, case["consumer_id"])
        country = consumer.get("country", "")
        return LinkPage(
            first_name=(consumer.get("name") or "").split(" ")[0],
            owed_minor=link["amount_minor"],
            currency=link["currency"],
            due_date=date.fromisoformat(case["due_date"]) if case["due_date"] else None,
            locale=consumer_locale(consumer.get("language", ""), country),
            alternatives=alternatives(
                currency=link["currency"],
                country=country,
                category=case["category"],
                policy=policy or self.policy,
            ),
            paid=link["status"] == "paid",
            plan_requested=link["plan_requested_at"] is not None,
            discount_minor=int(link["discount_minor"]),
        )

    def _discount(self, case_id: str, now: datetime) -> DiscountOffer | None:
        """The consumer's discount offer (an A/B arm or the segment's), as the engine sees it:
        a link asks for the same discounted price the engine would charge."""
        with self.engine.connect() as connection:
            case = _case(connection, case_id)
        if case is None or case["status"] not in LINKABLE:
            return None
        consumer_id = case["consumer_id"]
        rules = self.segments.rules_for(case_id, now)
        return discount_offer(
            self.engine, consumer_id, arms_of(self.engine, consumer_id, now), rules, now
        )


def _owed(case: dict[str, Any]) -> int:
    return int(case["amount_minor"]) - int(case["recovered_minor"])


def _discount_now(offer: DiscountOffer | None, case: dict[str, Any]) -> int:
    """What the offer still takes off what the case owes: all it forgives while more than
    that is owed; once only the forgiven part is left the engine writes it off, no link."""
    if offer is None:
        return 0
    return min(offer.forgiven(int(case["amount_minor"])), max(0, _owed(case)))


def _link(link: dict[str, Any]) -> Any:
    return update(payment_links).where(payment_links.c.nonce == link["nonce"])


def _link_row(connection: Connection, nonce: str, lock: bool = False) -> dict[str, Any] | None:
    query = select(payment_links).where(payment_links.c.nonce == nonce)
    row = connection.execute(query.with_for_update() if lock else query).first()
    return dict(row._mapping) if row is not None else None


def _case(connection: Connection, case_id: str, lock: bool = False) -> dict[str, Any] | None:
    query = select(recovery_cases).where(recovery_cases.c.id == case_id)
    row = connection.execute(query.with_for_update() if lock else query).first()
    return dict(row._mapping) if row is not None else None


def _consumer(connection: Connection, consumer_id: str) -> dict[str, Any]:
    query = select(recovery_consumers).where(recovery_consumers.c.id == consumer_id)
    row = connection.execute(query).first()
    return dict(row._mapping) if row is not None else {}


def _event(
    connection: Connection,
    case_id: str,
    at: datetime,
    kind: str,
    amount_minor: int,
    detail: dict[str, Any],
) -> None:
    connection.execute(
        recovery_events.insert().values(
            case_id=case_id, at=at, type=kind, channel=CHANNEL, amount_minor=amount_minor,
            detail=detail,
        )
    )  # fmt: skip
