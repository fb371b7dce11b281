"""The counter's side of the recovery feed on a real counter file: a case comes again and
replaces its copy, a tombstone removes it, a malformed one is set aside while the rest apply,
and an empty recovery.db beside the counter does not hide the synced cases."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.db.tables.recovery_feed import SyncedRecoveryCase, SyncedTimelineEntry
from app.services.recovery_database import DB_VARIABLE, shared_recovery_database
from app.services.recovery_feed_queue import load_queue, recovery_source
from app.services.runtime import counter_for
from sync.client.apply import apply_changes
from sync.protocol import Change

NOW = datetime.now(UTC)


def data(case_id: str, status: str = "open", lines: int = 2, **extra) -> dict:
    return {
        "id": case_id, "consumer_id": "WU-10001", "status": status, "amount_minor": 14_550,
        "recovered_minor": 0, "currency": "USD", "failed_at": (NOW - timedelta(days=2)).isoformat(),
        "next_at": None, "next_action": "first visit by the engine", "value_band": "medium",
        "probability": 35.0, "band": "RISKY", "published_at": NOW.isoformat(),
        "timeline": [{"at": (NOW - timedelta(hours=n)).isoformat(), "kind": "event",
                      "text": f"line {n}"} for n in range(lines)],
        **extra,
    }  # fmt: skip


def apply(db, *changes: Change):
    with db.unit_of_work() as uow:
        result = apply_changes(uow.session, list(changes), uow.terminal().id, now=NOW)
        uow.commit()
    return result


def held(db) -> tuple[dict[str, str], int]:
    with db.read() as uow:
        query = select(SyncedRecoveryCase.id, SyncedRecoveryCase.status)
        cases = {r.id: r.status for r in uow.session.execute(query)}
        lines = uow.session.scalar(select(func.count()).select_from(SyncedTimelineEntry))
    return cases, lines


def test_a_case_that_comes_again_replaces_its_copy_and_a_tombstone_removes_it(db):
    apply(
        db, Change(seq=1, entity="recovery_case", key="K-1", op="upsert", data=data("K-1", lines=3))
    )
    apply(db, Change(seq=2, entity="recovery_case", key="K-1", op="upsert",
                     data=data("K-1", "paused", lines=1)))  # fmt: skip
    assert held(db) == ({"K-1": "paused"}, 1)
    apply(db, Change(seq=3, entity="recovery_case", key="K-1", op="delete"))
    assert held(db) == ({}, 0)


def test_a_malformed_case_is_set_aside_and_the_others_apply(db):
    bad = data("K-2")
    del bad["amount_minor"]
    result = apply(
        db,
        Change(seq=1, entity="recovery_case", key="K-2", op="upsert", data=bad),
        Change(seq=2, entity="recovery_case", key="K-3", op="upsert", data=data("K-3")),
        Change(
            seq=3, entity="recovery_case", key="K-4", op="upsert", data=data("K-4", amount_minor=-5)
        ),
    )
    assert sorted(f.change.key for f in result.failures) == ["K-2", "K-4"]
    assert held(db)[0] == {"K-3": "open"}


def test_an_empty_recovery_database_beside_the_counter_does_not_hide_the_synced_cases(
    db, db_path, monkeypatch
):
    monkeypatch.delenv(DB_VARIABLE, raising=False)
    apply(db, Change(seq=1, entity="recovery_case", key="K-5", op="upsert", data=data("K-5")))
    # Opening Smart Collect at a branch creates an empty recovery.db beside the counter.
    shared_recovery_database(f"sqlite:///{db_path.parent / 'recovery.db'}")

    counter = counter_for(db)
    assert recovery_source(counter).synced
    assert [r.case_id for r in load_queue(counter, NOW, every_case=False)] == ["K-5"]


def test_a_discount_written_off_on_the_server_shows_on_the_counters_copy(db):
    from app.services.recovery_feed_case import synced_case

    paid = data("K-6", "paid", recovered_minor=9_375, amount_minor=12_500, written_off_minor=3_125)
    apply(db, Change(seq=1, entity="recovery_case", key="K-6", op="upsert", data=paid))
    case = synced_case(counter_for(db), "K-6").case
    assert (case["recovered_minor"], case["written_off_minor"]) == (9_375, 3_125)
