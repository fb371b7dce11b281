"""`recovery import`: bad rows refused with their line (exit 3), the rest kept, repeats no-ops."""

import json

from sqlalchemy import select

from app.db.recovery_tables import recovery_consumers
from app.services.recovery_database import open_recovery_database
from cli.main import main

CONSUMERS = """consumer_id,name,email,phone,country,subdivision,timezone,language,customer_since,vip
C1,Ann,ann@example.com,,US,NY,America/New_York,en,2020-01-01,0
C2,Raj,raj@example.in,+919812345678,IN,MH,,hi,2021-05-01,1
"""
HEADER = (
    "case_id,consumer_id,amount_minor,currency,method,gateway,card_network,card_type,"
    "failed_at,code,merchant_advice_code,product,due_date,instrument\n"
)
GOOD = [
    "K1,C1,5000,USD,card,nmi,visa,debit,2027-01-03T10:00:00Z,202,,bill,2027-01-03,vault-1",
    "K2,C2,129900,INR,enach,razorpay,,,2027-01-03T10:00:00Z,AC04,,installment,,mandate-9",
    "K3,C1,2500,USD,card,stripe,mastercard,credit,2027-01-02T09:00:00Z,do_not_honor,01,service,,",
]
BAD = [
    "K4,C1,-100,USD,card,nmi,visa,debit,2027-01-03T10:00:00Z,202,,bill,,",  # negative amount
    "K5,C9,100,USD,card,nmi,visa,debit,2027-01-03T10:00:00Z,202,,bill,,",  # unknown consumer
]


def write_files(tmp_path):
    consumers = tmp_path / "consumers.csv"
    consumers.write_text(CONSUMERS)
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "\n".join([GOOD[0], BAD[0], GOOD[1], BAD[1], GOOD[2]]) + "\n")
    return cases, consumers


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_bad_rows_are_refused_by_line_and_the_rest_is_kept(tmp_path, capsys) -> None:
    cases, consumers = write_files(tmp_path)
    db = str(tmp_path / "recovery.sqlite")
    code, out, err = cli(
        capsys, "recovery", "import", str(cases), "--consumers", str(consumers), "--db", db,
        "--json",
    )  # fmt: skip
    assert code == 3
    assert "cases.csv:3:" in err and "cases.csv:5:" in err  # the refused rows, by line
    assert "unknown consumer 'C9'" in err
    assert sorted(json.loads(out)["added"]) == ["K1", "K2", "K3"]
    code, out, _ = cli(capsys, "recovery", "cases", "--db", db, "--json")
    listed = json.loads(out)
    assert sorted(c["id"] for c in listed) == ["K1", "K2", "K3"]
    assert {c["status"] for c in listed} == {"open"}


def test_importing_the_same_cases_twice_opens_them_once(tmp_path, capsys) -> None:
    cases, consumers = write_files(tmp_path)
    db = str(tmp_path / "recovery.sqlite")
    argv = ["recovery", "import", str(cases), "--consumers", str(consumers), "--db", db, "--json"]
    cli(capsys, *argv)
    _, out, _ = cli(capsys, *argv)
    report = json.loads(out)
    assert report["added"] == []
    assert sorted(report["already_known"]) == ["K1", "K2", "K3"]
    _, out, _ = cli(capsys, "recovery", "cases", "--db", db, "--json")
    assert len(json.loads(out)) == 3


def test_pause_resume_stop_and_the_timeline(tmp_path, capsys) -> None:
    cases, consumers = write_files(tmp_path)
    db = str(tmp_path / "recovery.sqlite")
    cli(capsys, "recovery", "import", str(cases), "--consumers", str(consumers), "--db", db)
    assert (
        cli(capsys, "recovery", "pause", "K1", "--reason", "paying at the counter", "--db", db)[0]
        == 0
    )
    code, _, err = cli(capsys, "recovery", "pause", "K1", "--reason", "again", "--db", db)
    assert code != 0 and "K1 is paused" in err
    _, out, _ = cli(capsys, "recovery", "cases", "--status", "paused", "--db", db, "--json")
    assert [c["id"] for c in json.loads(out)] == ["K1"]
    assert cli(capsys, "recovery", "resume", "K1", "--reason", "counter closed", "--db", db)[0] == 0
    assert cli(capsys, "recovery", "stop", "K3", "--reason", "written off", "--db", db)[0] == 0
    code, out, _ = cli(capsys, "recovery", "case", "K1", "--db", db)
    assert code == 0
    assert (
        "intake" in out and "paused paying at the counter" in out and "open counter closed" in out
    )
    code, _, err = cli(capsys, "recovery", "case", "NOPE", "--db", db)
    assert code != 0 and "no recovery case NOPE" in err


def test_consumers_whose_phone_or_email_reaches_no_one_are_refused_by_line(tmp_path, capsys):
    consumers = tmp_path / "consumers.csv"
    consumers.write_text(
        CONSUMERS
        + "C3,Bo,bo@example,,US,CA,,en,2022-01-01,0\n"  # no domain: not an address
        + "C4,Li,,+1 555 0100,US,CA,,en,2022-01-01,0\n"  # not a valid US number
        + "C5,Sam,sam@example.org,(415) 555-2671,US,CA,,en,2022-01-01,0\n"  # national: kept
    )
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + GOOD[0] + "\n")
    db = str(tmp_path / "recovery.sqlite")
    code, _, err = cli(
        capsys, "recovery", "import", str(cases), "--consumers", str(consumers), "--db", db
    )
    assert code == 3
    assert "consumers.csv:4: 'bo@example' is not an e-mail address" in err
    assert "consumers.csv:5:" in err and "consumers.csv:6:" not in err
    engine = open_recovery_database(f"sqlite:///{db}")
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_consumers.c.id, recovery_consumers.c.phone))
        kept = {row.id: row.phone for row in rows}
    engine.dispose()
    assert sorted(kept) == ["C1", "C2", "C5"]
    assert kept["C5"] == "+14155552671"  # kept in E.164


def test_imported_consumers_keep_their_names_and_a_later_name_fills_a_missing_one(
    tmp_path, capsys
) -> None:
    """consumers.csv's names were dropped: the queue showed ids only, and a WhatsApp reminder
    (its template needs the first name) was refused for every imported consumer."""
    from app.services.recovery_intake import save_consumers
    from app.services.recovery_portfolio import Consumer

    cases, consumers = write_files(tmp_path)
    db = str(tmp_path / "recovery.sqlite")
    cli(capsys, "recovery", "import", str(cases), "--consumers", str(consumers), "--db", db)
    engine = open_recovery_database(f"sqlite:///{db}")
    try:
        save_consumers(engine, [Consumer("C0", "", "", "US", "", "", "en", False)])  # no name
        save_consumers(engine, [
            Consumer("C0", "", "", "US", "", "", "en", False, "Zoe Park"),
            Consumer("C1", "", "", "US", "", "", "en", False, "Not Ann"),  # first record kept
        ])  # fmt: skip
        with engine.connect() as connection:
            query = select(recovery_consumers.c.id, recovery_consumers.c.name)
            names = {key: name for key, name in connection.execute(query)}
    finally:
        engine.dispose()

    assert names == {"C0": "Zoe Park", "C1": "Ann", "C2": "Raj"}


def test_the_demo_portfolio_is_of_named_people(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    code, _, err = cli(capsys, "recovery", "demo", "--rich", "--db", db)
    assert code == 0, err
    engine = open_recovery_database(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            names = list(connection.execute(select(recovery_consumers.c.name)).scalars())
    finally:
        engine.dispose()

    assert len(names) == 158 and all(" " in name for name in names)  # "First Last"
