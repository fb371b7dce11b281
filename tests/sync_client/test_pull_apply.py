"""What a pull does to the counter's tables: online payments, tombstones, bulk pages."""

import uuid
from datetime import UTC, datetime

import keyring
import pytest
from sqlalchemy import select

from app.db.tables import Bill, Consumer, User
from app.domain.errors import UserFacingError
from app.services.consumers import search_consumers
from app.services.payment_details import payment_details
from sync.client.tokens import TokenStore
from sync.gateways.events import GatewayEvent
from sync.server.db import make_engine
from sync.server.feed import NewChange
from sync.server.online import apply_event
from tests.sync_client.support import pay, publish_changes, sync


def stripe_event(event_id: str, status: str, settlement: str) -> GatewayEvent:
    return GatewayEvent(
        gateway="stripe",
        event_id=event_id,
        external_id="pi_3Online",
        status=status,  # type: ignore[arg-type]
        settlement=settlement,  # type: ignore[arg-type]
        amount_minor=4200,
        currency="USD",
        account_number="WU-10001",
        occurred_at=datetime(2025, 4, 19, 12, 0, tzinfo=UTC),
        raw_status="payment_intent.succeeded",
    )


def test_an_online_payment_reaches_the_counter_as_received_by_system_and_moves_forward(
    counters, server
):
    t01 = counters("T01")
    engine = make_engine(server.db_url, pool_size=1)
    apply_event(engine, stripe_event("evt_1", "Posted", "In Progress"), datetime.now(UTC))
    sync(t01)
    details = payment_details(t01.read(), "ONL-pi_3Online")
    assert (details.status, details.verification, details.received_by) == (
        "Posted",
        "Pending",
        "System",
    )
    assert details.amount_minor == 4200 and details.settlement_status == "In Progress"

    apply_event(engine, stripe_event("evt_2", "Posted", "Settled"), datetime.now(UTC))
    engine.dispose()
    sync(t01)
    assert payment_details(t01.read(), "ONL-pi_3Online").settlement_status == "Settled"


def test_deleted_reference_rows_become_tombstones(counters, server):
    t01 = counters("T01")
    with t01.read() as uow:
        john = uow.session.scalar(select(Consumer.id).where(Consumer.account_number == "WU-10001"))
        jsmith = uow.session.scalar(select(User.id).where(User.username == "jsmith"))
    pay(t01, "INV-2025-001234", "10.00")
    new_key = "00000000-0000-7000-8000-000000000042"
    publish_changes(
        server.db_url,
        [
            NewChange(
                "consumer",
                new_key,
                {
                    "id": new_key,
                    "account_number": "WU-77777",
                    "name": "Gone Soon",
                    "service_address": "1 Short Street",
                    "timezone": "America/New_York",
                    "created_at": "2025-01-01T00:00:00+00:00",
                },
            )
        ],
    )
    sync(t01)
    assert [h.name for h in search_consumers(t01.read(), "Gone Soon")] == ["Gone Soon"]
    publish_changes(
        server.db_url,
        [
            NewChange("consumer", new_key, None, op="delete"),
            NewChange("consumer", str(john), None, op="delete"),
            NewChange("user", str(jsmith), None, op="delete"),
        ],
    )
    sync(t01)
    with t01.read() as uow:
        # Nothing referred to the new consumer: gone. John has bills and payments: inactive.
        assert uow.session.get(Consumer, john).status == "Inactive"
        assert uow.session.get(Consumer, uuid.UUID(new_key)) is None
        assert uow.session.get(User, jsmith).active is False
        assert uow.session.scalar(select(Bill).where(Bill.consumer_id == john)) is not None
    assert search_consumers(t01.read(), "Gone Soon") == []


def test_a_large_page_is_applied_in_bulk_and_searchable(counters, server):
    t01 = counters("T01")
    changes = []
    for i in range(3000):
        key = f"00000000-0000-7000-8000-{i:012d}"
        data = {
            "id": key,
            "account_number": f"WU-5{i:05d}",
            "name": f"Bulk Person {i}",
            "service_address": f"{i} Long Road",
            "timezone": "America/Chicago",
            "created_at": "2025-01-01T00:00:00+00:00",
        }
        changes.append(NewChange("consumer", key, data))
    publish_changes(server.db_url, changes)
    result = sync(t01)
    assert result.pull.changes == 3000
    hits = search_consumers(t01.read(), "Bulk Person 2999")
    assert [(h.account_number, h.name) for h in hits] == [("WU-502999", "Bulk Person 2999")]
    # A renamed consumer is found by the new name only.
    renamed = {**changes[5].data, "name": "Renamed Person"}
    publish_changes(server.db_url, [NewChange("consumer", changes[5].key, renamed)])
    sync(t01)
    assert [h.account_number for h in search_consumers(t01.read(), "Renamed Person")] == [
        "WU-500005"
    ]
    old_name = [h.account_number for h in search_consumers(t01.read(), "Bulk Person 5", 50)]
    assert "WU-500005" not in old_name and "WU-500050" in old_name


def test_the_token_is_never_kept_without_a_real_keyring(empty_db):
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    with pytest.raises(UserFacingError, match="Secret Service") as refused:
        TokenStore().save("https://sync.example", "T01", "secret-token")
    assert "Windows Credential Locker" in refused.value.message
    assert "macOS Keychain" in refused.value.message


def test_the_token_is_stored_under_the_server_and_terminal(memory_keyring):
    TokenStore().save("https://sync.example/", "T01", "secret-token")
    assert memory_keyring.secrets == {("tilldesk", "https://sync.example|T01"): "secret-token"}


def test_a_server_row_whose_number_is_held_here_by_another_id_does_not_stop_sync(
    counters, server, caplog
):
    t01 = counters("T01")
    other = "00000000-0000-7000-8000-000000000077"
    clash = {
        "id": other,
        "account_number": "WU-10001",  # John Doe's number, under another id
        "name": "Impostor",
        "service_address": "nowhere",
        "timezone": "UTC",
        "created_at": "2025-01-01T00:00:00+00:00",
    }
    publish_changes(server.db_url, [NewChange("consumer", other, clash)])
    pay(t01, "INV-2025-001234", "2.00")
    result = sync(t01)
    assert result.push.sent >= 1
    assert [h.name for h in search_consumers(t01.read(), "WU-10001")] == ["John Doe"]
    assert "consumer WU-10001 not applied: held locally by another id" in caplog.text
