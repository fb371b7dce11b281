"""Note... and Escalate... on the case screen: keyboard-reachable dialogs, OK only when the
fields are filled, and the result on the case's timeline and escalations."""

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from app.services.recovery_database import shared_recovery_database
from app.services.recovery_intake import demo_failures, intake, save_consumers
from app.services.smart_collect_escalations import list_escalations
from ui.recovery.case_action_dialogs import EscalateDialog, NoteDialog
from ui.recovery.case_screen import CaseScreen


def _case_screen(qtbot, url: str, context) -> tuple[CaseScreen, str]:
    engine = shared_recovery_database(url)
    consumers, failures = demo_failures(datetime.now(UTC))
    save_consumers(engine, consumers)
    case_id = intake(engine, "demo", failures[:1]).added[0]
    screen = CaseScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1000, 640)
    screen.show()
    screen.show_case(case_id)
    qtbot.waitUntil(lambda: screen.note_button.isEnabled(), timeout=20_000)
    return screen, case_id


def test_a_note_typed_in_the_dialog_lands_on_the_timeline(qtbot, empty_recovery, executive):
    screen, _ = _case_screen(qtbot, empty_recovery, executive)
    screen.note_button.setFocus()
    qtbot.keyClick(screen.note_button, Qt.Key.Key_Space)  # the keyboard opens it
    dialog = screen.dialog
    assert isinstance(dialog, NoteDialog) and dialog.isVisible()
    assert not dialog.ok.isEnabled()  # nothing typed yet
    qtbot.keyClicks(dialog.text, "Promised to pay on Friday")
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and screen.model.rows[0].kind == "note",
                    timeout=20_000)  # fmt: skip
    assert screen.model.rows[0].text == "note by rpatel: Promised to pay on Friday"
    assert screen.message.text() == "Note added."


def test_escalate_names_an_owner_and_a_reason_and_opens_a_step(qtbot, empty_recovery, manager):
    screen, case_id = _case_screen(qtbot, empty_recovery, manager)
    qtbot.mouseClick(screen.escalate_button, Qt.MouseButton.LeftButton)
    dialog = screen.dialog
    assert isinstance(dialog, EscalateDialog)
    assert dialog.focusWidget() is dialog.owner  # typing starts in the owner's field
    qtbot.keyClicks(dialog.owner, "Anita Rao")
    assert not dialog.ok.isEnabled()  # a reason is needed too
    qtbot.keyClick(dialog.owner, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.reason  # Tab goes from the owner to the reason
    qtbot.keyClicks(dialog.reason, "VIP disputes the bill")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter accepts, as OK does
    qtbot.waitUntil(lambda: "escalated to Anita Rao" in screen.message.text(), timeout=20_000)
    qtbot.waitUntil(lambda: "manual escalation" in screen.escalations.text(), timeout=20_000)
    assert screen.model.rows[0].kind == "escalation"
    [step] = [s for s in list_escalations(shared_recovery_database(empty_recovery))
              if s.case_id == case_id]  # fmt: skip
    assert (step.owner, step.state) == ("Anita Rao", "open")
    assert step.why == "VIP disputes the bill (by mbrown)"


def test_cancel_writes_nothing(qtbot, empty_recovery, executive):
    screen, _ = _case_screen(qtbot, empty_recovery, executive)
    rows = screen.model.rowCount()
    qtbot.mouseClick(screen.note_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(screen.dialog.text, "never mind")
    qtbot.keyClick(screen.dialog, Qt.Key.Key_Escape)
    assert not screen.dialog.isVisible()
    assert screen.model.rowCount() == rows and screen.message.text() == ""


def test_offer_plan_without_a_central_server_says_so_and_writes_nothing(
    qtbot, empty_recovery, executive
):
    """Plans are the counter's PP- plans, numbered by the central server: a counter with its
    own recovery database but no server cannot make one (tests/plan_offers has the real one)."""
    from app.services.recovery_plan_offers import case_offers
    from ui.recovery.plan_offer_dialog import PlanOfferDialog

    screen, case_id = _case_screen(qtbot, empty_recovery, executive)
    qtbot.waitUntil(lambda: screen.plan_button.isEnabled(), timeout=20_000)
    qtbot.keyClick(screen.plan_button, Qt.Key.Key_Space)
    dialog = screen.dialog
    assert isinstance(dialog, PlanOfferDialog) and dialog.focusWidget() is dialog.count
    dialog.count.setValue(3)
    qtbot.keyClick(dialog.count, Qt.Key.Key_Return)  # Enter offers
    qtbot.waitUntil(lambda: "not connected to a central server" in screen.message.text(),
                    timeout=20_000)  # fmt: skip
    assert case_offers(shared_recovery_database(empty_recovery), case_id) == []
