"""Offer plan on the Case screen at a branch, keyboard only (pytest-qt, offscreen), against the
real central server: the dialog's fields in Tab order, OK only when the answer has what it
needs, and the PP- plan made on the server with the consumer's acceptance."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.services.counter_plans_views import plan_detail
from app.services.recovery_plan_offers import OfferRequest, offer_plan
from sync.client import recovery_actions
from tests.plan_offers.test_offer_expiry_pg import statuses as offer_statuses
from tests.plan_offers.test_offer_roundtrip_pg import case_status, offers_written, publish
from tests.support.recovery_feed import open_case
from tests.support.recovery_ui import context_as
from tests.sync_client.support import sync
from ui.recovery import case_server
from ui.recovery.case_screen import CaseScreen, TimelineColumn
from ui.recovery.plan_offer_dialog import PlanOfferDialog

pytestmark = pytest.mark.usefixtures(
    "_nothing_outlives_its_test", "_pools_gone_before_exit", "styled"
)
SHOTS = os.environ.get("TILLDESK_SHOTS")  # a folder: the dialog's screenshot is saved there


@pytest.fixture
def port():
    """The port `tilldesk client` installs: the real HTTP client to the server."""
    previous = list(case_server._installed)
    case_server.install(recovery_actions)
    yield
    case_server._installed[:] = previous


def case_screen(qtbot, counter, case_id: str) -> CaseScreen:
    screen = CaseScreen(context_as(counter, "rpatel", "3456"))
    qtbot.addWidget(screen)
    screen.resize(1024, 768)
    screen.show()
    screen.show_case(case_id)
    qtbot.waitUntil(lambda: screen.plan_button.isEnabled(), timeout=20_000)
    return screen


def open_dialog(qtbot, screen: CaseScreen) -> PlanOfferDialog:
    screen.plan_button.setFocus()
    qtbot.keyClick(screen.plan_button, Qt.Key.Key_Space)
    dialog = screen.dialog
    assert isinstance(dialog, PlanOfferDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    return dialog


def tab(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)


def test_an_offer_accepted_at_the_counter_is_made_a_plan_from_the_keyboard(
    qtbot, feed_server, recovery, counter, port
):
    open_case(recovery, "K-3001", 12_000)
    publish(feed_server, recovery)
    sync(counter)
    screen = case_screen(qtbot, counter, "K-3001")
    dialog = open_dialog(qtbot, screen)
    assert dialog.focusWidget() is dialog.count  # the first field takes the keys
    qtbot.keyClick(dialog.count, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.count, "4")
    tab(qtbot, dialog)  # frequency: Monthly stays
    tab(qtbot, dialog)
    qtbot.keyClicks(dialog.down, "20.00")
    tab(qtbot, dialog)  # first due: one period on
    tab(qtbot, dialog)
    assert dialog.focusWidget() is dialog.answer and dialog.ok.text() == "&Offer"
    qtbot.keyClick(dialog.answer, Qt.Key.Key_Down)  # Accepted at the counter
    assert dialog.channel() == "counter" and not dialog.ok.isEnabled()
    tab(qtbot, dialog)
    qtbot.keyClicks(dialog.accepted_by, "John Doe")
    tab(qtbot, dialog)
    qtbot.keyClicks(dialog.evidence, "signed the plan form at the counter")
    assert dialog.ok.isEnabled() and dialog.ok.text() == "&Make plan"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(Path(SHOTS) / "plan_offer_dialog.png"))
        screen.window().grab().save(str(Path(SHOTS) / "plan_offer_case_screen.png"))
    qtbot.keyClick(dialog.evidence, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "made" in screen.message.text(), timeout=30_000)
    year = datetime.now(UTC).year
    assert screen.message.text().startswith(f"Plan PP-{year}-0001 made: 4 monthly installments")
    assert "accepted by John Doe at the counter" in screen.message.text()
    [row] = feed_server.query(
        "SELECT a.accepted_by, a.channel, a.recorded_by, p.data FROM plan_acceptances a "
        "JOIN payment_plans p ON p.id = a.plan_id"
    )
    assert (row.accepted_by, row.channel, row.recorded_by) == ("John Doe", "counter", "rpatel")
    assert (row.data["down_payment_minor"], row.data["installment_count"]) == (2_000, 4)
    assert case_status(recovery, "K-3001") == "plan"
    detail = plan_detail(counter.unit_of_work(), f"PP-{year}-0001")
    assert [i.amount_minor for i in detail.summary.compliance.installments] == [
        2_000, 2_500, 2_500, 2_500, 2_500,
    ]  # fmt: skip


def test_an_offer_only_then_the_answer_recorded_when_the_consumer_calls_back(
    qtbot, feed_server, recovery, counter, port
):
    open_case(recovery, "K-3002", 9_000)
    publish(feed_server, recovery)
    sync(counter)
    screen = case_screen(qtbot, counter, "K-3002")
    dialog = open_dialog(qtbot, screen)
    qtbot.keyClick(dialog.count, Qt.Key.Key_Return)  # 3 monthly, not accepted yet: Offer
    qtbot.waitUntil(lambda: "Awaiting the consumer's answer" in screen.message.text(),
                    timeout=30_000)  # fmt: skip
    assert feed_server.query("SELECT 1 FROM plan_acceptances") == []
    qtbot.waitUntil(lambda: screen.plan_button.isEnabled(), timeout=20_000)

    again = open_dialog(qtbot, screen)
    assert again.pending and "3 monthly installments of about 30.00 USD" in again.pending
    assert again.focusWidget() is again.answer and again.channel() == "counter"
    qtbot.keyClick(again.answer, Qt.Key.Key_Down)  # by phone
    tab(qtbot, again)
    qtbot.keyClicks(again.accepted_by, "Jane Doe (his wife, on the account)")
    tab(qtbot, again)
    qtbot.keyClicks(again.evidence, "yes on the phone, call ref 88")
    qtbot.keyClick(again.evidence, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "made" in screen.message.text(), timeout=30_000)
    [row] = feed_server.query("SELECT accepted_by, channel FROM plan_acceptances")
    assert (row.accepted_by, row.channel) == ("Jane Doe (his wife, on the account)", "phone")


def test_escape_writes_nothing(qtbot, feed_server, recovery, counter, port):
    open_case(recovery, "K-3003", 9_000)
    publish(feed_server, recovery)
    sync(counter)
    screen = case_screen(qtbot, counter, "K-3003")
    dialog = open_dialog(qtbot, screen)
    qtbot.keyClick(dialog.count, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert offers_written(recovery) == 0


def test_a_declined_offer_closes_and_the_case_goes_on(qtbot, feed_server, recovery, counter, port):
    open_case(recovery, "K-3004", 9_000)
    publish(feed_server, recovery)
    sync(counter)
    screen = case_screen(qtbot, counter, "K-3004")
    qtbot.keyClick(open_dialog(qtbot, screen).count, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Awaiting" in screen.message.text(), timeout=30_000)
    qtbot.waitUntil(lambda: screen.plan_button.isEnabled(), timeout=20_000)
    again = open_dialog(qtbot, screen)
    for _ in range(3):
        qtbot.keyClick(again.answer, Qt.Key.Key_Down)  # counter, phone, link, Declined
    assert again.channel() == "declined" and not again.accepted_by.isEnabled()
    assert again.ok.text() == "Record &no" and not again.ok.isEnabled()
    tab(qtbot, again)  # Accepted by is off: straight to Why
    assert again.focusWidget() is again.evidence
    qtbot.keyClicks(again.evidence, "cannot afford it before March")
    if SHOTS:
        again.grab().save(str(Path(SHOTS) / "plan_answer_dialog.png"))
    qtbot.keyClick(again.evidence, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "declined" in screen.message.text(), timeout=30_000)
    assert case_status(recovery, "K-3004") == "open"
    assert feed_server.query("SELECT 1 FROM plan_acceptances") == []


def test_an_offer_not_accepted_by_its_first_due_date_shows_expired_and_new_terms_replace_it(
    qtbot, feed_server, recovery, counter, port
):
    lapsed = datetime.now(UTC).date() - timedelta(days=4)
    open_case(recovery, "K-3005", 9_000)
    offer_plan(recovery, "K-3005", OfferRequest(3, "Monthly", first_due=lapsed), user="rpatel",
               now=datetime.now(UTC) - timedelta(days=30))  # fmt: skip
    publish(feed_server, recovery)
    sync(counter)
    screen = case_screen(qtbot, counter, "K-3005")

    dialog = open_dialog(qtbot, screen)

    # Not "record the answer": the offer can no longer be accepted, so the terms are asked for.
    expired = dialog.findChild(QLabel, "casePlanExpired")
    assert dialog.pending is None and expired is not None and expired.isVisible()
    assert f"not accepted by {lapsed.isoformat()}, its first due date" in expired.text()
    assert "3 monthly installments of about 30.00 USD" in expired.text()
    assert dialog.focusWidget() is dialog.count and dialog.ok.text() == "&Offer"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(Path(SHOTS) / "plan_offer_expired_dialog.png"))
    qtbot.keyClick(dialog.count, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "Awaiting the consumer's answer" in screen.message.text(),
                    timeout=30_000)  # fmt: skip
    assert offer_statuses(recovery, "K-3005") == ["expired", "offered"]
    qtbot.waitUntil(lambda: screen.plan_button.isEnabled(), timeout=20_000)
    lines = [screen.model.text(row, TimelineColumn.TEXT) for row in screen.page.timeline]
    assert lines[1].startswith("Plan offer expired: 3 monthly installments of about $30.00")
    assert lines[1].endswith(f"not accepted by {lapsed.isoformat()}, its first due date")
    if SHOTS:
        screen.window().grab().save(str(Path(SHOTS) / "plan_offer_expired_case_screen.png"))
