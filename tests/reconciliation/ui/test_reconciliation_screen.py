"""The Reconciliation screen, driven as a billing manager would, from the keyboard."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.db.database import Database
from app.services.actors import sign_in as sign_in_service
from app.services.runtime import counter_for
from app.services.settings import current_settings
from tests.reconciliation.counter import add_online_payment, make_deposits, statement_csv
from tests.support.ui import SCREEN_HEIGHT, SCREEN_WIDTH, fits, sign_in
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.recovery.area_analytics import RECONCILIATION
from ui.screens.reconciliation import ReconciliationScreen


def settle() -> None:
    for _ in range(4):
        wait_for_all()
        QApplication.processEvents()


@pytest.fixture
def screen(qtbot, db: Database, tmp_path: Path) -> Iterator[ReconciliationScreen]:
    statement = tmp_path / "april.csv"
    statement.write_bytes(statement_csv(make_deposits(db)))
    add_online_payment(db, status="Failed", hours_ago=30)
    counter = counter_for(db)
    context = ClientContext(
        counter=counter,
        settings=current_settings(counter.read()),
        actor=sign_in_service(counter.write(), "mbrown", "2345"),
        terminal_code="T01",
    )
    widget = ReconciliationScreen(context)
    widget.choose_statement_path = lambda: statement  # type: ignore[method-assign]
    qtbot.addWidget(widget)
    widget.resize(SCREEN_WIDTH, 600)
    widget.show()
    widget.refresh()
    settle()
    yield widget
    wait_for_all()


def cells(model, column: int) -> list[str]:
    return [model.rows[row][column] for row in range(model.rowCount())]


def test_import_run_and_confirm_a_suggestion_from_the_keyboard(qtbot, screen) -> None:
    assert "No bank statement yet" in screen.summary.text()

    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    settle()
    assert screen.matches.message.text() == "5 new bank lines, 0 known."
    screen.run_button.setFocus()
    qtbot.keyClick(screen.run_button, Qt.Key.Key_Space)
    settle()

    assert sorted(cells(screen.matches_model, 1)) == ["Matched", "Matched", "Suggested"]
    assert cells(screen.lines_model, 1) == ["$999.99", "$150.00"]
    assert [text.split(" (")[1] for text in map(screen.tabs.tabText, range(3))] == [
        "2)",
        "2)",
        "1)",
    ]
    assert cells(screen.exceptions_model, 1) == ["Failed"]

    table = screen.matches.table
    table.setFocus()
    suggested = cells(screen.matches_model, 1).index("Suggested")
    table.selectRow(suggested)
    assert screen.confirm_button.isEnabled() and not screen.undo_button.isEnabled()
    screen.confirm_button.setFocus()
    qtbot.keyClick(screen.confirm_button, Qt.Key.Key_Space)
    settle()

    assert "confirmed" in screen.matches.message.text()
    assert sorted(cells(screen.matches_model, 1)) == ["Confirmed", "Matched", "Matched"]
    assert cells(screen.lines_model, 1) == ["$999.99"]
    assert [row[2] for row in screen.items_model.rows] == ["payment"]


def test_a_refusal_is_shown_on_the_screen(qtbot, screen) -> None:
    qtbot.mouseClick(screen.run_button, Qt.MouseButton.LeftButton)
    settle()

    assert screen.matches.message.text() == (
        "Import a bank statement first: there are no bank lines."
    )


def test_the_screen_opens_from_the_menu_for_a_billing_manager_and_fits_1024_by_768(
    qtbot,
    db: Database,
    styled,
) -> None:
    counter = counter_for(db)
    window = MainWindow(
        ClientContext(
            counter=counter, settings=current_settings(counter.read()), terminal_code="T01"
        ),
        idle_lock_ms=600_000,
    )
    qtbot.addWidget(window)
    window.resize(SCREEN_WIDTH, SCREEN_HEIGHT)
    window.show()
    sign_in(qtbot, window, "mbrown", "2345")
    (entry,) = [e for e in window.recovery_entries if e.name == RECONCILIATION]

    window.show_recovery_entry(entry)
    settle()

    assert window.stack.currentWidget().objectName() == "reconciliationScreen"
    width, height, shown_width, shown_height = fits(window)
    assert (width <= SCREEN_WIDTH, height <= SCREEN_HEIGHT) == (True, True), (width, height)
    assert (shown_width, shown_height) == (SCREEN_WIDTH, SCREEN_HEIGHT)
    wait_for_all()
