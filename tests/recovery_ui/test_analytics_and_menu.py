"""Recovery analytics (table by segment / channel / category, the heatmap with data and with
none, drill-down to the queue, CSV export) and the Recovery menu: F8, Enter opens the queue in
a 1024x768 window, the entries offered by role."""

import csv
import re

from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication

from app.domain.roles import Role
from app.services.recovery_cases import list_cases
from app.services.recovery_database import shared_recovery_database
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.support.recovery_ui import analytics_of, shot
from tests.support.ui import sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.recovery.area_smart_collect import ANALYTICS, QUEUE, entries
from ui.recovery.queue_screen import RecoveryQueueScreen
from ui.recovery.recovery_analytics_screen import GroupColumn


def cells(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_analytics_by_segment_channel_and_category_with_the_heatmap(qtbot, recovery, manager):
    screen = analytics_of(qtbot, manager)
    every = list_cases(shared_recovery_database(recovery))
    keys = cells(screen.model, GroupColumn.KEY)
    assert keys[-1] == "All" and cells(screen.model, GroupColumn.CASES)[-1] == str(len(every))
    paid = [c for c in every if c["status"] == "paid"]
    assert cells(screen.model, GroupColumn.RECOVERED)[-1] == str(len(paid))
    assert {"standard", "high value"} <= set(keys)
    # Money and dates as the branch writes them; figures right-aligned under their headings.
    assert cells(screen.model, GroupColumn.AMOUNT)[-1].startswith("$")
    assert re.search(r"Cases failed [A-Z][a-z]{2} \d+, \d{4} to ", screen.notice.text())
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert (
        screen.model.index(0, GroupColumn.AMOUNT).data(Qt.ItemDataRole.TextAlignmentRole) == right
    )
    assert screen.heatmap.cells_with_charges() > 0  # the run's charges, by hour and day
    # One cell per hour and day, whatever was drawn before (setRect once scaled it 24-fold).
    image = screen.heatmap.image
    assert image.mapRectToView(image.boundingRect()) == QRectF(-0.5, -0.5, 24, 31)
    shot(screen, "recovery_analytics")
    screen.dimension.setCurrentIndex(screen.dimension.findData("category"))
    assert "insufficient funds" in cells(screen.model, GroupColumn.KEY)
    assert screen.model.headerData(0, Qt.Orientation.Horizontal) == "Decline category"
    screen.dimension.setCurrentIndex(screen.dimension.findData("channel"))
    assert cells(screen.model, GroupColumn.KEY)[0] == "no reminder"  # none sent in the demo


def test_escape_on_analytics_goes_back(qtbot, empty_recovery, manager):
    screen = analytics_of(qtbot, manager)
    screen.activateWindow()  # shortcuts need the active window; offscreen none is given
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen)
    with qtbot.waitSignal(screen.back_requested, timeout=2_000):
        qtbot.keyClick(screen.table, Qt.Key.Key_Escape)


def test_analytics_export_writes_every_dimension(qtbot, recovery, manager, tmp_path):
    screen = analytics_of(qtbot, manager)
    target = tmp_path / "recovery.csv"
    screen.export_button.choose_path = lambda *_: target
    with qtbot.waitSignal(screen.export_button.exported, timeout=20_000):
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    with target.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    dimensions = {row[0] for row in rows}
    assert {"segment", "channel", "category"} <= dimensions


def test_empty_analytics_draw_no_heatmap_and_say_no_cases(qtbot, empty_recovery, manager):
    screen = analytics_of(qtbot, manager)
    assert screen.model.rowCount() == 0
    assert "No cases yet" in screen.notice.text()
    assert screen.heatmap.cells_with_charges() == 0
    assert screen.heatmap.empty.textItem.toPlainText() == "No charges yet"
    assert screen.heatmap.empty.zValue() > screen.heatmap.image.zValue()  # not hidden by it
    shot(screen, "recovery_analytics_empty")


def window_for(qtbot, db) -> MainWindow:
    counter = counter_for(db)
    window = MainWindow(
        ClientContext(counter=counter, settings=current_settings(counter.read()),
                      terminal_code="T01"),
        idle_lock_ms=600_000,
    )  # fmt: skip
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    return window


def test_f8_then_enter_opens_the_queue_and_a_row_drills_down_from_analytics(
    qtbot, db, recovery
) -> None:
    window = window_for(qtbot, db)
    sign_in(qtbot, window, "mbrown", "2345")
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.recovery_menu.isVisible())
    assert window.recovery_menu.actions()[0].text() == "Recovery queue"
    qtbot.keyClick(window.recovery_menu, Qt.Key.Key_Down)  # the first item
    if window.recovery_menu.activeAction() is not window.recovery_menu.actions()[0]:
        window.recovery_menu.setActiveAction(window.recovery_menu.actions()[0])
    qtbot.keyClick(window.recovery_menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), RecoveryQueueScreen))
    queue = window.stack.currentWidget()
    qtbot.waitUntil(lambda: queue.queue.model.rowCount() > 0, timeout=20_000)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768
    shot(window, "window_queue")
    window.activateWindow()  # the closed menu leaves no active window offscreen
    qtbot.waitUntil(lambda: QApplication.focusWidget() is queue.queue.table)
    qtbot.keyClick(queue.queue.table, Qt.Key.Key_Return)  # the top case
    qtbot.waitUntil(lambda: queue.currentWidget() is queue.case_screen)
    qtbot.waitUntil(lambda: queue.case_screen.model.rowCount() > 0, timeout=20_000)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768
    shot(window, "window_case")
    queue.case_screen.consumer_button.click()
    qtbot.waitUntil(lambda: queue.smart_collect is not None and queue.smart_collect.view
                    is not None, timeout=20_000)  # fmt: skip
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768
    shot(window, "window_smart_collect")

    (analytics,) = [e for e in window.recovery_entries if e.name == ANALYTICS]
    window.show_recovery_entry(analytics)
    screen = window.stack.currentWidget()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=20_000)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 768
    shot(window, "window_analytics")
    row = screen.model.rows.index(next(g for g in screen.model.rows if g.key == "standard"))
    screen.table.setCurrentIndex(screen.model.index(row, 0))
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.screens[QUEUE]
    wanted = sorted(screen.model.rows[row].case_ids)
    qtbot.waitUntil(lambda: sorted(r.case_id for r in queue.queue.model.rows) == wanted,
                    timeout=20_000)  # fmt: skip
    assert queue.queue.clear_drill.isVisible()
    shot(window, "window_drill_down")


def test_the_menu_offers_the_queue_to_recovery_staff_and_analytics_to_managers():
    by_name = {e.name: e for e in entries()}
    assert entries()[0].name == QUEUE
    assert Role.RECOVERY_EXECUTIVE in by_name[QUEUE].roles
    assert Role.CASHIER not in by_name[QUEUE].roles
    assert by_name[ANALYTICS].roles == frozenset({Role.BILLING_MANAGER, Role.ADMIN})
