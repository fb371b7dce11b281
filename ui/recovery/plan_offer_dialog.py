"""Offer a payment plan from a case, or record the consumer's answer to the offer already made.

The plan is the counter's own kind (PP-, numbered by the central server and paid at any
counter), so the offer always goes through the server (sync/client/plan_offers.py); offline it
is refused with a message. An offer the consumer has not accepted yet is not a plan: the case
shows it as awaiting an answer until someone records the yes (who, how) or the no. An offer
not accepted by its first due date has expired: the dialog says so and asks for new terms.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.plan_offers import PlanOfferRequest, has_lapsed, lapse_reason
from app.services.recovery_feed_case import CasePage
from app.services.recovery_plan_offers import EXPIRED_EVENT, first_due_in
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.recovery.case_server import case_server

FREQUENCIES = (("Monthly", "Monthly"), ("Every two weeks", "Fortnightly"), ("Weekly", "Weekly"))
NOT_YET = ""
ANSWERS = (
    ("Not yet: offer only", NOT_YET),
    ("Accepted at the counter", "counter"),
    ("Accepted by phone", "phone"),
    ("Accepted by the payment link", "link"),
)
DECLINED = "declined"
PLAN_EVENTS = ("plan_offered", "plan_accepted", "plan_declined", EXPIRED_EVENT)


class PlanServer(Protocol):
    def send_plan_offer(self, counter: Counter, case_id: str, request: PlanOfferRequest) -> str:
        """The server's message; UserFacingError when refused or out of reach."""


_installed: list[PlanServer] = []


def install(server: PlanServer) -> None:
    """Tests put a server of their own here; the client uses sync/client/plan_offers.py."""
    _installed[:] = [server]


def plan_server() -> PlanServer:
    """The installed one, else the Case screen's port (the client installs
    sync/client/recovery_actions.py, which carries send_plan_offer)."""
    if _installed:
        return _installed[0]
    try:
        port = case_server()
    except UserFacingError:
        port = None
    if not hasattr(port, "send_plan_offer"):
        raise UserFacingError(
            "This counter is not connected to a central server: plans are made there (PP- "
            "numbers), so a plan cannot be offered from here."
        )
    return cast(PlanServer, port)


def pending_offer(page: CasePage) -> str | None:
    """The offer awaiting the consumer's answer, as the timeline says (newest first)."""
    for entry in page.timeline:
        kind = entry.text.split(" ", 1)[0]
        if kind in PLAN_EVENTS:
            return entry.text.split(" ", 1)[1] if kind == "plan_offered" else None
    return None


def lapsed_on(pending: str | None, today: date) -> date | None:
    """The first due date of a pending offer that has expired since (the server closes it when
    new terms are offered); None when there is none or it can still be accepted."""
    first_due = first_due_in(pending) if pending else None
    return first_due if first_due is not None and has_lapsed(first_due, today) else None


class PlanOfferDialog(QDialog):
    """The terms and the consumer's answer; OK stays off until what the answer needs is given.
    The server checks the terms with the counter's plan rules and says what is wrong."""

    def __init__(
        self,
        case_id: str,
        owed: str,
        pending: str | None = None,
        parent: QWidget | None = None,
        *,
        expired: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("casePlanDialog")
        self.pending = pending
        self.expired = expired  # an offer not accepted in time: new terms replace it
        verb = "Record the answer to the plan offer" if pending else "Offer a payment plan"
        self.setWindowTitle(f"{verb} for case {case_id}")
        self.count = QSpinBox()
        self.count.setObjectName("casePlanInstallments")
        self.count.setAccessibleName("Installments")
        self.count.setRange(1, 60)
        self.count.setValue(3)
        self.frequency = QComboBox()
        self.frequency.setObjectName("casePlanFrequency")
        self.frequency.setAccessibleName("Frequency")
        for text, value in FREQUENCIES:
            self.frequency.addItem(text, value)
        self.down = _line("casePlanDown", "Down payment", "0.00 (none; due the day it is accepted)")
        self.first_due = _line("casePlanFirstDue", "First due date", "YYYY-MM-DD (one period on)")
        self.answer = QComboBox()
        self.answer.setObjectName("casePlanAnswer")
        self.answer.setAccessibleName("The consumer's answer")
        answers = (*ANSWERS[1:], ("Declined", DECLINED)) if pending else ANSWERS
        for text, value in answers:
            self.answer.addItem(text, value)
        self.accepted_by = _line("casePlanAcceptedBy", "Accepted by", "the consumer's name")
        self.evidence = _line("casePlanEvidence", "What they said", "e.g. 'yes, from Friday'")
        self.hint = QLabel("")
        self.hint.setObjectName("casePlanHint")
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "muted")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setObjectName("casePlanOk")
        # Its text changes with the answer ("Offer", "Make plan", "Record no"): wide enough
        # for the longest, so the layout never clips it.
        self.ok.setMinimumWidth(self.ok.fontMetrics().horizontalAdvance("Record no") + 40)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("casePlanCancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        if pending:
            offered = QLabel(f"Offered: {pending}")
            offered.setObjectName("casePlanPending")
            offered.setWordWrap(True)
            form.addRow(offered)
        else:
            if expired:
                lapsed = QLabel(expired)
                lapsed.setObjectName("casePlanExpired")
                lapsed.setAccessibleName("The expired offer")
                lapsed.setWordWrap(True)
                lapsed.setProperty("role", "strong")
                form.addRow(lapsed)
            form.addRow("&Installments", self.count)
            form.addRow("&Frequency", self.frequency)
            form.addRow("&Down payment", self.down)
            form.addRow("First &due date", self.first_due)
        form.addRow("The consumer's &answer", self.answer)
        self.by_label = QLabel("Accepted &by")
        self.by_label.setBuddy(self.accepted_by)
        form.addRow(self.by_label, self.accepted_by)
        self.said_label = QLabel("What they &said")
        self.said_label.setBuddy(self.evidence)
        form.addRow(self.said_label, self.evidence)
        layout = QVBoxLayout(self)
        self.setMinimumWidth(520)  # the acceptance note reads whole; still small at 1024x768
        layout.addLayout(form)
        layout.addWidget(QLabel(f"Owed: {owed}."))
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.answer.currentIndexChanged.connect(self._check)
        for field in (self.accepted_by, self.evidence):
            field.textChanged.connect(self._check)
        self._check()
        (self.answer if pending else self.count).setFocus()

    def channel(self) -> str:
        return str(self.answer.currentData() or "")

    def offer(self, username: str) -> PlanOfferRequest:
        """What goes to the server for this answer."""
        channel = self.channel()
        if channel == DECLINED:
            return PlanOfferRequest(verb="decline", username=username, reason=self.evidence.text())
        said: dict[str, Any] = {"accepted_by": self.accepted_by.text(), "channel": channel,
                                "evidence": self.evidence.text()}  # fmt: skip
        if self.pending:
            return PlanOfferRequest(verb="accept", username=username, **said)
        terms = PlanOfferRequest(
            verb="offer", username=username, installments=self.count.value(),
            frequency=str(self.frequency.currentData()), down_payment=self.down.text().strip(),
            first_due=self.first_due.text().strip(),
        )  # fmt: skip
        return replace(terms, **said) if channel else terms

    def _check(self) -> None:
        channel = self.channel()
        accepting = channel not in (NOT_YET, DECLINED)
        self.accepted_by.setEnabled(accepting)
        self.by_label.setEnabled(accepting)
        self.evidence.setEnabled(channel != NOT_YET)
        self.said_label.setText("&Why" if channel == DECLINED else "What they &said")
        if channel == NOT_YET:
            self.ok.setText("&Offer")
            self.hint.setText("An offer is not a plan: nothing is owed in installments until "
                              "the consumer's yes is recorded (Offer plan again).")  # fmt: skip
            ready = True
        elif channel == DECLINED:
            self.ok.setText("Record &no")
            self.hint.setText("The offer closes; the case goes on as before.")
            ready = bool(self.evidence.text().strip())
        else:
            self.ok.setText("&Make plan")
            self.hint.setText("The central server makes the PP- plan now; every counter can "
                              "take its installments. Needs the counter online.")  # fmt: skip
            ready = bool(self.accepted_by.text().strip() and self.evidence.text().strip())
        self.ok.setEnabled(ready)


def open_plan_offer(
    parent: QWidget,
    context: ClientContext,
    case_id: str,
    page: CasePage,
    done: Callable[[str], None],
    failed: Callable[[str], None],
) -> PlanOfferDialog:
    """The dialog for the case on `page`; on OK the offer goes to the server off the GUI
    thread, and `done` or `failed` gets the message to show."""
    case = page.case
    owed = case["amount_minor"] - case.get("recovered_minor", 0)
    pending, expired = pending_offer(page), None
    first_due = lapsed_on(pending, datetime.now(UTC).date())  # the server's "today" is UTC's
    if pending is not None and first_due is not None:
        offered, reason = pending.split(": awaiting", 1)[0], lapse_reason(first_due)
        expired = (
            f"The offer made before ({offered}) has expired: it was {reason}. Offer new terms."
        )
        pending = None
    dialog = PlanOfferDialog(case_id, context.money(owed), pending, parent, expired=expired)
    counter, who = context.counter, context.username or ""

    def run() -> Any:
        return plan_server().send_plan_offer(counter, case_id, dialog.offer(who))

    def record() -> None:
        ServiceOp(parent, run).success(done).failure(lambda error: failed(error.message)).run()

    dialog.accepted.connect(record)
    dialog.open()  # window-modal without a nested loop: the screen stays responsive
    return dialog


def _line(name: str, accessible: str, placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setPlaceholderText(placeholder)
    return field
