"""Smart Collect for a consumer (pytest-qt, offscreen): the five tabs, the bands' colours,
Reschedule to optimal moving the upcoming date, Attempt now for supervisors only, and the
charts with data and with none."""

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt

from app.recovery.smart_collect.income import Credit
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_intake import save_consumers
from app.services.recovery_portfolio import Consumer
from app.services.smart_collect_queue import recovery_queue
from tests.smart_collect.rows import add_case, add_consumer, add_credits
from tests.support.recovery_ui import PAYDAY, SOFT, open_consumer, shot
from ui.recovery.smart_collect_common import BAND_TONES
from ui.recovery.smart_collect_screen import SmartCollectScreen
from ui.widgets.style import stylesheet_colour

UPCOMING_DATE = 3  # the Scheduled column


def scheduled_consumer(url: str) -> tuple[str, str]:
    """(consumer, case) of a case declined for funds, open and due: one that can be moved."""
    queue = recovery_queue(shared_recovery_database(url), datetime.now(UTC))
    entry = next(e for e in queue if e.case_id.startswith(SOFT))
    return entry.consumer_id, entry.case_id


def select_collection(screen: SmartCollectScreen, case_id: str) -> int:
    row = next(i for i, u in enumerate(screen.view.upcoming) if u.collection_id == case_id)
    screen.upcoming.table.selectRow(row)
    return row


def test_the_five_tabs_show_the_consumers_collections(qtbot, recovery, manager):
    consumer, _case = scheduled_consumer(recovery)
    screen = open_consumer(qtbot, manager, consumer)
    tabs = [screen.tabs.tabText(i).replace("&", "") for i in range(screen.tabs.count())]
    assert tabs == ["1 Dashboard", "2 Upcoming", "3 Recommendations", "4 Insights", "5 History"]
    assert screen.heading.text().startswith(f"Smart Collect: {consumer}")
    summary = screen.view.summary
    assert screen.dashboard.values["scScheduled"].text() == str(summary.total_scheduled)
    assert screen.dashboard.kpis.rowCount() == 5  # the seed's KPI targets against actuals
    assert sum(n for _name, n, _deg in screen.dashboard.pie.slices()) == summary.total_scheduled
    shot(screen, "smart_collect_dashboard")
    upcoming = screen.upcoming.model
    assert upcoming.rowCount() >= 1
    band = upcoming.rows[0].status.value
    brush = upcoming.index(0, 7).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == stylesheet_colour(BAND_TONES[band])
    screen.tabs.setCurrentIndex(1)
    shot(screen, "smart_collect_upcoming")
    screen.tabs.setCurrentIndex(3)
    assert screen.insights.income_chart.payday_slots() == [PAYDAY]
    assert f"Typical day: {PAYDAY}" in screen.insights.salary.text()
    shot(screen, "smart_collect_insights")
    screen.tabs.setCurrentIndex(2)
    shot(screen, "smart_collect_recommendations")
    screen.tabs.setCurrentIndex(4)
    assert screen.history.model.rowCount() == len(screen.view.history)
    shot(screen, "smart_collect_history")


def test_reschedule_to_optimal_moves_the_upcoming_date_into_the_window(qtbot, recovery, executive):
    consumer, case_id = scheduled_consumer(recovery)
    screen = open_consumer(qtbot, executive, consumer)
    row = select_collection(screen, case_id)
    before = screen.view.upcoming[row]
    window = screen.view.next_window
    assert window is not None and before.scheduled_date < window.start  # due before the payday
    screen.tabs.setCurrentIndex(1)
    assert screen.upcoming.reschedule_button.isVisible()
    assert not screen.upcoming.attempt_button.isVisible()  # supervisors only
    qtbot.mouseClick(screen.upcoming.reschedule_button, Qt.MouseButton.LeftButton)

    def moved() -> date:
        return next(u for u in screen.view.upcoming if u.collection_id == case_id).scheduled_date

    qtbot.waitUntil(lambda: moved() != before.scheduled_date, timeout=20_000)
    assert window.start <= moved() <= window.end
    row = next(i for i, u in enumerate(screen.view.upcoming) if u.collection_id == case_id)
    assert screen.upcoming.model.index(row, UPCOMING_DATE).data() == manager_day(screen, moved())
    shot(screen, "smart_collect_rescheduled")
    assert screen.message.text().startswith(f"{case_id}: next attempt")
    assert "inside the optimal window" in screen.message.text()


def manager_day(screen: SmartCollectScreen, day: date) -> str:
    return screen.upcoming.model.context.day(day)


def test_attempt_now_is_offered_to_supervisors(qtbot, recovery, manager):
    consumer, case_id = scheduled_consumer(recovery)
    screen = open_consumer(qtbot, manager, consumer)
    select_collection(screen, case_id)
    screen.tabs.setCurrentIndex(1)
    assert screen.upcoming.attempt_button.isVisible()
    qtbot.mouseClick(screen.upcoming.attempt_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.message.text().startswith(case_id), timeout=20_000)
    assert "attempt now, asked by supervisor mbrown" in screen.message.toolTip()


def test_an_unknown_consumer_is_said_so(qtbot, empty_recovery, manager):
    screen = SmartCollectScreen(manager)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.keyClicks(screen.consumer, "NOBODY")
    qtbot.keyClick(screen.consumer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "NOBODY" in screen.message.text(), timeout=20_000)
    assert screen.message.text() == "There is no consumer NOBODY in the recovery database."
    assert screen.view is None and not screen.tabs.isEnabled()


def test_a_consumer_with_nothing_recorded_draws_empty_charts(qtbot, empty_recovery, manager):
    engine = shared_recovery_database(empty_recovery)
    save_consumers(engine, [Consumer("NEW1", "new1@example.com", "", "US", "NY",
                                     "America/New_York", "en", False)])  # fmt: skip
    screen = open_consumer(qtbot, manager, "NEW1")
    assert screen.dashboard.pie.slices() == []
    assert screen.dashboard.values["scScheduled"].text() == "0"
    assert screen.upcoming.model.rowCount() == 0
    assert not screen.upcoming.reschedule_button.isEnabled()
    assert screen.insights.income_chart.payday_slots() == []
    assert screen.insights.income_chart.empty.textItem.toPlainText() == "No income pattern yet"
    assert screen.insights.spending_chart.marked_days() == ([], [])
    assert screen.history.methods.text() == "No collection attempts yet."
    shot(screen, "smart_collect_empty")
    screen.tabs.setCurrentIndex(3)
    shot(screen, "smart_collect_insights_empty")


def test_new_settings_reach_every_tab(qtbot, empty_recovery, manager, executive):
    screen = SmartCollectScreen(manager)
    qtbot.addWidget(screen)
    screen.set_context(executive)
    models = (screen.upcoming.model, screen.history.model, screen.dashboard.kpis,
              screen.recommendations.recommendations, screen.recommendations.signals)  # fmt: skip
    assert all(m.context is executive for m in models)
    assert screen.dashboard.context is executive and screen.insights.context is executive
    assert screen.upcoming.attempt_button.isHidden()  # a recovery executive: no Attempt now


def test_the_dashboard_and_tabs_show_money_percent_and_words(qtbot, recovery, manager):
    consumer, _case = scheduled_consumer(recovery)
    screen = open_consumer(qtbot, manager, consumer)
    kpis = screen.dashboard.kpis
    rows = {kpis.index(r, 0).data(): [kpis.index(r, c).data() for c in range(4)]
            for r in range(kpis.rowCount())}  # fmt: skip
    cost = rows["Cost per collection"]  # not "(minor units)": a person reads money
    assert cost[1] == "< $100.00" and cost[2].startswith("$")
    assert rows["Collection success rate"][2].endswith(" %")
    assert kpis.headerData(3, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    upcoming = screen.upcoming.model
    assert upcoming.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) == right  # the amount
    types = [screen.recommendations.recommendations.index(r, 1).data()
             for r in range(screen.recommendations.recommendations.rowCount())]  # fmt: skip
    assert types and all(t == t.capitalize() and "_" not in t for t in types)


def test_risk_signals_show_amounts_as_the_branchs_money(qtbot, empty_recovery, manager):
    engine = shared_recovery_database(empty_recovery)
    now = datetime.now(UTC)
    add_consumer(engine, "LOW1")
    add_case(engine, "LOW1-C1", "LOW1", now - timedelta(days=2), amount_minor=500_000)
    balances = [Credit(now.date() - timedelta(days=30 * k), 250_000, "bank",
                       balance_minor=290_000) for k in range(1, 4)]  # fmt: skip
    add_credits(engine, "LOW1", balances, now)
    screen = open_consumer(qtbot, manager, "LOW1")
    screen.tabs.setCurrentIndex(2)
    signals = screen.recommendations.signals
    shown = {signals.index(r, 1).data(): signals.index(r, 2).data()
             for r in range(signals.rowCount())}  # fmt: skip
    low = shown["Low average balance"]
    assert "$2,900.00 against $5,000.00 owed" in low and "2900.00 USD" not in low
    plans = screen.recommendations.recommendations
    reasons = [plans.index(r, 2).data() for r in range(plans.rowCount())]
    assert any("$2,900.00" in reason for reason in reasons)  # the flexible plan quotes it
    assert not any("USD" in reason for reason in reasons)
    shot(screen, "smart_collect_risk_signals")
