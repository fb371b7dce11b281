"""The counter's audit log reaches the server: every event once, hash chain intact."""

from sqlalchemy import select

from app.db.tables import AuditEvent
from tests.sync_client.support import pay, sync


def _local_audit(db) -> list[tuple[str, str]]:
    with db.read() as uow:
        rows = uow.session.execute(
            select(AuditEvent.id, AuditEvent.action, AuditEvent.hash).order_by(AuditEvent.seq)
        ).all()
    return [(str(r.id), r.action, r.hash) for r in rows]


def _server_audit(server) -> list[tuple[str, str, str]]:
    rows = server.query(
        "SELECT id::text, data->>'action', data->>'hash' FROM audit_events "
        "ORDER BY (data->>'seq')::int"
    )
    return [tuple(r) for r in rows]


def test_every_audit_event_reaches_the_server_once_with_its_hash(counters, server):
    t01 = counters("T01")
    pay(t01, "INV-2025-001234", "12.00")

    sync(t01)
    sync(t01)  # nothing new: nothing doubled

    local = _local_audit(t01)
    held = _server_audit(server)
    assert held == local
    assert any(action == "payment.recorded" for _id, action, _hash in held), held

    pay(t01, "INV-2025-001234", "3.00")
    sync(t01)
    assert len(_local_audit(t01)) > len(local)
    assert _server_audit(server) == _local_audit(t01)
