"""`tilldesk recovery plan offer|accept|decline|offers` where the recovery service reaches the
central server's PostgreSQL (--server-db): a recovery database on a real SQLite file, the
server's database seeded with the spec's sample (John Doe WU-10001, the staff)."""

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.database import open_database
from app.db.recovery_tables import recovery_cases
from app.services.recovery_database import open_recovery_database
from cli.main import main
from tests.support.recovery_feed import open_case
from tests.sync_client.support import seed_server_from


@pytest.fixture
def where(tmp_path, server_db_url, sample_counter, monkeypatch) -> tuple[str, str]:
    """(the recovery database's path, the server's URL); case K1 of WU-10001 owes 145.50."""
    monkeypatch.delenv("TILLDESK_SERVER_DB", raising=False)
    seed = open_database(shutil.copyfile(sample_counter, tmp_path / "seed.sqlite"))
    seed_server_from(seed, server_db_url)
    seed.close()
    db = str(tmp_path / "recovery.sqlite")
    engine = open_recovery_database(f"sqlite:///{db}")
    open_case(engine, "K1", 14_550)
    engine.dispose()
    return db, server_db_url


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ok_json(capsys, *argv: str):
    code, out, err = cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def status_of(db: str, case_id: str) -> str:
    engine = open_recovery_database(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(recovery_cases.c.status).where(recovery_cases.c.id == case_id)
            )
    finally:
        engine.dispose()


def test_an_offer_then_the_consumers_yes_by_link_makes_a_pp_plan_on_the_server(
    where, capsys
) -> None:
    db, server = where
    first_due = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    offered = ok_json(
        capsys, "recovery", "plan", "offer", "K1", "--installments", "3", "--frequency",
        "biweekly", "--first-due", first_due, "--user", "rpatel", "--db", db,
    )  # fmt: skip
    assert (offered["status"], offered["is_plan"], offered["plan_number"]) == (
        "offered", False, None,
    )  # fmt: skip
    assert offered["frequency"] == "Fortnightly"  # the old spelling still understood
    assert [i["amount"] for i in offered["installments"]] == ["48.50", "48.50", "48.50"]
    code, _, err = cli(capsys, "recovery", "plan", "offer", "K1", "--installments", "2",
                       "--user", "rpatel", "--db", db)  # fmt: skip
    assert code != 0 and "already has a plan offer awaiting the consumer's answer" in err

    accepted = ok_json(
        capsys, "recovery", "plan", "accept", "K1", "--accepted-by", "John Doe", "--channel",
        "link", "--evidence", "pressed Accept on the payment page", "--user", "rpatel",
        "--server-db", server, "--db", db,
    )  # fmt: skip

    number = accepted["plan_number"]
    assert number == f"PP-{datetime.now(UTC).year}-0001" and accepted["is_plan"]
    assert accepted["acceptance"]["accepted_by"] == "John Doe"
    assert accepted["acceptance"]["channel"] == "link"
    assert accepted["acceptance"]["recorded_by"] == "rpatel"
    assert status_of(db, "K1") == "plan"
    [listed] = ok_json(capsys, "recovery", "plan", "offers", "K1", "--db", db)
    assert listed["plan_number"] == number and listed["status"] == "accepted"


def test_a_user_the_server_does_not_allow_makes_no_plan_and_the_offer_stays_open(
    where, capsys
) -> None:
    db, server = where
    cli(capsys, "recovery", "plan", "offer", "K1", "--installments", "3", "--user", "jsmith",
        "--db", db)  # fmt: skip
    code, _, err = cli(
        capsys, "recovery", "plan", "accept", "K1", "--accepted-by", "John Doe", "--channel",
        "phone", "--evidence", "yes", "--user", "jsmith", "--server-db", server, "--db", db,
    )  # fmt: skip
    assert code != 0 and "'jsmith' may not make payment plans" in err
    [offer] = ok_json(capsys, "recovery", "plan", "offers", "K1", "--db", db)
    assert (offer["status"], offer["plan_number"]) == ("offered", None)
    assert status_of(db, "K1") == "open"
    declined = ok_json(capsys, "recovery", "plan", "decline", "K1", "--reason",
                       "cannot afford it now", "--user", "rpatel", "--db", db)  # fmt: skip
    assert declined["status"] == "declined" and status_of(db, "K1") == "open"


def test_making_the_plan_again_after_a_failed_recovery_write_finds_it_made(where) -> None:
    """The server commits first: if the recovery database then fails, accepting again must
    not make a second plan (the offer's id is the plan's)."""
    from app.domain.ids import new_id
    from app.domain.plan_offers import AcceptedOffer
    from sync.server.db import make_engine
    from sync.server.plan_offers import make_accepted_plan

    _, server = where
    now = datetime.now(UTC)
    offer = AcceptedOffer(
        plan_id=str(new_id()), case_id="K1", account_number="WU-10001", currency="USD",
        total_minor=14_550, down_payment_minor=0, installment_count=3, frequency="Monthly",
        first_due=now.date() + timedelta(days=5), offered_by="rpatel", offered_at=now,
        accepted_by="John Doe", channel="counter", evidence="signed", recorded_by="rpatel",
    )  # fmt: skip
    engine = make_engine(server, pool_size=1)
    try:
        first = make_accepted_plan(engine, offer, now)
        again = make_accepted_plan(engine, offer, now + timedelta(minutes=1))
        with engine.connect() as connection:
            plans = connection.exec_driver_sql(
                "SELECT count(*) FROM payment_plans WHERE id = %s", (offer.plan_id,)
            ).scalar()
    finally:
        engine.dispose()
    assert again.plan_number == first.plan_number and plans == 1
