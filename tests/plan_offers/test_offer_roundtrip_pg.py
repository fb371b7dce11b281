"""A plan offered on a recovery case from a branch counter, end to end on real PostgreSQL, a
real server and real counter files: the offer is not a plan until the consumer's yes is
recorded; then the server makes a PP- plan that reaches another counter and is paid there; a
missed installment comes back as a case linked to the original one."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_offers import recovery_plan_case_links, recovery_plan_offers
from app.domain.errors import UserFacingError
from app.domain.plan_offers import PlanOfferRequest
from app.services.counter_plans_views import plan_detail
from app.services.recovery_feed_case import load_case
from app.services.runtime import counter_for
from cli.wiring.server_plans import plans_round
from cli.wiring.server_recovery_feed import feed_round
from sync.client.plan_offers import send_plan_offer
from sync.server.db import make_engine
from tests.support.recovery_feed import open_case
from tests.sync_client.support import new_counter, pay, sync

TODAY = datetime.now(UTC).date()


def publish(feed_server, recovery) -> None:
    engine = make_engine(feed_server.db_url, pool_size=1)
    try:
        feed_round(engine, recovery, datetime.now(UTC))
    finally:
        engine.dispose()


def offer(**terms) -> PlanOfferRequest:
    fields = {
        "verb": "offer",
        "username": "rpatel",
        "installments": 3,
        "frequency": "Monthly",
        "first_due": (TODAY + timedelta(days=1)).isoformat(),
    }
    return PlanOfferRequest(**{**fields, **terms})  # fmt: skip


def case_status(recovery, case_id: str) -> str:
    with recovery.connect() as connection:
        return connection.scalar(
            select(recovery_cases.c.status).where(recovery_cases.c.id == case_id)
        )


def offers_written(recovery) -> int:
    with recovery.connect() as connection:
        return connection.scalar(select(func.count()).select_from(recovery_plan_offers))


def test_an_offer_accepted_by_phone_becomes_a_pp_plan_paid_at_another_counter_and_its_missed_installment_a_linked_case(  # noqa: E501
    feed_server, recovery, counter, tmp_path
):
    open_case(recovery, "K-2001", 14_550)
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    plans_before = feed_server.query("SELECT plan_number FROM payment_plans")

    said = send_plan_offer(branch, "K-2001", offer())

    # An offer is not a plan: no PP- plan on the server, the case goes on as before, and the
    # timeline at the branch says it awaits the consumer's answer.
    assert "Awaiting the consumer's answer" in said
    assert feed_server.query("SELECT plan_number FROM payment_plans") == plans_before
    assert case_status(recovery, "K-2001") == "open"
    page = load_case(branch, "K-2001", datetime.now(UTC))
    assert "plan_offered 3 monthly installments of about 48.50 USD" in page.timeline[0].text
    assert "awaiting the consumer's acceptance" in page.timeline[0].text

    said = send_plan_offer(branch, "K-2001", PlanOfferRequest(
        verb="accept", username="rpatel", accepted_by="John Doe", channel="phone",
        evidence="yes, call ref 7781"))  # fmt: skip

    [plan] = feed_server.query(
        "SELECT p.plan_number, p.data, a.accepted_by, a.channel, a.evidence, a.recorded_by, "
        "a.case_id FROM payment_plans p JOIN plan_acceptances a ON a.plan_id = p.id"
    )
    number = plan.plan_number
    assert number == f"PP-{TODAY.year}-0001" and f"Plan {number} made" in said
    assert (plan.accepted_by, plan.channel, plan.evidence, plan.recorded_by, plan.case_id) == (
        "John Doe", "phone", "yes, call ref 7781", "rpatel", "K-2001",
    )  # fmt: skip
    assert (plan.data["total_minor"], plan.data["installment_count"]) == (14_550, 3)
    assert case_status(recovery, "K-2001") == "plan"  # the engine no longer chases it
    assert "John Doe by phone" in load_case(branch, "K-2001", datetime.now(UTC)).timeline[0].text
    mine = plan_detail(counter.unit_of_work(), number)  # pulled at once at the branch
    assert [i.amount_minor for i in mine.summary.compliance.installments] == [4850, 4850, 4850]

    (tmp_path / "other").mkdir()
    other = new_counter(tmp_path / "other" / "counter.sqlite", "T02", feed_server)
    try:
        seen = plan_detail(other.unit_of_work(), number).summary
        assert (seen.account_number, seen.frequency) == ("WU-10001", "Monthly")
        pay(other, f"{number}/1", "48.50", kind="Installment")
        sync(other)
    finally:
        other.close()

    # Forty days on, installment 2 is missed: the plan round opens its case, linked to K-2001.
    central = make_engine(feed_server.db_url, pool_size=1)
    try:
        later = datetime.now(UTC) + timedelta(days=40)
        opened = plans_round(central, recovery, later).cases_opened
    finally:
        central.dispose()
    assert f"{number}/2" in opened and f"{number}/1" not in opened  # paid at T02
    with recovery.connect() as connection:
        links = connection.execute(select(recovery_plan_case_links)).all()
        events = connection.execute(
            select(recovery_events.c.type, recovery_events.c.detail)
            .where(recovery_events.c.case_id == "K-2001")
        ).all()  # fmt: skip
    assert [(link.case_id, link.origin_case_id) for link in links] == [(f"{number}/2", "K-2001")]
    [missed] = [e.detail["reason"] for e in events if e.type == "plan_installment_missed"]
    assert missed == f"installment 2 of {number} missed: case {number}/2 chases it"


def test_bad_terms_and_a_cashier_are_refused_with_a_message_and_nothing_written(
    feed_server, recovery, counter
):
    open_case(recovery, "K-2002", 9_900)
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    plans_before = feed_server.query("SELECT plan_number FROM payment_plans")

    refusals = {
        "Installments must be between 1 and 60": offer(installments=0),
        "Frequency must be one of Weekly, Fortnightly, Monthly": offer(frequency="Yearly"),
        "at most 2 decimal places": offer(down_payment="12.345"),
        "Nothing is left to spread over installments": offer(down_payment="99.00"),
        "cannot fall due in the past": offer(first_due=(TODAY - timedelta(days=2)).isoformat()),
        "Say who accepted the plan": offer(channel="counter", evidence="signed"),
        "may not work recovery cases": offer(username="jsmith"),
    }
    for message, request in refusals.items():
        with pytest.raises(UserFacingError, match=message):
            send_plan_offer(branch, "K-2002", request)

    assert offers_written(recovery) == 0
    assert feed_server.query("SELECT plan_number FROM payment_plans") == plans_before
    assert case_status(recovery, "K-2002") == "open"


def test_offline_the_branch_is_told_and_nothing_is_written(feed_server, recovery, counter):
    open_case(recovery, "K-2003", 5_000)
    publish(feed_server, recovery)
    sync(counter)
    feed_server.stop()
    try:
        with pytest.raises(UserFacingError, match=r"out of reach.*Try again when the counter is"):
            send_plan_offer(counter_for(counter), "K-2003", offer())
    finally:
        feed_server.start()
    assert offers_written(recovery) == 0


def test_a_plan_paid_off_at_a_counter_settles_the_case_it_was_offered_on(
    feed_server, recovery, counter
):
    open_case(recovery, "K-2004", 9_900)
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    send_plan_offer(branch, "K-2004", offer(installments=2, accepted_by="John Doe",
                                            channel="counter", evidence="signed"))  # fmt: skip
    [plan] = feed_server.query("SELECT plan_number FROM plan_acceptances a JOIN payment_plans p "
                               "ON p.id = a.plan_id WHERE a.case_id = 'K-2004'")  # fmt: skip
    pay(counter, f"{plan.plan_number}/1", "49.50", kind="Installment")
    pay(counter, f"{plan.plan_number}/2", "49.50", kind="Installment")
    sync(counter)

    central = make_engine(feed_server.db_url, pool_size=1)
    try:
        plans_round(central, recovery, datetime.now(UTC))
        plans_round(central, recovery, datetime.now(UTC))  # again: nothing twice
    finally:
        central.dispose()
    assert case_status(recovery, "K-2004") == "paid"
    with recovery.connect() as connection:
        done = connection.execute(
            select(recovery_events.c.detail).where(
                recovery_events.c.case_id == "K-2004", recovery_events.c.type == "plan_completed"
            )
        ).all()
    assert [d.detail["reason"] for d in done] == [
        f"{plan.plan_number} paid in full at the counters"
    ]


def test_a_cancelled_plan_gives_its_case_back_to_the_engine_for_what_was_not_paid(
    feed_server, recovery, counter
):
    from app.services.counter_plans_cancel import cancel_plan

    open_case(recovery, "K-2005", 9_900)
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    send_plan_offer(branch, "K-2005", offer(installments=2, accepted_by="John Doe",
                                            channel="counter", evidence="signed"))  # fmt: skip
    [plan] = feed_server.query("SELECT plan_number FROM plan_acceptances a JOIN payment_plans p "
                               "ON p.id = a.plan_id WHERE a.case_id = 'K-2005'")  # fmt: skip
    pay(counter, f"{plan.plan_number}/1", "49.50", kind="Installment")
    sync(counter)
    cancel_plan(counter.unit_of_work(), plan.plan_number, "Moved away", username="mbrown")
    sync(counter)

    central = make_engine(feed_server.db_url, pool_size=1)
    try:
        plans_round(central, recovery, datetime.now(UTC))
        plans_round(central, recovery, datetime.now(UTC))  # again: nothing twice
    finally:
        central.dispose()
    with recovery.connect() as connection:
        case = connection.execute(
            select(recovery_cases).where(recovery_cases.c.id == "K-2005")
        ).one()  # fmt: skip
        events = connection.execute(
            select(recovery_events.c.type, recovery_events.c.amount_minor).where(
                recovery_events.c.case_id == "K-2005",
                recovery_events.c.type.in_(["plan_cancelled", "plan_paid"]),
            )
        ).all()
    # The engine chases the 49.50 the plan did not pay, at once.
    assert (case.status, case.recovered_minor, case.next_at is not None) == ("open", 4_950, True)
    assert sorted(events) == [("plan_cancelled", 0), ("plan_paid", 4_950)]
