"""The counter against the real server: register, first sync, push, pull between counters."""

import shutil
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.db.database import open_database
from app.db.tables import Consumer, CreditNote, OutboxRecord, Payment, SyncState, Terminal
from app.domain.errors import UserFacingError
from app.services.consumers import consumer_account
from app.services.settings import update_settings
from app.services.sync_status import status_line, sync_issues, sync_status
from sync.client.errors import ServerUnavailable
from sync.client.http import ServerClient
from sync.client.pull import pull_all
from sync.client.register import register_terminal
from sync.client.state import connection
from sync.client.tokens import TokenStore
from sync.server.db import new_epoch_for_copy
from sync.server.feed import NewChange
from tests.sync_client.support import (
    ADMIN,
    ADMIN_PASSWORD,
    LiveServer,
    pay,
    publish_changes,
    seed_server_from,
    sync,
)


def outbox_states(db) -> dict[str, int]:
    with db.read() as uow:
        states: dict[str, int] = {}
        for state in uow.session.scalars(select(OutboxRecord.state)):
            states[state] = states.get(state, 0) + 1
        return states


def test_a_new_counter_is_ready_after_init_register_and_one_sync(counters):
    t02 = counters("T02")
    with t02.read() as uow:
        names = list(uow.session.scalars(select(Consumer.name)))
    assert names == ["John Doe"]
    payment = pay(t02, "INV-2025-001234", "145.50")
    assert payment.receipt_number.startswith("R-T02-")
    status = sync_status(t02.read())
    assert status.online and status.pending_count >= 1


def test_payments_reach_the_server_once_and_the_other_counter_sees_the_balance(counters, server):
    t01, t02 = counters("T01"), counters("T02")
    first = pay(t01, "INV-2025-001234", "145.50")
    sync(t01)
    sync(t01)  # a second sync sends nothing again
    sync(t02)

    rows = server.query("SELECT receipt_number, amount_minor FROM payments ORDER BY 1")
    assert [tuple(r) for r in rows] == [(first.receipt_number, 14550)]
    assert outbox_states(t01) == {"sent": outbox_states(t01)["sent"]}
    # T02 now knows the March bill is paid: only April's bill, services and plan remain.
    account = consumer_account(t02.read(), "WU-10001")
    assert "INV-2025-001234" not in [item.reference for item in account.unpaid]
    assert not account.provisional
    with t02.read() as uow:
        theirs = uow.session.scalar(
            select(Payment).where(Payment.receipt_number == first.receipt_number)
        )
        assert theirs is not None and theirs.amount_minor == 14550


def test_a_bill_paid_at_two_counters_is_flagged_on_both_sync_screens(counters):
    t01, t02 = counters("T01"), counters("T02")
    pay(t01, "INV-2025-001234", "145.50")
    pay(t02, "INV-2025-001234", "145.50")
    sync(t01)
    sync(t02)
    sync(t01)

    for db in (t01, t02):
        issues = sync_issues(db.read())
        assert [(i.kind, i.reference) for i in issues] == [("overpayment", "INV-2025-001234")]
        assert "paid more than once" in issues[0].reason
        assert sync_status(db.read()).server_flag_count == 1


def test_the_server_being_down_loses_nothing_and_says_offline(counters, server):
    t01 = counters("T01")
    server.stop()
    pay(t01, "INV-2025-001234", "50.00")
    with pytest.raises(ServerUnavailable):
        sync(t01)
    status = sync_status(t01.read())
    assert not status.online and status.offline_since is not None
    assert status.pending_count >= 1
    with t01.read() as uow:
        attempts = set(
            uow.session.scalars(
                select(OutboxRecord.attempts).where(OutboxRecord.state == "pending")
            )
        )
    assert attempts == {1}

    server.start()
    sync(t01)
    assert sync_status(t01.read()).online
    assert [r[0] for r in server.query("SELECT amount_minor FROM payments")] == [5000]


def test_a_rejected_record_is_parked_with_its_reason_and_does_not_block_the_rest(counters, server):
    t01 = counters("T01")
    with t01.unit_of_work() as uow:
        uow.enqueue("mystery", uow.terminal().id, {"what": "nobody knows"})
        uow.commit()
    receipt = pay(t01, "INV-2025-001234", "10.00").receipt_number
    sync(t01)

    issues = sync_issues(t01.read())
    assert [(i.kind, i.entity) for i in issues] == [("parked", "mystery")]
    assert "unknown entity" in issues[0].reason
    assert [r[0] for r in server.query("SELECT receipt_number FROM payments")] == [receipt]


def test_a_server_restore_makes_the_counter_resend_what_the_server_lost(counters, server):
    t01 = counters("T01")
    receipt = pay(t01, "INV-2025-001234", "20.00").receipt_number
    sync(t01)
    # Restore drill: the server lost the payment (restored from an older backup), new epoch.
    server.query_write("DELETE FROM payment_allocations")
    server.query_write("DELETE FROM payments")
    server.query_write("DELETE FROM received_records")
    server.query_write("UPDATE epoch SET value = 'restored-1'")

    sync(t01)
    assert [r[0] for r in server.query("SELECT receipt_number FROM payments")] == [receipt]
    status = sync_status(t01.read())
    assert status.pending_count == 0 and status.online


def test_the_pull_never_overwrites_a_setting_changed_here_and_not_yet_sent(counters, server):
    t01 = counters("T01")
    update_settings(t01.unit_of_work(), {"idle_lock_minutes": 9}, username="admin")
    publish_changes(
        server.db_url, [NewChange("setting", "idle_lock_minutes", {"value": 30, "version": 7})]
    )
    conn = connection(t01)
    client = ServerClient(conn.server_url, token=TokenStore().load(conn.server_url, "T01"))
    try:
        pull_all(t01, client)  # a pull alone: our change is still pending
    finally:
        client.close()
    with t01.read() as uow:
        assert uow.settings().idle_lock_minutes == 9

    sync(t01)  # sent now; the server decides and publishes the setting again
    publish_changes(
        server.db_url, [NewChange("setting", "idle_lock_minutes", {"value": 30, "version": 8})]
    )
    sync(t01)
    with t01.read() as uow:
        assert uow.settings().idle_lock_minutes == 30


def test_an_older_setting_version_from_the_server_loses(counters, server):
    t01 = counters("T01")
    update_settings(t01.unit_of_work(), {"idle_lock_minutes": 9}, username="admin")
    sync(t01)
    publish_changes(
        server.db_url, [NewChange("setting", "idle_lock_minutes", {"value": 30, "version": 1})]
    )
    sync(t01)
    with t01.read() as uow:
        assert uow.settings().idle_lock_minutes == 9


def test_a_counter_clock_far_from_the_servers_blocks_payments(counters, server):
    t01 = counters("T01")
    with t01.unit_of_work() as uow:
        uow.session.get(SyncState, 1).clock_skew_seconds = 3600.0
        uow.commit()
    status = sync_status(t01.read())
    assert status.clock_warning and status.clock_blocked
    with pytest.raises(UserFacingError, match=r"clock is 1\.0 hours behind"):
        pay(t01, "INV-2025-001234", "10.00")
    sync(t01)  # a real sync measures the real (small) skew again
    assert not sync_status(t01.read()).clock_blocked
    pay(t01, "INV-2025-001234", "10.00")


def test_the_skew_measured_against_the_servers_clock_warns_then_blocks(counters, server):
    t01 = counters("T01")
    server.stop()
    server.clock_offset = timedelta(minutes=5)
    server.start()
    sync(t01)
    status = sync_status(t01.read())
    assert 290 < status.clock_skew_seconds < 310
    assert status.clock_warning and not status.clock_blocked
    pay(t01, "INV-2025-001234", "1.00")  # a warning only

    server.stop()
    server.clock_offset = timedelta(hours=-2)
    server.start()
    sync(t01)
    status = sync_status(t01.read())
    assert status.clock_blocked
    assert "clock wrong: payments blocked" in status_line(status, ZoneInfo("UTC"))
    with pytest.raises(UserFacingError, match=r"2\.0 hours ahead of the server's"):
        pay(t01, "INV-2025-001234", "1.00")


def test_a_record_the_server_holds_with_other_content_is_flagged(counters, server):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "5.00")
    sync(t01)
    with t01.unit_of_work() as uow:
        record = uow.session.scalars(
            select(OutboxRecord).where(OutboxRecord.entity == "payment")
        ).one()
        record.payload_json = record.payload_json.replace(
            '"amount_minor": 500', '"amount_minor": 600'
        )
        record.state = "pending"
        uow.commit()
    result = sync(t01)
    assert result.push.flagged == 1
    issues = sync_issues(t01.read())
    flagged = [i for i in issues if i.kind == "flagged"]
    assert [(i.entity, i.reference) for i in flagged] == [("payment", "R-T01-0001")]
    assert "other content" in flagged[0].reason
    assert [r[0] for r in server.query("SELECT amount_minor FROM payments")] == [500]


def test_sync_status_for_people_on_the_command_line(counters, capsys):
    from cli.main import main

    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "5.00")
    assert main(["sync", "status", "--db", str(t01.path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Online · 1 pending · oldest under 1 min · synced ")
    assert "Terminal" in out and "T01" in out and "Pending" in out


def test_an_overpayment_credit_note_made_at_one_counter_reaches_the_other(counters):
    t01, t02 = counters("T01"), counters("T02")
    paid = pay(t01, "INV-2025-001234", "150.00")
    assert paid.credit_note is not None
    sync(t01)
    sync(t02)
    with t02.read() as uow:
        note = uow.session.scalar(select(CreditNote).where(CreditNote.number == "CN-T01-00001"))
        assert (note.amount_minor, note.reason, note.status) == (450, "Overpayment", "Active")
        assert uow.session.get(Terminal, note.terminal_id).code == "T01"
    sync(t01)
    with t01.read() as uow:  # its own note is left exactly as T01 wrote it
        assert uow.session.scalar(select(func.count()).select_from(CreditNote)) == 1


def test_moving_a_counter_to_another_server_sends_it_everything(
    counters, pg_cluster, server_template, sample_counter, tmp_path
):
    t01 = counters("T01")
    receipt = pay(t01, "INV-2025-001234", "3.00").receipt_number
    sync(t01)
    url = pg_cluster.create_database(f"moved_{uuid.uuid4().hex[:10]}", template=server_template)
    new_epoch_for_copy(url)
    shutil.copyfile(sample_counter, tmp_path / "seed2.sqlite")
    seed = open_database(tmp_path / "seed2.sqlite")
    seed_server_from(seed, url)
    seed.close()
    other = LiveServer(url)
    other.add_admin()
    other.start()
    try:
        register_terminal(
            t01, server_url=other.url, code="T01", username=ADMIN, password=ADMIN_PASSWORD
        )
        sync(t01)
        assert [r[0] for r in other.query("SELECT receipt_number FROM payments")] == [receipt]
        assert sync_status(t01.read()).pending_count == 0
    finally:
        other.stop()
