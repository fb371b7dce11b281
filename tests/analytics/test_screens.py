"""The Alerts and Payment-method analytics screens (pytest-qt, offscreen), with data and empty,
and the supervisors' alert count in the status bar of a 1024x768 window."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.db.database import Database
from app.services.actors import sign_in as sign_in_service
from app.services.recovery_alerts import evaluate
from app.services.recovery_database import open_recovery_database
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.analytics.recovery_rows import daily_failures
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, fits, settle, sign_in
from tests.support.ui_fixtures import QT_CLEANUP
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.recovery.alerts_screen import AlertsScreen
from ui.recovery.area_analytics import entries
from ui.recovery.method_analytics_screen import MethodAnalyticsScreen

pytestmark = QT_CLEANUP  # the screens' Qt clean-up

SHOTS = os.environ.get("TILLDESK_SHOTS")
TODAY = datetime.now(UTC).date()


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture(autouse=True)
def _recovery_beside_the_counter(monkeypatch):
    monkeypatch.delenv("TILLDESK_RECOVERY_DB", raising=False)


def context_as(db: Database, username: str, pin: str) -> ClientContext:
    counter = counter_for(db)
    return ClientContext(
        counter=counter,
        settings=current_settings(counter.read()),
        actor=sign_in_service(counter.write(), username, pin),
        terminal_code="T01",
    )


def with_alert(db: Database) -> None:
    """A week of 12 % card failures at Stripe and 1 % at NMI, evaluated: one critical alert."""
    engine = open_recovery_database(counter_for(db).recovery_db_url())
    yesterday = TODAY - timedelta(days=1)
    daily_failures(engine, yesterday, days=7, charges=100, failures=12)
    daily_failures(engine, yesterday, days=7, charges=100, failures=1, gateway="nmi",
                   card_type="debit")  # fmt: skip
    evaluate(engine, datetime.now(UTC))


def cells(table, column: int) -> list[str]:
    model = table.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_alerts_screen_shows_the_open_alert_and_a_supervisor_acknowledges_it(qtbot, db):
    with_alert(db)
    screen = AlertsScreen(context_as(db, "mbrown", "2345"))
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.open_model.rowCount() == 1)
    row = [screen.open_model.index(0, c).data() for c in range(4)]
    assert row == ["Critical", "Failure rate", "credit_card", "12.0 %"]
    assert screen.open_model.index(0, 4).data() == "10.0 %"
    assert screen.summary.text() == "1 open alert(s), 1 critical"
    assert cells(screen.history_table, 1) == ["Raised"]
    shot(screen, "alerts_open")
    assert screen.ack_button.isVisible() and not screen.ack_button.isEnabled()
    screen.open_table.selectRow(0)
    assert screen.ack_button.isEnabled()
    qtbot.mouseClick(screen.ack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.open_model.index(0, 7).data() == "mbrown")
    assert cells(screen.history_table, 1) == ["Acknowledged", "Raised"]
    screen.open_table.selectRow(0)
    assert not screen.ack_button.isEnabled()


def test_alerts_screen_empty_and_read_only_for_a_recovery_executive(qtbot, db):
    screen = AlertsScreen(context_as(db, "rpatel", "3456"))
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.summary.text() != "")
    assert screen.summary.text().startswith("No open alerts")
    assert screen.open_model.rowCount() == 0 and screen.history_model.rowCount() == 0
    assert not screen.ack_button.isVisible() and not screen.check_button.isVisible()
    shot(screen, "alerts_empty")


def test_method_analytics_table_chart_grouping_and_export(qtbot, db, tmp_path):
    with_alert(db)
    screen = MethodAnalyticsScreen(context_as(db, "mbrown", "2345"))
    qtbot.addWidget(screen)
    screen.resize(1000, 620)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    assert cells(screen.table, 0) == ["credit card", "debit card", "All"]
    assert cells(screen.table, 1) == ["84", "7", "91"]
    assert cells(screen.table, 2) == ["12.0 %", "1.0 %", "6.5 %"]
    assert screen.chart.bar_lengths() == pytest.approx([12.0, 1.0])
    assert screen.chart.names.labels == ["credit card", "debit card"]
    shot(screen, "method_analytics")

    screen.group.setCurrentIndex(1)  # gateway
    qtbot.waitUntil(lambda: cells(screen.table, 0)[:1] == ["stripe"])
    assert (
        screen.model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        == "Gateway"
    )
    assert screen.chart.bar_lengths() == pytest.approx([12.0, 1.0])  # still by method

    target = tmp_path / "analytics.csv"
    screen.export_button.choose_path = lambda *_: target
    with qtbot.waitSignal(screen.export_button.exported, timeout=10_000):
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    with target.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    keys = [row[0] for row in rows]
    assert "stripe" in keys and "nmi" in keys and "all" in keys


def test_method_analytics_empty(qtbot, db):
    screen = MethodAnalyticsScreen(context_as(db, "mbrown", "2345"))
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: "No failed payments" in screen.notice.text())
    assert screen.model.rowCount() == 0 and screen.chart.bar_lengths() == []
    assert screen.chart.empty.textItem.toPlainText() == "No failures"
    shot(screen, "method_analytics_empty")


def test_status_bar_counts_alerts_for_supervisors_and_opens_the_alerts_screen(
    qtbot,
    db,
    styled,
):
    with_alert(db)
    counter = counter_for(db)
    context = ClientContext(
        counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
    )
    window = MainWindow(context, idle_lock_ms=600_000)
    qtbot.addWidget(window)
    window.resize(SCREEN_WIDTH, SCREEN_HEIGHT)
    window.show()
    sign_in(qtbot, window, "mbrown", "2345")
    button = window.status_recovery_alerts
    qtbot.waitUntil(button.isVisible)
    assert button.text() == "⚠ 1 payment alert (1 critical)"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "recoveryAlertsScreen")
    settle()
    width, height, _, _ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT
    shot(window, "window_alerts")
    [analytics_entry] = [e for e in entries() if e.name == "recovery_method_analytics"]
    window.show_recovery_entry(analytics_entry)
    settle()
    width, height, _, _ = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT
    assert window.stack.currentWidget().objectName() == "methodAnalyticsScreen"
    shot(window, "window_method_analytics")
    window.sign_out()
    assert not button.isVisible()
    wait_for_all()


def test_cashiers_never_see_the_alert_count(qtbot, db, styled):
    with_alert(db)
    counter = counter_for(db)
    window = MainWindow(
        ClientContext(
            counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
        ),
        idle_lock_ms=600_000,
    )
    qtbot.addWidget(window)
    window.show()
    sign_in(qtbot, window, "jsmith", "1234")
    settle()
    assert not window.status_recovery_alerts.isVisible()
    assert all(e.name != "recovery_alerts" for e in window._recovery_entries_allowed())
    wait_for_all()
