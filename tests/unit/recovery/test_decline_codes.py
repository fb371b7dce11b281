"""Decline-code tables: loaded from data, validated, and read conservatively."""

import shutil
from pathlib import Path

import pytest

from app.recovery.code_tables import TABLES_DIR, DeclineTableError, load_decline_codes
from app.recovery.codes import Action, Category


@pytest.fixture(scope="module")
def codes():
    return load_decline_codes()


def _copy_tables(tmp_path: Path) -> Path:
    target = tmp_path / "decline_codes"
    shutil.copytree(TABLES_DIR, target)
    return target


def test_every_table_loads_with_its_codes(codes):
    assert {name for name, rows in codes.tables.items() if rows} == set(codes.tables)
    visa = codes.tables["visa"]
    assert {"R0", "R1", "R3", "04", "41", "43"} <= set(visa)


@pytest.mark.parametrize(
    ("gateway", "method", "network", "code", "advice"),
    [
        ("razorpay", "card", "visa", "R0", ""),
        ("razorpay", "card", "visa", "41", ""),
        ("razorpay", "card", "visa", "43", ""),
        ("razorpay", "card", "mastercard", "51", "03"),
        ("razorpay", "card", "mastercard", "51", "21"),
        ("nmi", "card", "visa", "250", ""),
        ("nmi", "card", "visa", "261", ""),
        ("stripe", "card", "visa", "previously_declined_do_not_retry", ""),
        ("stripe", "card", "visa", "stolen_card", ""),
        ("razorpay", "enach", "", "01", ""),
        ("razorpay", "upi_autopay", "", "ZA", ""),
    ],
)
def test_hard_declines_are_never_retriable(codes, gateway, method, network, code, advice):
    decline = codes.classify(
        gateway=gateway, method=method, network=network, code=code, advice_code=advice
    )
    assert decline.no_retry
    assert not decline.retriable


def test_every_hard_row_forbids_retries(codes):
    for table, rows in codes.tables.items():
        for code, decline in rows.items():
            if decline.category is Category.HARD:
                assert decline.no_retry, (table, code)


def test_insufficient_funds_is_retried_later(codes):
    decline = codes.classify(gateway="nmi", method="card", network="visa", code="202")
    assert decline.category is Category.INSUFFICIENT_FUNDS
    assert decline.action is Action.RETRY_LATER
    assert decline.retriable


def test_advice_code_02_asks_for_72_hours(codes):
    decline = codes.classify(
        gateway="razorpay", method="card", network="mastercard", code="51", advice_code="02"
    )
    assert decline.min_wait.total_seconds() == 72 * 3600


@pytest.mark.parametrize(("mac", "hours"), [("24", 1), ("25", 24), ("27", 96), ("30", 240)])
def test_retry_after_advice_codes_are_honoured(codes, mac, hours):
    decline = codes.classify(
        gateway="razorpay", method="card", network="mastercard", code="05", advice_code=mac
    )
    assert decline.min_wait.total_seconds() == hours * 3600


def test_unknown_codes_are_conservative_and_reported(codes):
    decline = codes.classify(gateway="nmi", method="card", network="visa", code="987")
    assert decline.category is Category.DO_NOT_HONOR
    assert not decline.known
    assert decline.min_wait.total_seconds() >= 48 * 3600
    assert ("nmi", "987") in codes.unknown_seen


def test_a_bad_category_names_the_file_and_line(tmp_path):
    tables = _copy_tables(tmp_path)
    with (tables / "nmi.csv").open("a") as handle:
        handle.write("999,maybe,retry_later,0,,Made up\n")
    with pytest.raises(DeclineTableError, match=r"nmi.csv:\d+: unknown category 'maybe'"):
        load_decline_codes(tables)


def test_a_hard_row_that_allows_retries_is_refused(tmp_path):
    tables = _copy_tables(tmp_path)
    with (tables / "visa.csv").open("a") as handle:
        handle.write("Q9,hard,stop,0,,Inconsistent\n")
    with pytest.raises(DeclineTableError, match="must forbid retries"):
        load_decline_codes(tables)


def test_a_duplicate_code_is_refused(tmp_path):
    tables = _copy_tables(tmp_path)
    with (tables / "stripe.csv").open("a") as handle:
        handle.write("expired_card,expired_or_invalid,retry_after_update,1,,Again\n")
    with pytest.raises(DeclineTableError, match="appears twice"):
        load_decline_codes(tables)


def test_a_missing_table_is_refused(tmp_path):
    tables = _copy_tables(tmp_path)
    (tables / "npci_upi.csv").unlink()
    with pytest.raises(DeclineTableError, match="missing"):
        load_decline_codes(tables)
