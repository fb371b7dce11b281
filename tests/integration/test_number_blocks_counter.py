"""The counter's leased numbers on a real SQLite file: taken in order across blocks, what is
left and when it is low, next year's block asked for in December, a lease stored once."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from app.db.database import open_database
from app.db.tables import NumberBlock, SyncState
from app.domain.errors import UserFacingError
from app.services.number_blocks import blocks_to_lease, leased_numbers, store_block
from app.services.settings import update_settings
from app.services.setup import initialise

FORMATS = {"receipt": "R-{SEQ}", "payment": "PAY-{YYYY}-{SEQ:6}"}


def _counter(tmp_path, now: datetime):
    db = open_database(tmp_path / "counter.sqlite", clock=lambda: now)
    initialise(db, terminal_code="T01", terminal_name="Counter T01", admin_secret="0000")
    with db.unit_of_work() as uow:  # registered: formats without {TERM} are allowed
        uow.session.merge(SyncState(id=1, server_url="https://central.example"))
        uow.commit()
    update_settings(db.unit_of_work(), {"number_formats": FORMATS}, username="admin")
    return db


def _take(db, series: str, year: int = 2025) -> str:
    with db.unit_of_work() as uow:
        number = uow.next_number(series, datetime(year, 6, 1).date())
        uow.commit()
    return number


def test_numbers_come_from_the_blocks_in_order_and_run_out(tmp_path) -> None:
    db = _counter(tmp_path, datetime(2025, 6, 1, 15, tzinfo=UTC))
    try:
        assert blocks_to_lease(db.unit_of_work()) == [("payment", "2025"), ("receipt", "")]
        ids = [uuid.uuid4(), uuid.uuid4()]
        for request_id, (first, last) in zip(ids, [(5001, 5005), (5101, 5105)], strict=True):
            store_block(
                db.unit_of_work(),
                request_id=request_id,
                series="receipt",
                period="",
                first=first,
                last=last,
            )
        store_block(  # the same answer again (a retried sync) changes nothing
            db.unit_of_work(), request_id=ids[0], series="receipt", period="", first=5001, last=5005
        )
        with db.read() as uow:
            receipt = next(n for n in leased_numbers(uow) if n.series == "receipt")
        assert (receipt.remaining, receipt.low_water, receipt.low) == (10, 1, False)
        taken = [_take(db, "receipt") for _ in range(10)]
        assert taken[:6] == ["R-5001", "R-5002", "R-5003", "R-5004", "R-5005", "R-5101"]
        assert taken[-1] == "R-5105"
        with pytest.raises(UserFacingError) as refused:
            _take(db, "receipt")
        assert refused.value.message == (
            "This counter has no receipt numbers left: sync with the server to get more "
            "numbers (nothing was recorded)."
        )
        assert ("receipt", "") in blocks_to_lease(db.unit_of_work())
    finally:
        db.close()


def test_a_yearly_series_asks_for_next_years_block_in_december(tmp_path) -> None:
    db = _counter(tmp_path, datetime(2025, 12, 10, 15, tzinfo=UTC))
    try:
        store_block(
            db.unit_of_work(),
            request_id=uuid.uuid4(),
            series="payment",
            period="2025",
            first=4501,
            last=5000,
        )
        wanted = blocks_to_lease(db.unit_of_work())
        assert ("payment", "2026") in wanted and ("payment", "2025") not in wanted
        with db.unit_of_work() as uow:  # 99 of 500 left: under a fifth, so low
            uow.session.execute(update(NumberBlock).values(next_value=4902))
            uow.commit()
        assert ("payment", "2025") in blocks_to_lease(db.unit_of_work())
        with db.read() as uow:
            assert uow.session.scalar(select(func.count()).select_from(NumberBlock)) == 1
    finally:
        db.close()
