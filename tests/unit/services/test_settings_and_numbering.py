"""Settings and numbering on a fake unit of work: saved, audited, sent; the next number shown
before it is taken, and numbers leased from the server for formats without {TERM}."""

import uuid

import pytest

from app.db.tables import SyncState
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.number_blocks import (
    blocks_to_lease,
    leased_numbers,
    low_numbers_warning,
    numbering_status,
    store_block,
)
from app.services.numbering_preview import next_number_preview
from app.services.record_payment import PaymentRequest, record_payment
from app.services.settings import current_settings, update_settings
from tests.support.counter import Counter
from tests.support.fake_uow import NOON

LEASED = {"receipt": "R-{SEQ}", "payment": "PAY-{YYYY}-{SEQ:6}"}


def register(counter: Counter) -> None:
    counter.store.sync_state = SyncState(id=1, server_url="https://central.example", failures=0)


def lease(counter: Counter, first: int, last: int, series: str = "receipt") -> None:
    period = "" if series == "receipt" else "2026"
    store_block(
        counter.uow, request_id=uuid.uuid4(), series=series, period=period, first=first, last=last
    )


def test_a_changed_setting_is_saved_audited_and_sent(counter: Counter) -> None:
    changed = update_settings(counter.uow, {"notes_max_length": 120}, username="admin")

    assert changed.changed_keys == ("notes_max_length",)
    assert current_settings(counter.uow).notes_max_length == 120
    assert "settings.changed" in counter.uow.actions()
    sent = [o.payload for o in counter.store.outbox if o.entity == "settings_change"]
    assert sent == [{"changed": {"notes_max_length": 120}}]


def test_saving_the_same_values_changes_nothing(counter: Counter) -> None:
    changed = update_settings(counter.uow, {"currency": "USD"}, username="admin")

    assert changed.changed_keys == ()
    assert counter.store.outbox == [] and counter.uow.actions() == []


def test_only_an_admin_changes_settings(counter: Counter) -> None:
    with pytest.raises(PermissionDenied):
        update_settings(counter.uow, {"notes_max_length": 120}, username="manager")

    assert counter.store.setting_values == {}


def test_a_format_without_term_needs_a_server(counter: Counter) -> None:
    with pytest.raises(UserFacingError, match="TERM"):
        update_settings(counter.uow, {"number_formats": LEASED}, username="admin")

    register(counter)
    update_settings(counter.uow, {"number_formats": LEASED}, username="admin")
    assert current_settings(counter.uow).number_formats["receipt"] == "R-{SEQ}"


def test_the_preview_shows_the_next_receipt_without_taking_it(open_counter: Counter) -> None:
    assert next_number_preview(open_counter.uow, "receipt") == "R-T01-0001"
    assert next_number_preview(open_counter.uow, "receipt") == "R-T01-0001"

    record_payment(
        open_counter.uow,
        PaymentRequest("ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "10.00"),
    )

    assert next_number_preview(open_counter.uow, "receipt") == "R-T01-0002"
    assert next_number_preview(open_counter.uow, "receipt", "RCT/{SEQ:3}/{TERM}") == "RCT/002/T01"


def test_leased_numbers_say_what_is_left_and_when_to_lease_more(counter: Counter) -> None:
    register(counter)
    update_settings(counter.uow, {"number_formats": LEASED}, username="admin")
    lease(counter, 501, 600)
    lease(counter, 1, 100, series="payment")

    assert next_number_preview(counter.uow, "receipt") == "R-501"
    with counter.uow:
        left = {n.series: n.remaining for n in leased_numbers(counter.uow, NOON.date())}
    assert left == {"receipt": 100, "payment": 100}
    assert blocks_to_lease(counter.uow) == []
    assert low_numbers_warning(counter.uow) is None


def test_a_block_running_low_is_leased_again_and_warned_about(counter: Counter) -> None:
    register(counter)
    update_settings(counter.uow, {"number_formats": LEASED}, username="admin")
    lease(counter, 1, 100, series="payment")
    counter.store.number_blocks[0].next_value = 95  # 94 numbers taken, 6 left

    assert blocks_to_lease(counter.uow) == [("payment", "2026"), ("receipt", "")]
    warning = low_numbers_warning(counter.uow)
    assert warning == (
        "Numbers running low: 6 payment numbers, 0 receipt numbers left. "
        "Sync with the server to get more."
    )
    assert numbering_status(counter.uow).registered


def test_the_same_block_stored_twice_is_kept_once(counter: Counter) -> None:
    request = uuid.uuid4()
    for _ in range(2):
        store_block(counter.uow, request_id=request, series="receipt", period="", first=1, last=50)

    assert len(counter.store.number_blocks) == 1
    assert counter.uow.actions() == ["number_block.leased"]
