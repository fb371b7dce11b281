"""An expired offer as the people who act on it meet it: `tilldesk recovery plan accept|offers`
with the central server's PostgreSQL (--server-db), and a branch counter going through the
real central server. The acceptance is refused saying when the offer lapsed, no PP- plan is
made, and new terms replace the lapsed offer."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.recovery_tables import recovery_events
from app.db.recovery_tables_plan_offers import recovery_plan_offers
from app.domain.errors import UserFacingError
from app.domain.plan_offers import PlanOfferRequest
from app.services.recovery_database import open_recovery_database
from app.services.recovery_feed_case import load_case
from app.services.recovery_plan_offers import OfferRequest, offer_plan
from app.services.runtime import counter_for
from cli.wiring.server_plans import plans_round
from sync.client.plan_offers import send_plan_offer
from sync.server.db import make_engine
from sync.server.tables import payment_plans
from tests.plan_offers.test_offer_cli_pg import cli, ok_json, where  # noqa: F401
from tests.plan_offers.test_offer_roundtrip_pg import offer, publish
from tests.support.recovery_feed import open_case
from tests.sync_client.support import sync

NOW = datetime.now(UTC)
LAPSED = NOW.date() - timedelta(days=4)  # the first due date of the offer not accepted in time


def offered_long_ago(engine, case_id: str) -> None:
    offer_plan(engine, case_id, OfferRequest(3, "Monthly", first_due=LAPSED), user="rpatel",
               now=NOW - timedelta(days=30))  # fmt: skip


def statuses(engine, case_id: str) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(
            select(recovery_plan_offers.c.status)
            .where(recovery_plan_offers.c.case_id == case_id)
            .order_by(recovery_plan_offers.c.offered_at)
        ).scalars())  # fmt: skip


def server_plans(url: str) -> list[str]:
    central = make_engine(url, pool_size=1)
    try:
        with central.connect() as connection:
            return list(connection.execute(select(payment_plans.c.plan_number)).scalars())
    finally:
        central.dispose()


def test_the_cli_refuses_to_accept_a_lapsed_offer_and_lists_it_as_expired(where, capsys):  # noqa: F811
    db, server = where
    engine = open_recovery_database(f"sqlite:///{db}")
    offered_long_ago(engine, "K1")
    plans_before = server_plans(server)

    code, _, err = cli(
        capsys, "recovery", "plan", "accept", "K1", "--accepted-by", "John Doe", "--channel",
        "phone", "--evidence", "yes", "--user", "rpatel", "--server-db", server, "--db", db,
    )  # fmt: skip

    assert code != 0
    assert f"not accepted by {LAPSED.isoformat()}, its first due date" in err
    assert "Offer new terms" in err
    assert statuses(engine, "K1") == ["offered"]  # nothing written; the round closes it
    [listed] = ok_json(capsys, "recovery", "plan", "offers", "K1", "--db", db)
    assert (listed["status"], listed["plan_number"], listed["first_due"]) == (
        "expired", None, LAPSED.isoformat(),
    )  # fmt: skip
    code, out, _ = cli(capsys, "recovery", "plan", "offers", "K1", "--db", db)
    assert code == 0 and "expired" in out and LAPSED.isoformat() in out

    renewed = ok_json(capsys, "recovery", "plan", "offer", "K1", "--installments", "2",
                      "--user", "rpatel", "--db", db)  # fmt: skip

    assert renewed["status"] == "offered" and renewed["installment_count"] == 2
    assert statuses(engine, "K1") == ["expired", "offered"]
    engine.dispose()
    assert server_plans(server) == plans_before  # no PP- plan was made on the server


def test_a_branch_is_told_the_offer_expired_and_its_new_terms_replace_it(
    feed_server, recovery, counter
):
    open_case(recovery, "K-2101", 14_550)
    offered_long_ago(recovery, "K-2101")
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    plans_before = feed_server.query("SELECT plan_number FROM payment_plans")

    with pytest.raises(UserFacingError) as refused:
        send_plan_offer(branch, "K-2101", PlanOfferRequest(
            verb="accept", username="rpatel", accepted_by="John Doe", channel="phone",
            evidence="yes, call ref 7781"))  # fmt: skip

    assert f"not accepted by {LAPSED.isoformat()}" in refused.value.message
    assert feed_server.query("SELECT plan_number FROM payment_plans") == plans_before
    assert statuses(recovery, "K-2101") == ["offered"]

    said = send_plan_offer(branch, "K-2101", offer(installments=2))

    assert "Awaiting the consumer's answer" in said
    assert statuses(recovery, "K-2101") == ["expired", "offered"]
    timeline = [e.text for e in load_case(branch, "K-2101", datetime.now(UTC)).timeline]
    assert timeline[0].startswith("plan_offered 2 monthly installments")
    assert timeline[1].startswith("plan_offer_expired 3 monthly installments")
    assert timeline[1].endswith(f"not accepted by {LAPSED.isoformat()}, its first due date")


def test_the_servers_plan_round_closes_a_lapsed_offer(where):  # noqa: F811
    """A server whose recovery database has no `recovery run` of its own: its plan round
    expires the offer, once."""
    db, server = where
    engine = open_recovery_database(f"sqlite:///{db}")
    offered_long_ago(engine, "K1")
    central = make_engine(server, pool_size=1)
    try:
        plans_round(central, engine, NOW)
        plans_round(central, engine, NOW)
    finally:
        central.dispose()

    assert statuses(engine, "K1") == ["expired"]
    with engine.connect() as connection:
        lines = (
            connection.execute(
                select(recovery_events.c.detail).where(
                    recovery_events.c.case_id == "K1",
                    recovery_events.c.type == "plan_offer_expired",
                )
            )
            .scalars()
            .all()
        )
    assert len(lines) == 1
    assert f"not accepted by {LAPSED.isoformat()}, its first due date" in lines[0]["reason"]
    engine.dispose()
