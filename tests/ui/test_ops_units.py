"""WriteOp and ReadOp hand screens' use cases their unit of work; what changed is announced as
areas, and a rule's refusal nobody handles reaches the person as a message, not a crash."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from app.db.database import Database
from app.domain.changes import Area
from app.services.payment_details import PaymentDetails, payment_details
from app.services.record_payment import PaymentRequest, record_payment
from app.services.runtime import counter_for
from app.services.settings import current_settings
from app.services.void_payment import void_payment
from ui.context import ClientContext
from ui.main_window import MainWindow
from ui.ops import ReadOp, ServiceOp, WriteOp, hub, wait_for_all


def pay(db: Database) -> str:
    request = PaymentRequest("WU-10001", "bill", ("INV-2025-001234",), "Cash", "145.50")
    return record_payment(db.unit_of_work(), request).receipt_number


@pytest.fixture
def announced(qapp):
    """Every set of areas announced on hub.changed during the test."""
    seen: list[frozenset] = []
    hub.changed.connect(seen.append)
    yield seen
    hub.changed.disconnect(seen.append)


def test_a_write_op_voids_through_its_own_unit_and_announces_the_areas(
    qtbot, db, context, announced
) -> None:
    receipt = pay(db)
    screen = QWidget()
    qtbot.addWidget(screen)
    answers: list = []

    WriteOp(
        screen,
        context,
        lambda uow: void_payment(uow, receipt=receipt, reason="Wrong bill", username="mbrown"),
    ).success(answers.append).run()

    qtbot.waitUntil(lambda: bool(answers))
    assert answers[0].status == "Voided"
    assert payment_details(db.read(), receipt).status == "Voided"  # really written
    assert announced == [frozenset({Area.PAYMENTS, Area.CONSUMERS, Area.KPIS, Area.CREDIT_NOTES})]
    assert all(isinstance(area, Area) for area in announced[0])


def test_a_read_op_answers_from_a_read_unit(qtbot, db, context) -> None:
    receipt = pay(db)
    screen = QWidget()
    qtbot.addWidget(screen)
    answers: list[PaymentDetails] = []

    ReadOp(screen, context, lambda uow: payment_details(uow, receipt)).success(answers.append).run()

    qtbot.waitUntil(lambda: bool(answers))
    assert answers[0].receipt_number == receipt
    assert answers[0].amount_minor == 14_550
    assert answers[0].void_refusal is None  # recorded today: a supervisor may void it


@dataclass(frozen=True)
class Pulled:
    changes: object


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (frozenset({"payments"}), [frozenset({Area.PAYMENTS})]),  # an area still a string
        (3_000, []),  # a sync pull's count of changes, not areas: nothing to announce
    ],
)
def test_areas_are_announced_as_members_and_counts_are_not_areas(
    qtbot, announced, changes, expected
) -> None:
    screen = QWidget()
    qtbot.addWidget(screen)
    answers: list = []

    ServiceOp(screen, lambda: Pulled(changes), read=True).success(answers.append).run()

    qtbot.waitUntil(lambda: bool(answers))  # the old code raised on the count here
    assert announced == expected
    assert all(Area.PAYMENTS in areas for areas in announced)


def test_a_refusal_no_screen_handles_shows_its_message_not_the_crash_dialog(
    qtbot, db: Database
) -> None:
    counter = counter_for(db)
    context = ClientContext(counter, current_settings(counter.read()), terminal_code="T01")
    window = MainWindow(context, idle_lock_ms=60_000)
    qtbot.addWidget(window)
    window.show()

    WriteOp(  # no .failure(): as the screens that have nowhere to show a refusal
        window,
        context,
        lambda uow: void_payment(uow, receipt="R-404", reason="Typo", username="mbrown"),
    ).run()

    def shown() -> QMessageBox | None:
        return window.findChild(QMessageBox, "refusalDialog")

    qtbot.waitUntil(lambda: shown() is not None and shown().isVisible())
    assert "R-404" in shown().text()
    assert shown().informativeText() == "Nothing was changed."
    assert window.findChild(QMessageBox, "crashDialog") is None
    wait_for_all()
