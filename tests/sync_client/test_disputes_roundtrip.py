"""Disputes and special circumstances travel: recorded at counter T01, checked and stored by
the server (real PostgreSQL on loopback), pulled by counter T02, and moved on there; the server
refuses what the shared rules or the roles refuse, and the counter parks it with the reason."""

import json

from sqlalchemy import select

from app.db.tables import OutboxRecord
from app.services.circumstances import CircumstancesRequest, circumstances_of, set_circumstances
from app.services.disputes import disputes_of, open_dispute, update_dispute
from tests.sync_client.support import pay, sync


def test_a_dispute_opened_at_one_counter_is_settled_at_another(counters, server) -> None:
    t01, t02 = counters("T01"), counters("T02")
    receipt = pay(t01, "INV-2025-001234", "20.00").receipt_number
    opened = open_dispute(
        t01.unit_of_work(), account_number="WU-10001", subject="payment", number=receipt,
        reason="Charged twice for March", owner="rpatel", username="jsmith",
    )  # fmt: skip
    set_circumstances(
        t01.unit_of_work(),
        CircumstancesRequest(
            "WU-10001", ("hardship",), note="Lost job in April", preferred_channel="sms",
            preferred_from="18:00", preferred_until="20:00", language="es",
        ),
        username="jsmith",
    )  # fmt: skip
    sync(t01)
    stored = server.query("SELECT status, account_number, subject_number FROM disputes")
    assert [tuple(r) for r in stored] == [("open", "WU-10001", opened.subject_number)]

    sync(t02)
    seen = disputes_of(t02.read(), "WU-10001")
    assert [(d.subject_number, d.reason, d.status_words, d.owner, d.opened_by) for d in seen] == [
        (opened.subject_number, "Charged twice for March", "Open", "rpatel", "jsmith")
    ]
    there = circumstances_of(t02.read(), "WU-10001")
    assert (there.words, there.preferred_channel, there.preferred_from, there.set_by) == (
        "Financial hardship", "sms", "18:00", "jsmith",
    )  # fmt: skip

    update_dispute(
        t02.unit_of_work(), dispute_ref=opened.short_id, status="rejected",
        resolution="One charge only: the bank shows a pending hold", username="mbrown",
    )  # fmt: skip
    sync(t02)
    sync(t01)
    back = disputes_of(t01.read(), "WU-10001")[0]
    assert (back.status_words, back.updated_by, back.resolution) == (
        "Rejected", "mbrown", "One charge only: the bank shows a pending hold",
    )  # fmt: skip
    assert server.query("SELECT status, version FROM disputes")[0][:] == ("rejected", 2)


def test_the_server_refuses_a_dispute_settled_by_a_cashier(counters, server) -> None:
    t01 = counters("T01")
    opened = open_dispute(
        t01.unit_of_work(), account_number="WU-10001", subject="bill",
        number="INV-2025-001234", reason="Estimated read", username="jsmith",
    )  # fmt: skip
    with t01.unit_of_work() as uow:  # a tampered counter settles as the cashier
        record = uow.session.scalar(select(OutboxRecord).where(OutboxRecord.entity_id == opened.id))
        payload = json.loads(record.payload_json)
        payload |= {
            "status": "resolved", "resolution": "waived", "resolved_at": payload["updated_at"],
        }  # fmt: skip
        record.payload_json = json.dumps(payload)
        uow.commit()
    sync(t01)
    with t01.read() as uow:
        state, reason = uow.session.execute(
            select(OutboxRecord.state, OutboxRecord.reason).where(
                OutboxRecord.entity_id == opened.id
            )
        ).one()
    assert (state, reason) == ("parked", "a cashier may not resolve or reject disputes")
    assert server.query("SELECT count(*) FROM disputes")[0][0] == 0
