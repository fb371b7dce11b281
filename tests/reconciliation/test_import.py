"""Importing bank statements: three formats, each line once, refusals that write nothing."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.database import Database
from app.db.tables import AuditEvent, BankStatementLine
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.bank_formats import parse_statement
from app.services.reconciliation import run_reconciliation
from app.services.reconciliation_views import reconciliation_view
from app.services.statement_import import import_statement
from tests.reconciliation.counter import MANAGER, pay

SAMPLES = Path(__file__).parent / "samples"
CAMT = (SAMPLES / "statement.camt053.xml").read_bytes()
MT940 = (SAMPLES / "statement.mt940.sta").read_bytes()
CSV = b"Date,Amount,Reference,Description\n2025-04-21,145.50,,WATER BILL WU-10001\n"


def stored_lines(db: Database) -> int:
    with db.read() as uow:
        return uow.session.scalar(select(func.count()).select_from(BankStatementLine)) or 0


@pytest.mark.parametrize(
    ("content", "fmt", "reference"),
    [(CAMT, "camt053", "E2E-WU-10001"), (MT940, "mt940", "BANKREF-0001"), (CSV, "csv", "")],
)
def test_each_format_reads_the_same_deposit(content: bytes, fmt: str, reference: str) -> None:
    statement = parse_statement(content, fmt)

    first = statement.lines[0]
    assert (str(first.booked_on), str(first.amount), first.reference) == (
        "2025-04-21",
        "145.50",
        reference,
    )
    assert "WU-10001" in first.description


def test_a_camt_transfer_naming_the_account_matches_exactly(db: Database) -> None:
    receipt = pay(db, "INV-2025-001234", "Bill", "Bank Transfer", "145.50")

    added = import_statement(db.unit_of_work(), CAMT, fmt="camt053", username=MANAGER)
    run_reconciliation(db.unit_of_work(), username=MANAGER)

    assert (added.lines_added, added.statement_ref) == (2, "STMT-20250422")
    (found,) = reconciliation_view(db.read(), username=MANAGER).matches
    assert (found.match_pass, found.bank_amount_minor) == ("exact", 14550)
    assert receipt in found.item_label


def test_importing_the_same_statement_twice_stores_each_line_once(db: Database) -> None:
    first = import_statement(db.unit_of_work(), MT940, fmt="mt940", username=MANAGER)
    again = import_statement(db.unit_of_work(), MT940, fmt="mt940", username=MANAGER)

    assert (first.lines_added, first.lines_known) == (2, 0)
    assert (again.lines_added, again.lines_known) == (0, 2)
    assert stored_lines(db) == 2


def test_an_overlapping_csv_export_adds_only_its_new_rows(db: Database) -> None:
    import_statement(db.unit_of_work(), CSV, fmt="csv", username=MANAGER)
    longer = CSV + b"2025-04-22,100.00,,CARD SETTLEMENT\n"

    result = import_statement(db.unit_of_work(), longer, fmt="csv", username=MANAGER)

    assert (result.lines_added, result.lines_known) == (1, 1)
    assert stored_lines(db) == 2


def test_a_statement_in_another_currency_is_refused(db: Database) -> None:
    euros = CAMT.replace(b'Ccy="USD"', b'Ccy="EUR"').replace(b"<Ccy>USD</Ccy>", b"<Ccy>EUR</Ccy>")

    with pytest.raises(UserFacingError, match="in EUR but this counter works in USD"):
        import_statement(db.unit_of_work(), euros, fmt="camt053", username=MANAGER)
    assert stored_lines(db) == 0


def test_bad_rows_are_named_by_line_and_nothing_is_written(db: Database) -> None:
    bad = CSV + b"2025-13-40,10.00,,X\n2025-04-22,ten,,Y\n2025-04-23,5.00,,fine\n"

    with pytest.raises(UserFacingError) as refused:
        import_statement(db.unit_of_work(), bad, fmt="csv", username=MANAGER)

    assert "line 3: date '2025-13-40'" in refused.value.message
    assert "line 4: amount 'ten' is not a number" in refused.value.message
    assert stored_lines(db) == 0


def test_csv_columns_can_be_named_for_the_bank(db: Database) -> None:
    export = b"Booking Date,Credit,Memo\n21/04/2025,145.50,WU-10001 transfer\n"

    result = import_statement(
        db.unit_of_work(),
        export,
        fmt="csv",
        username=MANAGER,
        columns={"date": "Booking Date", "amount": "Credit", "description": "Memo"},
    )

    assert result.lines_added == 1
    (line,) = reconciliation_view(db.read(), username=MANAGER).lines
    assert (str(line.booked_on), line.amount_minor, line.description) == (
        "2025-04-21",
        14550,
        "WU-10001 transfer",
    )


def test_a_malformed_mt940_or_camt_file_is_refused_plainly(db: Database) -> None:
    with pytest.raises(UserFacingError, match="not well-formed XML"):
        import_statement(db.unit_of_work(), b"<Document>", fmt="camt053", username=MANAGER)
    with pytest.raises(UserFacingError, match="no :61: lines"):
        import_statement(db.unit_of_work(), b":20:X\n", fmt="mt940", username=MANAGER)


def test_a_cashier_may_not_import_and_the_import_is_audited(db: Database) -> None:
    with pytest.raises(PermissionDenied, match="may not reconcile bank statements"):
        import_statement(db.unit_of_work(), CSV, fmt="csv", username="jsmith")

    import_statement(db.unit_of_work(), CSV, fmt="csv", username=MANAGER)

    with db.read() as uow:
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("bank_statement.%"))
        ).all()
    assert actions == ["bank_statement.imported"]


def test_a_european_csv_with_decimal_commas_reads_the_same_amounts() -> None:
    export = b"date;amount;reference\n21.04.2025;1.234,50;A\n22.04.2025;145,50;B\n"

    statement = parse_statement(export, "csv")

    assert [str(line.amount) for line in statement.lines] == ["1234.50", "145.50"]
    assert str(statement.lines[0].booked_on) == "2025-04-21"
