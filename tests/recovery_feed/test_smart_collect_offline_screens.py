"""Smart Collect, the Case screen's escalation steps and Recovery analytics at a branch without
a recovery database (pytest-qt, offscreen, 1024x768): they read what the last pull brought
from a real server on loopback, say it is the server's copy, and Reschedule to optimal goes
through that server - or is refused with a message when it is out of reach."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.recovery_tables_smart_collect import recovery_escalations
from app.domain.roles import Role
from app.services.actors import Actor
from app.services.runtime import counter_for
from app.services.settings import current_settings
from sync.client import recovery_actions
from tests.recovery_feed.test_smart_collect_feed import publish
from tests.smart_collect.rows import add_case, add_consumer
from tests.support.recovery_ui import shot
from tests.support.smart_collect_feed import CASE, CONSUMER, open_step, salaried_consumer
from tests.sync_client.support import sync
from ui.context import ClientContext
from ui.recovery import case_server
from ui.recovery.case_screen import CaseScreen
from ui.recovery.recovery_analytics_screen import RecoveryAnalyticsScreen
from ui.recovery.smart_collect_screen import SmartCollectScreen

pytestmark = pytest.mark.usefixtures(
    "_nothing_outlives_its_test", "_pools_gone_before_exit", "styled"
)
SCREEN = (1024, 768)


def context(db, username: str, role: Role) -> ClientContext:
    counter = counter_for(db)
    actor = Actor(uuid.uuid4(), username, username, role)
    return ClientContext(counter, current_settings(counter.read()), actor, "T01")


@pytest.fixture
def port():
    """The real port, as `tilldesk client` installs it."""
    previous = list(case_server._installed)
    case_server.install(recovery_actions)  # type: ignore[arg-type]
    yield
    case_server._installed[:] = previous


@pytest.fixture
def synced(feed_server, recovery, counter):
    """SC-C1 (paid monthly, an open case with a step) and SC-C2 (one case, no history yet),
    published and pulled."""
    now = datetime.now(UTC)
    payday = salaried_consumer(recovery, now)
    open_step(recovery, CASE, now)
    add_consumer(recovery, "SC-C2")
    add_case(recovery, "SC-2", "SC-C2", now - timedelta(hours=3), next_at=now + timedelta(days=1))
    publish(feed_server, recovery)
    sync(counter)
    return payday


def smart_collect(qtbot, db, consumer: str, role=Role.RECOVERY_EXECUTIVE) -> SmartCollectScreen:
    screen = SmartCollectScreen(context(db, "rpatel", role))
    qtbot.addWidget(screen)
    screen.resize(*SCREEN)
    screen.show()
    screen.show_consumer(consumer)
    qtbot.waitUntil(lambda: screen.view is not None or "no Smart Collect" in
                    screen.message.text(), timeout=20_000)  # fmt: skip
    return screen


def test_the_five_tabs_draw_from_the_synced_copy(qtbot, synced, counter, port):
    screen = smart_collect(qtbot, counter, CONSUMER)
    assert "the server's copy as of" in screen.message.text()
    assert screen.dashboard.values["scScheduled"].text() == "5"
    assert screen.dashboard.pie.counts == [4, 0, 1]  # four paid, one pending
    assert screen.upcoming.model.rowCount() == 1
    assert screen.upcoming.model.index(0, 0).data() == CASE
    assert screen.recommendations.recommendations.rowCount() >= 1
    assert screen.insights.income_chart.payday_slots() == [float(synced)]
    assert screen.history.model.rowCount() == 4
    assert "4 of 4 succeeded" in screen.history.methods.text()
    for n in range(5):
        screen.tabs.setCurrentIndex(n)
        qtbot.wait(50)
        shot(screen, f"smart-collect-synced-{n + 1}")


def test_the_tabs_draw_with_no_history_and_say_when_a_consumer_is_not_in_the_copy(
    qtbot, synced, counter, port
):
    screen = smart_collect(qtbot, counter, "SC-C2")
    assert screen.insights.income_chart.payday_slots() == []
    assert screen.insights.spending_chart.marked_days() == ([], [])
    assert screen.history.model.rowCount() == 0
    assert screen.history.methods.text() == "No collection attempts yet."
    assert "no optimal window" in screen.upcoming.empty.text()
    screen.tabs.setCurrentIndex(3)
    qtbot.wait(50)
    shot(screen, "smart-collect-synced-empty")
    screen.show_consumer("NOBODY")
    qtbot.waitUntil(lambda: "no Smart Collect in this counter's copy" in screen.message.text(),
                    timeout=20_000)  # fmt: skip


def test_reschedule_to_optimal_on_the_copy_changes_the_upcoming_date(qtbot, synced, counter, port):
    screen = smart_collect(qtbot, counter, CONSUMER)
    before = screen.upcoming.model.index(0, 3).data()
    screen.tabs.setCurrentIndex(1)
    qtbot.mouseClick(screen.upcoming.reschedule_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "inside the optimal window" in screen.message.text(), timeout=30_000)
    qtbot.waitUntil(lambda: screen.upcoming.model.index(0, 3).data() != before, timeout=20_000)
    [row] = screen.view.upcoming
    assert row.in_window and row.scheduled_date == row.window.start
    assert screen.upcoming.model.index(0, 7).data() == "Optimal"
    assert screen.upcoming.model.index(0, 6).data() == f"{row.collection_probability:.0f}%"
    qtbot.wait(50)
    shot(screen, "smart-collect-synced-rescheduled")


def test_offline_reschedule_is_refused_with_the_message(qtbot, synced, counter, port, feed_server):
    screen = smart_collect(qtbot, counter, CONSUMER)
    before = screen.upcoming.model.index(0, 3).data()
    feed_server.stop()
    qtbot.mouseClick(screen.upcoming.reschedule_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "out of reach" in screen.message.text(), timeout=30_000)
    assert "Nothing was changed or queued" in screen.message.text()
    assert screen.upcoming.model.index(0, 3).data() == before
    qtbot.wait(50)
    shot(screen, "smart-collect-synced-offline")


def test_the_case_screen_shows_the_synced_steps_and_marks_one_done_through_the_server(
    qtbot, synced, counter, port, recovery
):
    screen = CaseScreen(context(counter, "rpatel", Role.RECOVERY_EXECUTIVE))
    qtbot.addWidget(screen)
    screen.resize(*SCREEN)
    screen.show()
    screen.show_case(CASE)
    qtbot.waitUntil(lambda: screen.page is not None, timeout=20_000)
    # Words, not the engine's codes: the step's rule and the category the copy has as its code.
    assert "Vip second failure: call the consumer, owner Ann Lee" in screen.escalations.text()
    assert "open" in screen.escalations.text()
    assert "_" not in screen.facts.text() and "Insufficient funds" in screen.facts.text()
    opened = screen.model.index(0, 2).data()
    assert "(Insufficient funds)" not in opened and not opened.endswith("from -")
    assert screen.reschedule_button.isEnabled() and screen.consumer_button.isEnabled()
    qtbot.wait(50)
    shot(screen, "case-synced-steps")
    qtbot.keyClicks(screen.reason, "called: pays on payday")
    qtbot.mouseClick(screen.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "done by rpatel" in screen.escalations.text(), timeout=30_000)
    with recovery.connect() as connection:
        step = connection.execute(select(recovery_escalations)).one()
    assert (step.state, step.closed_by, step.note) == ("done", "rpatel", "called: pays on payday")


def test_recovery_analytics_on_the_synced_cases(qtbot, synced, counter, port):
    screen = RecoveryAnalyticsScreen(context(counter, "mbrown", Role.BILLING_MANAGER))
    qtbot.addWidget(screen)
    screen.resize(*SCREEN)
    screen.show()
    screen.period.setCurrentIndex(2)  # the last 365 days: the paid cases too
    screen.refresh()
    qtbot.waitUntil(lambda: screen.report is not None and screen.report.date_to is not None
                    and screen.model.rowCount() > 0, timeout=20_000)  # fmt: skip
    assert "Computed from the server's copy as of" in screen.notice.text()
    total = screen.model.rows[-1]
    assert (total.key, total.cases, total.recovered) == ("all", 6, 4)
    assert screen.heatmap.cells_with_charges() >= 1
    qtbot.wait(50)  # the layout settles (the notice wraps) before the picture
    shot(screen, "recovery-analytics-synced")
