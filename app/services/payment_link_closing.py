"""Closing the payment links of cases that can no longer be paid through them.

A link's checkout session stays payable at the gateway for up to SESSION_LIFE. Once its case is
paid at a counter, recovered by a retry, put on a plan, stopped or disputed, a consumer who
still finishes that checkout pays twice. So the session is expired at the gateway and only
then is the link marked "closed" (its page then says nothing more is due through it); a
gateway that does not confirm leaves the link as it is, for the next round.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select, update

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_links import payment_links
from app.services.payment_links import CHANNEL, LINKABLE, SESSION_LIFE

log = logging.getLogger(__name__)
CLOSED = "closed"
# Past its SESSION_LIFE a session has ended at the gateway by itself (plus a margin for clocks).
SESSION_SURELY_ENDED = SESSION_LIFE + timedelta(minutes=10)


class CheckoutStillOpen(Exception):
    """The gateway did not confirm that a checkout session is over (down, or it refused)."""


# The session's id -> its status once no one can pay through it ("expired", or "complete" when
# it was paid first); raises CheckoutStillOpen when it may still be open.
ExpireCheckout = Callable[[str], str]


@dataclass(frozen=True)
class ClosingRound:
    closed: list[str] = field(default_factory=list)  # the links closed (nonces)
    left_open: list[str] = field(default_factory=list)  # sessions maybe still open: next round


def close_unpayable_links(
    engine: Engine, expire: ExpireCheckout, now: datetime, case_id: str | None = None
) -> ClosingRound:
    """Expire the open checkout session of every link whose case is no longer payable through
    links, or owes another amount than the link asks (or of one case's links), and mark those
    links closed. Doing it again changes nothing."""
    done = ClosingRound()
    for link in _open_checkouts(engine, case_id):
        session = str(link["checkout_session"])
        if now - link["checkout_at"] >= SESSION_SURELY_ENDED:
            ended = "expired"  # by itself: asking the gateway would tell us nothing new
        else:
            try:
                ended = expire(session)
            except CheckoutStillOpen as error:
                log.warning("checkout session %s of link %s not expired yet: %s",
                            session, link["nonce"], error)  # fmt: skip
                done.left_open.append(link["nonce"])
                continue
        if _mark_closed(engine, link, ended, now):
            done.closed.append(link["nonce"])
    return done


def _open_checkouts(engine: Engine, case_id: str | None) -> list[dict[str, Any]]:
    query = (
        select(payment_links, recovery_cases.c.status.label("case_status"))
        .join(recovery_cases, recovery_cases.c.id == payment_links.c.case_id)
        .where(
            payment_links.c.status == "checkout",
            payment_links.c.checkout_session.is_not(None),
            payment_links.c.checkout_at.is_not(None),
            or_(
                recovery_cases.c.status.not_in(LINKABLE),
                # Part-paid since (at a counter, by a retry): the page refuses the link, but
                # its session would still take the old amount.
                payment_links.c.amount_minor + payment_links.c.discount_minor
                != recovery_cases.c.amount_minor - recovery_cases.c.recovered_minor,
            ),
        )
        .order_by(payment_links.c.checkout_at)
    )
    if case_id is not None:
        query = query.where(payment_links.c.case_id == case_id)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def _mark_closed(engine: Engine, link: dict[str, Any], ended: str, now: datetime) -> bool:
    """Closed, with a timeline event saying why; False when the link moved on meanwhile (paid
    by its webhook, or a new session started before the case changed: the next round's)."""
    session = link["checkout_session"]
    with engine.begin() as connection:
        changed = connection.execute(
            update(payment_links)
            .where(
                payment_links.c.nonce == link["nonce"],
                payment_links.c.status == "checkout",
                payment_links.c.checkout_session == session,
            )
            .values(status=CLOSED)
        ).rowcount
        if not changed:
            return False
        if link["case_status"] in LINKABLE:
            reason = "what the case owes changed: the link's amount is no longer due"
        else:
            reason = f"the case is {link['case_status']}: nothing more is due through the link"
        if ended == "complete":  # paid before it could be expired: its webhook settles that
            reason += "; its checkout was paid first, recorded when the gateway reports it"
        connection.execute(
            recovery_events.insert().values(
                case_id=link["case_id"], at=now, type="link_closed", channel=CHANNEL,
                amount_minor=0, detail={"link": link["nonce"], "session": session,
                                        "session_status": ended, "reason": reason},
            )
        )  # fmt: skip
    return True
