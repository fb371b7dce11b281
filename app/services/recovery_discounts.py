"""Discount offers on recovery cases, and the write-off once the consumer has paid the price.

Where an offer comes from: the consumer's arm of a running retention-offers A/B test (the arm
decides: `no_offer` means none, whatever the segment offers), else their case's segment
configuration when it offers a discount. The write-off is recorded in the same transaction
that closes the case: a `recovery_write_offs` row (who, which offer, how much, why), the case's
`written_off_minor` and reason, and a `discount_written_off` event on its timeline - the
timeline is the case's audit trail, and it reaches the counters with the case (change feed).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_discounts import recovery_write_offs
from app.domain.money import decimal_text
from app.recovery.experiments.arms import knobs_of
from app.recovery.experiments.discounts import EXPERIMENT, SEGMENT, DiscountOffer
from app.recovery.segment_rules import SegmentRules
from app.services.experiment_arms import arm_for

STRATEGY = "retention_offers"
SEGMENT_OFFER = "discount"
# A segment configuration offers "a discount" without a size: it is the guide's small discount.
SEGMENT_DISCOUNT_PERCENT = 10
EVENT = "discount_written_off"


def discount_offer(
    bind: Engine | Connection,
    consumer_id: str,
    arms: dict[str, str],
    rules: SegmentRules | None,
    now: datetime,
) -> DiscountOffer | None:
    """The offer the consumer's case is under, or None."""
    if STRATEGY in arms:
        percent = knobs_of(STRATEGY, arms[STRATEGY]).offer_percent
        arm = arm_for(bind, consumer_id, STRATEGY, now) if percent else None
        if arm is None:
            return None
        return DiscountOffer(percent, EXPERIMENT, experiment_id=arm[0], variant=arm[1])
    if rules is not None and SEGMENT_OFFER in rules.offers:
        return DiscountOffer(SEGMENT_DISCOUNT_PERCENT, SEGMENT, segment=rules.segment)
    return None


def record_write_offs(
    connection: Connection, write_offs: list[dict[str, Any]], written_by: str
) -> int:
    """The engine's pending write-offs, saved with the case's closing; returns how many."""
    saved = 0
    for pending in write_offs:
        saved += record_write_off(
            connection,
            pending["case_id"],
            pending["offer"],
            int(pending["amount_minor"]),
            pending["at"],
            written_by,
        )
    return saved


def record_write_off(
    connection: Connection,
    case_id: str,
    offer: DiscountOffer,
    amount_minor: int,
    at: datetime,
    written_by: str,
) -> int:
    """One case's write-off; nothing when the case already has one (a visit replayed)."""
    case = (
        connection.execute(select(recovery_cases).where(recovery_cases.c.id == case_id))
        .one()
        ._mapping
    )
    done = connection.execute(
        select(func.count()).where(recovery_write_offs.c.case_id == case_id)
    ).scalar_one()
    if done or amount_minor <= 0:
        return 0
    currency = case["currency"]

    def money(minor: int) -> str:
        return f"{decimal_text(minor, currency)} {currency}"

    paid = int(case["amount_minor"]) - amount_minor
    reason = (
        f"paid {money(paid)} of {money(case['amount_minor'])} under {offer.label}: "
        f"{money(amount_minor)} written off by {written_by}"
    )
    connection.execute(
        recovery_write_offs.insert().values(
            case_id=case_id,
            consumer_id=case["consumer_id"],
            amount_minor=amount_minor,
            owed_minor=case["amount_minor"],
            paid_minor=paid,
            currency=currency,
            percent=offer.percent,
            source=offer.source,
            experiment_id=offer.experiment_id,
            variant=offer.variant,
            segment=offer.segment,
            reason=reason,
            written_by=written_by,
            written_at=at,
        )
    )
    connection.execute(
        update(recovery_cases)
        .where(recovery_cases.c.id == case_id)
        .values(written_off_minor=amount_minor, status_reason=reason)
    )
    connection.execute(
        recovery_events.insert().values(
            case_id=case_id,
            at=at,
            type=EVENT,
            amount_minor=amount_minor,
            detail={
                "reason": reason,
                "percent": offer.percent,
                "source": offer.source,
                "experiment_id": offer.experiment_id,
                "variant": offer.variant,
                "segment": offer.segment,
                "written_by": written_by,
            },
        )
    )
    return 1


def write_offs_of(bind: Engine | Connection, case_id: str) -> list[dict[str, Any]]:
    query = select(recovery_write_offs).where(recovery_write_offs.c.case_id == case_id)
    if isinstance(bind, Connection):
        return [dict(r._mapping) for r in bind.execute(query)]
    with bind.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]
