"""What the Sync screen shows and does, on a fake unit of work: pending and parked records,
quarantined changes, the server's flags and how a supervisor resolves one."""

import json
import uuid
from datetime import timedelta

import pytest

from app.db.tables import SyncFlag, SyncState
from app.db.tables.sync_state import SyncQuarantine
from app.domain.errors import PermissionDenied, UserFacingError
from app.services.credit_notes import create_credit_note
from app.services.record_payment import PaymentRequest, record_payment
from app.services.sync_flags import resolve_flag
from app.services.sync_retry import retry_parked, retry_quarantined
from app.services.sync_status import status_line, sync_issues, sync_status
from tests.support.counter import Counter
from tests.support.fake_store import OutboxEntry
from tests.support.fake_uow import NOON

SERVER = "https://central.example"
FLAG_KEY = str(uuid.UUID(int=7))


@pytest.fixture
def synced(open_counter: Counter) -> Counter:
    """Registered, last synced an hour ago; one payment waiting, one parked by the server, a
    change from the server held back, and an open overpayment flag."""
    store = open_counter.store
    store.sync_state = SyncState(
        id=1,
        server_url=SERVER,
        terminal_code="T01",
        failures=0,
        last_sync_at=NOON - timedelta(hours=1),
        clock_skew_seconds=3.0,
    )
    request = PaymentRequest(
        "ACC-1001", "Bill", ("INV-2026-000001",), "Cash", "120.00", username="cashier"
    )
    paid = record_payment(open_counter.uow, request)
    store.outbox.append(
        OutboxEntry(
            "payment",
            uuid.uuid4(),
            {"receipt_number": "R-T01-0000"},
            state="parked",
            created_at=NOON - timedelta(days=1),
            reason="consumer unknown on the server",
        )
    )
    store.quarantine.append(
        SyncQuarantine(
            entity="bill",
            key="INV-2026-000009",
            seq=41,
            op="upsert",
            data_json=json.dumps({"invoice_number": "INV-2026-000009"}),
            error="unknown consumer",
            app_version="1.0",
            first_seen_at=NOON,
            last_seen_at=NOON,
            retries=0,
            retry_requested=False,
        )
    )
    payments = [{"payment_id": str(store.payments[0].id)}]
    store.sync_flags.append(
        SyncFlag(
            key=FLAG_KEY,
            kind="overpayment",
            entity="bill",
            entity_id="INV-2026-000001",
            reason="paid at two counters",
            data_json=json.dumps({"payments": payments, "reference": "INV-2026-000001"}),
            flagged_at=NOON,
        )
    )
    assert paid.receipt_number == "R-T01-0001"
    return open_counter


def test_the_status_counts_what_waits_and_what_needs_a_person(synced: Counter) -> None:
    status = sync_status(synced.uow)

    assert (status.registered, status.online, status.server_url) == (True, True, SERVER)
    assert (status.pending_count, status.parked_count) == (1, 1)
    assert (status.quarantined_count, status.server_flag_count) == (1, 1)
    assert not status.clock_warning
    line = status_line(status, synced.uow.settings().zone)
    assert line.startswith("Online · 1 pending · oldest under 1 min · synced 12:00")
    assert "1 not applied" in line and "2 to review" in line


def test_the_issues_name_the_records_people_recognise(synced: Counter) -> None:
    issues = sync_issues(synced.uow)

    assert [(i.kind, i.reference) for i in issues] == [
        ("parked", "R-T01-0000"),
        ("quarantined", "INV-2026-000009"),
        ("overpayment", "INV-2026-000001"),
    ]
    assert [i.resolvable for i in issues] == [False, False, True]


def test_retrying_parked_records_queues_them_again(synced: Counter) -> None:
    retried = retry_parked(synced.uow, username="manager")

    assert retried.count == 1
    assert sync_status(synced.uow).pending_count == 2
    assert "sync.parked_retried" in synced.uow.actions()


def test_retrying_quarantined_changes_marks_them_for_the_next_sync(synced: Counter) -> None:
    assert retry_quarantined(synced.uow, username="manager").count == 1

    assert synced.store.quarantine[0].retry_requested


def test_a_cashier_cannot_retry(synced: Counter) -> None:
    with pytest.raises(PermissionDenied):
        retry_parked(synced.uow, username="cashier")


def test_a_flag_resolved_with_a_credit_note_closes_and_goes_to_the_server(
    synced: Counter,
) -> None:
    note = create_credit_note(
        synced.uow,
        receipt="R-T01-0001",
        amount="20.00",
        reason="Billing Error",
        username="manager",
    )

    resolved = resolve_flag(
        synced.uow, "manager", FLAG_KEY, "Credit note", "Kept as credit", note.number.lower()
    )

    assert (resolved.resolution, resolved.credit_note_number) == ("Credit note", note.number)
    assert synced.store.sync_flags[0].resolved_at == NOON
    sent = [o.payload for o in synced.store.outbox if o.entity == "flag_resolution"]
    assert [(p["flag_id"], p["credit_note_number"]) for p in sent] == [(FLAG_KEY, note.number)]
    assert sync_status(synced.uow).server_flag_count == 0


def test_a_flag_resolved_twice_is_refused(synced: Counter) -> None:
    resolve_flag(synced.uow, "manager", FLAG_KEY, "No action", "Customer asked to keep it")

    with pytest.raises(UserFacingError, match="already resolved"):
        resolve_flag(synced.uow, "manager", FLAG_KEY, "No action", "Customer asked to keep it")


def test_an_unknown_credit_note_is_refused_and_nothing_is_sent(synced: Counter) -> None:
    with pytest.raises(UserFacingError, match="No credit note CN-99 on this counter"):
        resolve_flag(synced.uow, "manager", FLAG_KEY, "Credit note", "Kept as credit", "CN-99")

    assert synced.store.sync_flags[0].resolved_at is None
    assert [o.entity for o in synced.store.outbox if o.entity == "flag_resolution"] == []


def test_a_counter_never_registered_says_so(counter: Counter) -> None:
    status = sync_status(counter.uow)

    assert not status.registered
    assert status_line(status, counter.uow.settings().zone).startswith(
        "Not connected to a server · 0 pending"
    )
