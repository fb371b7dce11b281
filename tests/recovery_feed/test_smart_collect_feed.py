"""Smart Collect views and escalation steps reach a counter at a branch on the sync feed (real
PostgreSQL, the server as `tilldesk server run` builds it, a real counter file): only what
changed goes again, tombstones remove what is gone, a malformed view is quarantined while the
rest apply, and Reschedule to optimal / Attempt now go through the server with the terminal's
token - refused, with nothing queued, when the server is out of reach."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, update

from app.db.recovery_tables import recovery_cases
from app.db.recovery_tables_smart_collect import recovery_escalations
from app.db.tables import OutboxRecord
from app.db.tables.smart_collect_feed import SyncedSmartCollectView
from app.domain.errors import UserFacingError
from app.services.recovery_feed_case import load_case
from app.services.runtime import counter_for
from app.services.smart_collect import smart_collect_view, view_as_dict
from app.services.smart_collect_escalations import close_escalation
from app.services.smart_collect_feed import consumer_signatures, consumer_snapshots
from app.services.smart_collect_synced import load_smart_collect
from cli.wiring.server_recovery_feed import feed_round
from sync.client.apply import apply_changes
from sync.client.recovery_actions import send_smart_collect_action, send_step_done
from sync.protocol import Change
from sync.server.db import make_engine
from sync.server.recovery_feed import Callables
from sync.server.smart_collect_feed import VIEW, VIEW_STALE_AFTER, publish_changed
from sync.server.tables_smart_collect_feed import smart_collect_feed_published
from tests.smart_collect.rows import add_attempt, add_case, add_consumer
from tests.support.smart_collect_feed import (
    CASE,
    CONSUMER,
    feed_entities,
    head,
    open_step,
    salaried_consumer,
)
from tests.sync_client.support import sync

NEW_YORK = ZoneInfo("America/New_York")  # the consumer's zone (tests/smart_collect/rows.py)


def publish(feed_server, recovery) -> int:
    engine = make_engine(feed_server.db_url, pool_size=1)
    try:
        return feed_round(engine, recovery, datetime.now(UTC))
    finally:
        engine.dispose()


def test_views_and_steps_reach_the_counter_and_only_what_changed_goes_again(
    feed_server, recovery, counter
):
    now = datetime.now(UTC)
    payday = salaried_consumer(recovery, now)
    open_step(recovery, CASE, now)
    before = head(feed_server.db_url)
    publish(feed_server, recovery)
    sent = feed_entities(feed_server.db_url, before)
    assert sent["smart_collect"] == 1 and sent["escalation_steps"] == 1
    assert sent["recovery_case"] == 5  # the open case and four paid ones
    assert publish(feed_server, recovery) == 0  # nothing changed: nothing goes again
    sync(counter)

    branch = counter_for(counter)
    page = load_smart_collect(branch, CONSUMER, datetime.now(UTC))
    server_view = smart_collect_view(recovery, CONSUMER, now, record=False)
    assert page.synced and page.published_at is not None
    assert page.view.income.typical_day == payday == server_view.income.typical_day
    assert [u.collection_id for u in page.view.upcoming] == [CASE]
    assert page.view.summary == server_view.summary
    assert page.view.recommendations == server_view.recommendations
    assert view_as_dict(page.view)["history"] == view_as_dict(server_view)["history"]
    case_page = load_case(branch, CASE, datetime.now(UTC))
    [step] = case_page.escalations
    assert (step.owner, step.state, step.action) == ("Ann Lee", "open", "call the consumer")

    # A step done at the central office: only the case's steps go again.
    with recovery.connect() as connection:
        step_id = connection.scalar(select(recovery_escalations.c.id))
    close_escalation(recovery, step_id, "Ann Lee", "called, pays on payday", datetime.now(UTC))
    before = head(feed_server.db_url)
    assert publish(feed_server, recovery) == 1
    assert feed_entities(feed_server.db_url, before) == {"escalation_steps": 1}
    sync(counter)
    [step] = load_case(branch, CASE, datetime.now(UTC)).escalations
    assert (step.state, step.closed_by) == ("done", "Ann Lee")

    # Steps gone from the recovery database: a tombstone empties the counter's copy.
    with recovery.begin() as connection:
        connection.execute(delete(recovery_escalations))
    assert publish(feed_server, recovery) == 1
    sync(counter)
    assert load_case(branch, CASE, datetime.now(UTC)).escalations == []


def test_a_malformed_view_is_quarantined_and_the_others_apply(feed_server, recovery, counter):
    salaried_consumer(recovery, datetime.now(UTC))
    publish(feed_server, recovery)
    sync(counter)
    with counter.read() as uow:
        view = json.loads(uow.session.get(SyncedSmartCollectView, CONSUMER).view_json)
    broken = json.loads(json.dumps(view))
    broken["consumer_id"] = "SC-BAD"
    broken["summary"]["total_scheduled"] = "many"
    other = dict(view, consumer_id="SC-OK")
    stamp = datetime.now(UTC).isoformat()
    changes = [
        Change(seq=1, entity="smart_collect", key="SC-BAD", op="upsert",
               data={"consumer_id": "SC-BAD", "view": broken, "cases": [], "published_at": stamp}),
        Change(seq=2, entity="smart_collect", key="SC-OK", op="upsert",
               data={"consumer_id": "SC-OK", "view": other, "cases": [], "published_at": stamp}),
    ]  # fmt: skip
    with counter.unit_of_work() as uow:
        result = apply_changes(uow.session, changes, uow.terminal().id, now=datetime.now(UTC))
        uow.commit()
    [failure] = result.failures
    assert failure.change.key == "SC-BAD" and "total_scheduled" in failure.error
    with counter.read() as uow:
        held = set(uow.session.scalars(select(SyncedSmartCollectView.consumer_id)))
    assert held == {CONSUMER, "SC-OK"}


def test_reschedule_at_the_branch_goes_through_the_server_and_comes_back_on_the_feed(
    feed_server, recovery, counter
):
    now = datetime.now(UTC)
    salaried_consumer(recovery, now)
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    [before] = load_smart_collect(branch, CONSUMER, now).view.upcoming
    assert before.scheduled_date == (now + timedelta(days=1)).astimezone(NEW_YORK).date()

    result = send_smart_collect_action(branch, CASE, "reschedule", "rpatel")

    with recovery.connect() as connection:
        next_at = connection.scalar(
            select(recovery_cases.c.next_at).where(recovery_cases.c.id == CASE)
        )
    assert next_at == result.next_at and result.optimal_window_used
    [after] = load_smart_collect(branch, CONSUMER, datetime.now(UTC)).view.upcoming
    assert after.scheduled_date != before.scheduled_date  # the counter's copy shows it already
    assert after.in_window and after.window is not None
    assert after.scheduled_date == after.window.start
    [case] = [c for c in load_case_rows(branch) if c.id == CASE]
    assert case.next_at == result.next_at


def test_attempt_now_is_a_supervisors_action_on_the_server(feed_server, recovery, counter):
    salaried_consumer(recovery, datetime.now(UTC))
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    with pytest.raises(UserFacingError, match="supervisor"):
        send_smart_collect_action(branch, CASE, "attempt", "rpatel")
    result = send_smart_collect_action(branch, CASE, "attempt", "mbrown")
    assert "asked by supervisor mbrown" in result.reason
    assert abs(result.next_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_offline_the_actions_are_refused_and_nothing_is_queued(feed_server, recovery, counter):
    salaried_consumer(recovery, datetime.now(UTC))
    publish(feed_server, recovery)
    sync(counter)
    feed_server.stop()
    with recovery.connect() as connection:
        was = connection.scalar(select(recovery_cases.c.next_at).where(recovery_cases.c.id == CASE))
    with counter.read() as uow:
        pending = uow.session.scalar(select(func.count()).select_from(OutboxRecord))

    with pytest.raises(UserFacingError, match=r"out of reach.*Nothing was changed or queued"):
        send_smart_collect_action(counter_for(counter), CASE, "reschedule", "rpatel")

    with recovery.connect() as connection:
        now_at = connection.scalar(
            select(recovery_cases.c.next_at).where(recovery_cases.c.id == CASE)
        )
    with counter.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(OutboxRecord)) == pending
    assert now_at == was


def load_case_rows(counter):
    with counter.read() as uow:
        return uow.recovery_feed.cases(None)


def test_a_round_builds_only_the_views_whose_inputs_changed_and_refreshes_stale_ones(
    feed_server, recovery
):
    now = datetime.now(UTC)
    salaried_consumer(recovery, now)
    add_consumer(recovery, "SC-C2")
    add_case(recovery, "SC-2", "SC-C2", now - timedelta(hours=3), next_at=now + timedelta(days=1))
    publish(feed_server, recovery)
    built: list[str] = []

    def snapshots(ids, at):
        built.extend(ids)
        return consumer_snapshots(recovery, ids, at)

    source = Callables(lambda: consumer_signatures(recovery), snapshots)
    add_attempt(recovery, "SC-2", now - timedelta(hours=1), False, category="insufficient_funds")
    engine = make_engine(feed_server.db_url, pool_size=1)
    try:
        assert publish_changed(engine, VIEW, source, now, stale_after=VIEW_STALE_AFTER) == 1
        assert built == ["SC-C2"]  # SC-C1's view is not even built
        built.clear()
        assert publish_changed(engine, VIEW, source, now, stale_after=VIEW_STALE_AFTER) == 0
        assert built == []
        # A day later every view is rebuilt (its window and bands depend on the date).
        with engine.begin() as connection:
            connection.execute(update(smart_collect_feed_published).values(
                published_at=now - timedelta(hours=21)))  # fmt: skip
        assert publish_changed(engine, VIEW, source, now, stale_after=VIEW_STALE_AFTER) == 2
        assert sorted(built) == [CONSUMER, "SC-C2"]
    finally:
        engine.dispose()


def test_a_step_is_marked_done_only_through_its_own_case(feed_server, recovery, counter):
    now = datetime.now(UTC)
    salaried_consumer(recovery, now)
    open_step(recovery, CASE, now)
    publish(feed_server, recovery)
    sync(counter)
    branch = counter_for(counter)
    [step] = load_case(branch, CASE, now).escalations
    with pytest.raises(UserFacingError, match="has no escalation step"):
        send_step_done(branch, f"{CONSUMER}-OLD0", step.id, "rpatel", "done")
    assert send_step_done(branch, CASE, step.id, "rpatel", "called") == "done"
    [step] = load_case(branch, CASE, datetime.now(UTC)).escalations  # pulled after it
    assert (step.state, step.closed_by) == ("done", "rpatel")
