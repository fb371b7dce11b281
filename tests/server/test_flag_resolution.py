"""A supervisor's resolution of an overpayment flag: pushed by a counter, the server closes the
flag, publishes it resolved to every counter, and keeps the first resolution."""

import uuid

from sqlalchemy import select

from sync.server.tables import flags
from tests.server.records import outcomes, payment, record


def _flags(counter) -> list[dict]:
    return [c for c in counter.pull_all() if c["entity"] == "flag"]


def _resolution(flag_id: str, how: str, note: str, number: str | None = None) -> dict:
    payload = {
        "flag_id": flag_id,
        "resolution": how,
        "note": note,
        "credit_note_number": number,
        "resolved_by": "mbrown",
        "resolved_at": "2025-04-20T15:00:00+00:00",
    }
    return record("flag_resolution", uuid.UUID(flag_id), payload)


def _overpaid(server, sample):
    first, second = server.register("T01"), server.register("T02")
    first.push([payment(first, sample, 1, 14550)])
    assert second.push([payment(second, sample, 1, 14550)])["results"][0]["flags"] == [
        "overpayment"
    ]
    [flag] = _flags(first)
    assert flag["data"]["resolved_at"] is None
    return first, second, flag["key"]


def test_a_resolution_closes_the_flag_and_every_counter_pulls_it_resolved(server, sample):
    first, second, flag_id = _overpaid(server, sample)
    cursor = first.pull_all()[-1]["seq"]

    answer = first.push([_resolution(flag_id, "Refund", "RF-2025-0042")])

    assert outcomes(answer) == ["stored"]
    with server.engine.connect() as conn:
        row = conn.execute(select(flags).where(flags.c.id == uuid.UUID(flag_id))).one()
    assert row.resolved_at is not None
    assert row.detail["resolution"]["resolution"] == "Refund"
    assert row.detail["resolution"]["note"] == "RF-2025-0042"
    assert row.detail["resolution"]["terminal_code"] == "T01"
    assert row.detail["overpaid_minor"] == 14550  # the flag's own detail is kept
    published = [c for c in second.pull(cursor)["changes"] if c["entity"] == "flag"]
    assert [c["key"] for c in published] == [flag_id]
    assert published[0]["data"]["resolved_at"] is not None
    assert published[0]["data"]["detail"]["resolution"]["resolved_by"] == "mbrown"


def test_resolving_again_is_stored_and_changes_nothing(server, sample):
    first, second, flag_id = _overpaid(server, sample)
    resolution = _resolution(flag_id, "Credit note", "", "CN-T01-000001")
    first.push([resolution])
    seq_after_first = first.pull_all()[-1]["seq"]
    with server.engine.connect() as conn:
        resolved_at = conn.scalar(select(flags.c.resolved_at))

    same = first.push([resolution])
    other = second.push([_resolution(flag_id, "No action", "Customer keeps it as advance")])

    assert outcomes(same) == ["duplicate_same"]
    assert outcomes(other) == ["stored"]
    assert first.pull(seq_after_first)["changes"] == []  # nothing published a second time
    with server.engine.connect() as conn:
        row = conn.execute(select(flags)).one()
    assert row.resolved_at == resolved_at
    assert row.detail["resolution"]["resolution"] == "Credit note"
    assert row.detail["resolution"]["credit_note_number"] == "CN-T01-000001"


def test_a_resolution_of_an_unknown_flag_or_with_a_bad_resolution_is_rejected(server, sample):
    first, _, flag_id = _overpaid(server, sample)
    unknown = _resolution(str(uuid.uuid4()), "Refund", "RF-1")
    bad = _resolution(flag_id, "Write off", "because")

    answer = first.push([unknown, bad])

    assert outcomes(answer) == ["rejected", "rejected"]
    assert answer["results"][0]["reason"].startswith("unknown flag")
    assert "resolution" in answer["results"][1]["reason"]
    with server.engine.connect() as conn:
        assert conn.scalar(select(flags.c.resolved_at)) is None
