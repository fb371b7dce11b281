"""An offer not accepted by its first due date expires, on a real SQLite file and on real
PostgreSQL: its acceptance is refused with nothing written, the recovery service's round closes
it (once), and new terms may be offered on the case at once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_offers import recovery_plan_offers
from app.domain.errors import UserFacingError
from app.domain.plan_offers import Acceptance, AcceptedOffer
from app.services.recovery_database import open_recovery_database
from app.services.recovery_plan_offers import (
    OfferRequest,
    accept_offer,
    case_offers,
    expire_lapsed_offers,
    offer_plan,
)
from app.services.recovery_plan_scan import scan_missed_installments
from tests.support.recovery_feed import open_case

NOW = datetime.now(UTC)
TODAY = NOW.date()
YES = Acceptance("John Doe", "phone", "yes, call ref 7781")


@pytest.fixture(params=["sqlite", "postgresql"])
def recovery_db(request, tmp_path) -> Engine:
    """A recovery database with case K1 of WU-10001 owing 145.50."""
    if request.param == "sqlite":
        engine = open_recovery_database(f"sqlite:///{tmp_path / 'recovery.sqlite'}")
    else:
        engine = open_recovery_database(request.getfixturevalue("pg_url"))
    open_case(engine, "K1", 14_550)
    yield engine
    engine.dispose()


class PlanMaker:
    """The central server's side, as the service sees it: the plans it was asked to make."""

    def __init__(self) -> None:
        self.made: list[AcceptedOffer] = []

    def __call__(self, offer: AcceptedOffer, now: datetime) -> str:
        self.made.append(offer)
        return f"PP-{now.year}-{len(self.made):04d}"


def offered(engine: Engine, first_due: date, days_ago: int) -> None:
    """3 monthly installments offered on K1 `days_ago` days ago, first due on `first_due`."""
    then = NOW - timedelta(days=days_ago)
    offer_plan(engine, "K1", OfferRequest(3, "Monthly", first_due=first_due), user="rpatel",
               now=then)  # fmt: skip


def written(engine: Engine) -> tuple:
    """Everything an accept could write: the offers, the case, its timeline."""
    with engine.connect() as connection:
        return (
            connection.execute(select(recovery_plan_offers).order_by("offered_at")).all(),
            connection.execute(select(recovery_cases).where(recovery_cases.c.id == "K1")).one(),
            connection.scalar(select(func.count()).select_from(recovery_events)),
        )


def timeline(engine: Engine, kind: str) -> list[str]:
    with engine.connect() as connection:
        return [
            detail["reason"]
            for detail in connection.execute(
                select(recovery_events.c.detail)
                .where(recovery_events.c.case_id == "K1", recovery_events.c.type == kind)
                .order_by(recovery_events.c.id)
            ).scalars()
        ]


def test_accepting_after_the_first_due_date_is_refused_naming_the_date_and_writes_nothing(
    recovery_db,
):
    yesterday = TODAY - timedelta(days=1)
    offered(recovery_db, yesterday, days_ago=20)
    before, server = written(recovery_db), PlanMaker()

    with pytest.raises(UserFacingError) as refused:
        accept_offer(recovery_db, "K1", YES, user="rpatel", now=NOW, make_plan=server)

    assert f"not accepted by {yesterday.isoformat()}" in refused.value.message
    assert "has expired" in refused.value.message and "Offer new terms" in refused.value.message
    assert server.made == []  # no plan with an installment already overdue
    assert written(recovery_db) == before
    [shown] = case_offers(recovery_db, "K1", TODAY)
    assert shown.status == "expired" and not shown.is_plan


def test_an_offer_whose_first_due_date_is_today_can_still_be_accepted(recovery_db):
    offered(recovery_db, TODAY, days_ago=10)
    scan_missed_installments(recovery_db, NOW)  # the round leaves it open: it is still in time
    server = PlanMaker()

    view = accept_offer(recovery_db, "K1", YES, user="rpatel", now=NOW, make_plan=server)

    assert (view.status, view.plan_number) == ("accepted", f"PP-{NOW.year}-0001")
    assert [made.first_due for made in server.made] == [TODAY]
    assert timeline(recovery_db, "plan_offer_expired") == []


def test_the_round_closes_a_lapsed_offer_as_expired_once(recovery_db):
    first_due = TODAY - timedelta(days=3)
    offered(recovery_db, first_due, days_ago=30)

    scan_missed_installments(recovery_db, NOW)

    [offer] = written(recovery_db)[0]
    assert offer.status == "expired"
    assert offer.closed_reason == f"not accepted by {first_due.isoformat()}, its first due date"
    [line] = timeline(recovery_db, "plan_offer_expired")
    assert f"3 monthly installments of about 48.50 USD from {first_due.isoformat()}" in line
    offered_on = f"{NOW - timedelta(days=30):%Y-%m-%d}"
    assert line.endswith(
        f"offered by rpatel on {offered_on}: not accepted by {first_due.isoformat()}, its first "
        "due date"
    )
    after_first = written(recovery_db)

    scan_missed_installments(recovery_db, NOW + timedelta(hours=1))

    assert written(recovery_db) == after_first  # a second round changes nothing
    assert expire_lapsed_offers(recovery_db, NOW) == []
    with pytest.raises(UserFacingError, match=r"has expired.*Offer new terms"):
        accept_offer(recovery_db, "K1", YES, user="rpatel", now=NOW, make_plan=PlanMaker())


def test_new_terms_on_a_case_whose_open_offer_expired_close_it_and_are_recorded(recovery_db):
    first_due = TODAY - timedelta(days=2)
    offered(recovery_db, first_due, days_ago=25)

    view = offer_plan(recovery_db, "K1", OfferRequest(4, "Fortnightly"), user="rpatel", now=NOW)

    assert (view.status, view.installment_count) == ("offered", 4)
    old, new = case_offers(recovery_db, "K1", TODAY)
    assert (old.status, new.status, new.offer_id) == ("expired", "offered", view.offer_id)
    assert old.closed_reason == f"not accepted by {first_due.isoformat()}, its first due date"
    assert len(timeline(recovery_db, "plan_offer_expired")) == 1
    assert len(timeline(recovery_db, "plan_offered")) == 2
    made = accept_offer(recovery_db, "K1", YES, user="rpatel", now=NOW, make_plan=PlanMaker())
    assert made.offer_id == view.offer_id and made.status == "accepted"


def test_an_offer_still_in_time_still_blocks_new_terms(recovery_db):
    offered(recovery_db, TODAY + timedelta(days=5), days_ago=1)
    with pytest.raises(UserFacingError, match="already has a plan offer awaiting"):
        offer_plan(recovery_db, "K1", OfferRequest(2, "Monthly"), user="rpatel", now=NOW)
    assert [o.status for o in case_offers(recovery_db, "K1", TODAY)] == ["offered"]
