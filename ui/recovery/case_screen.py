"""One recovery case: its timeline (decisions with reasons and scores, attempts, messages,
payments, events), its segments and escalations, and what a recovery executive may do."""

from collections.abc import Callable
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.services.recovery_case_actions import add_note, escalate_case
from app.services.recovery_cases import TimelineEntry, change_status
from app.services.recovery_feed_case import CasePage, load_case
from app.services.smart_collect_actions import ActionResult, attempt_now, reschedule_to_window
from app.services.smart_collect_escalations import EscalationRow, close_escalation
from ui.context import ClientContext
from ui.models.rows_model import RowsModel
from ui.ops import ServiceOp
from ui.recovery.case_action_dialogs import EscalateDialog, NoteDialog
from ui.recovery.case_server import case_server
from ui.recovery.case_text import (
    amounts_as_money,
    category_name,
    consumer_label,
    planned_moment,
    timeline_text,
    words,
)
from ui.recovery.plan_offer_dialog import PlanOfferDialog, open_plan_offer
from ui.recovery.smart_collect_common import (
    action_text,
    band_text,
    button,
    chance_text,
    engine_of,
    money,
    read_only_table,
)
from ui.widgets.style import restyle

SYNCED_AS_OF = "the server's copy as of"
STEP_DONE_TIP = "The first open escalation step is done (the reason field is its note)"
KIND_TEXT = {"intake": "Opened", "decision": "Decision", "attempt": "Attempt",
             "payment": "Payment", "message": "Message", "event": "Event", "note": "Note",
             "escalation": "Escalated"}  # fmt: skip


def _step_state(step: EscalationRow) -> str:
    """Done by whom; an open step past its due time is overdue (on the synced copy the server
    may have marked it missed since)."""
    if step.state == "done" and step.closed_by:
        return f"done by {step.closed_by}"
    if step.state == "open" and step.due_at < datetime.now(UTC):
        return "open, overdue"
    return step.state


def _code_text(case: dict[str, Any]) -> str:
    """The gateway's decline code in brackets; none when there is none, or when the server's
    copy has the category in its place (said in words just before)."""
    code = case["code"] or ""
    return f" ({code})" if code and code != case["category"] else ""


class TimelineColumn(IntEnum):
    AT = 0
    KIND = 1
    TEXT = 2


class TimelineModel(RowsModel[TimelineEntry]):
    columns = TimelineColumn
    headers = ("When", "What", "Details")

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def text(self, row: TimelineEntry, column: TimelineColumn) -> str:
        if column is TimelineColumn.AT:
            return self.context.moment(row.at)
        if column is TimelineColumn.KIND:
            return KIND_TEXT.get(row.kind, row.kind)
        return self._details(row)

    def _details(self, row: TimelineEntry) -> str:
        text = timeline_text(row.kind, row.text, planned_moment(self.context))
        if row.kind == "note":
            return text  # what a person typed is left as typed
        return amounts_as_money(text, lambda minor, cur: money(self.context, minor, cur))

    def look(self, row: TimelineEntry, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._details(row)
        return None


class CaseScreen(QWidget):
    back_requested = Signal()
    consumer_opened = Signal(str)

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryCaseScreen")
        self._context = context
        self.case_id = ""
        self.page: CasePage | None = None
        self.heading = QLabel("Case")
        self.heading.setProperty("role", "heading")
        self.facts = QLabel("")
        self.facts.setObjectName("caseFacts")
        self.facts.setWordWrap(True)
        self.segments = QLabel("")
        self.segments.setObjectName("caseSegments")
        self.segments.setProperty("role", "muted")
        self.segments.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("caseMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.reason = QLineEdit()
        self.reason.setObjectName("caseReason")
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("Why (needed to pause, resume or stop)")
        self.back_button = button("caseBack", "Back  (Esc)", "Back to the queue")
        self.pause_button = button("casePause", "&Pause")
        self.resume_button = button("caseResume", "Res&ume")
        self.stop_button = button("caseStop", "S&top")
        self.reschedule_button = button("caseReschedule", "&Reschedule to optimal")
        self.attempt_button = button("caseAttemptNow", "&Attempt now")
        self.note_button = button("caseNote", "&Note…", "Add a note to the case")
        self.escalate_button = button("caseEscalate", "&Escalate…", "Escalate the case")
        self.plan_button = button("casePlan", "Offer p&lan…", "Offer a payment plan")
        self.dialog: NoteDialog | EscalateDialog | PlanOfferDialog | None = (
            None  # the one open, for tests too
        )
        self.consumer_button = button("caseSmartCollect", "Smart &Collect…",
                                      "Smart Collect for the consumer")  # fmt: skip
        self.model = TimelineModel(context, self)
        self.timeline = read_only_table("caseTimeline", "Case timeline", self.model)
        self.timeline.setTabKeyNavigation(False)  # Tab reaches the reason and the actions
        escalations_heading = QLabel("Escalations")
        escalations_heading.setProperty("role", "subheading")
        self.escalations = QLabel("")
        self.escalations.setObjectName("caseEscalations")
        self.escalations.setWordWrap(True)
        self.step_button = button("caseStepDone", "Step &done", "Mark the escalation step done")
        self.step_button.setToolTip(STEP_DONE_TIP)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.note_button)
        top.addWidget(self.escalate_button)
        top.addWidget(self.plan_button)
        top.addWidget(self.consumer_button)
        top.addWidget(self.back_button)
        actions = QHBoxLayout()
        actions.addWidget(self.reason, 1)
        for widget in (self.pause_button, self.resume_button, self.stop_button,
                       self.reschedule_button, self.attempt_button):  # fmt: skip
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        layout.addWidget(self.segments)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.timeline, 1)
        steps = QHBoxLayout()
        steps.addWidget(self.escalations, 1)
        steps.addWidget(self.step_button)
        layout.addWidget(escalations_heading)
        layout.addLayout(steps)
        self.back_button.clicked.connect(self.back_requested)
        self.consumer_button.clicked.connect(self.on_consumer_button_clicked)
        self.pause_button.clicked.connect(lambda: self.change("pause"))
        self.resume_button.clicked.connect(lambda: self.change("resume"))
        self.stop_button.clicked.connect(lambda: self.change("stop"))
        self.reschedule_button.clicked.connect(self.on_reschedule_button_clicked)
        self.attempt_button.clicked.connect(self.on_attempt_button_clicked)
        self.step_button.clicked.connect(self.on_step_button_clicked)
        self.note_button.clicked.connect(self.on_note_button_clicked)
        self.escalate_button.clicked.connect(self.on_escalate_button_clicked)
        self.plan_button.clicked.connect(self.on_plan_button_clicked)
        QShortcut(QKeySequence("Escape"), self, self.back_requested.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        self.set_context(context)

    def set_context(self, context: ClientContext) -> None:
        self._context = self.model.context = context
        self.attempt_button.setVisible(context.is_supervisor)  # the seed: supervisors only

    def _actions(self) -> tuple[QWidget, ...]:
        return (self.pause_button, self.resume_button, self.stop_button,
                self.reschedule_button, self.attempt_button, self.consumer_button,
                self.step_button, self.note_button, self.escalate_button,
                self.plan_button)  # fmt: skip

    def show_case(self, case_id: str) -> None:
        if case_id != self.case_id:
            for action in self._actions():
                action.setEnabled(False)  # until the case is read: nothing to act on yet
            self.facts.clear()
            self.segments.clear()
            self.page = None
            self.model.set_rows([])
            self.reason.clear()
            self._say("")
        self.case_id = case_id
        self.heading.setText(f"Case {case_id}")
        self.refresh()

    def refresh(self) -> None:
        if not self.case_id:
            return
        counter, case_id = self._context.counter, self.case_id
        op = ServiceOp(self, lambda: load_case(counter, case_id, datetime.now(UTC)), read=True)
        op.success(self._show).failure(lambda e: self._say(e.message, "bad")).run()

    def _show(self, page: CasePage) -> None:
        if page.case["id"] != self.case_id:
            return  # an answer for a case no longer shown
        self.page = page
        case = page.case
        # A paid case owes nothing, also when a discount offer wrote the rest off.
        forgiven = case.get("written_off_minor") or 0
        owed = 0 if case["status"] == "paid" else case["amount_minor"] - case["recovered_minor"]
        owed = max(0, owed - forgiven)
        chance = (
            f" - {band_text(page.band)} ({chance_text(self._context, page.probability)})"
            if page.band
            else ""
        )
        due = self._context.moment(case["next_at"]) if case["next_at"] else "not due"
        self.facts.setText(
            f"Consumer {consumer_label(case['consumer_id'], page.consumer_name)} · "
            f"{case['status'].replace('_', ' ')}"
            f"{chance} · owes {money(self._context, owed, case['currency'])} of "
            f"{money(self._context, case['amount_minor'], case['currency'])} · "
            f"{case['method']} at {case['gateway']}, {category_name(case['category'])}"
            f"{_code_text(case)}"
            f" · next visit {due}"
            + (f" · {SYNCED_AS_OF} {self._context.moment(page.published_at)}"
               if page.synced and page.published_at else "")
        )  # fmt: skip
        said = amounts_as_money(
            page.segments_text, lambda minor, cur: money(self._context, minor, cur)
        )
        self.segments.setText("Segments: " + (said or "-"))
        self.segments.setToolTip(self.segments.text())
        self.model.set_rows(page.timeline)
        self.escalations.setText(
            "\n".join(
                f"{words(e.rule)}: {e.action}, owner {e.owner}, "
                f"due {self._context.moment(e.due_at)} - {_step_state(e)}" for e in page.escalations
            ) or "None."
        )  # fmt: skip
        status = case["status"]
        self.pause_button.setEnabled(status == "open")
        self.resume_button.setEnabled(status == "paused")
        self.stop_button.setEnabled(status in ("open", "paused"))
        self.reschedule_button.setEnabled(status == "open")
        self.attempt_button.setEnabled(status == "open")
        self.consumer_button.setEnabled(True)
        self.note_button.setEnabled(True)
        self.escalate_button.setEnabled(status in ("open", "paused"))
        self.plan_button.setEnabled(status in ("open", "paused"))
        self.step_button.setEnabled(self.open_step() is not None)
        self.plan_button.setToolTip("Offer a PP- payment plan through the central server")

    def _synced(self) -> bool:
        return self.page is not None and self.page.synced

    def _on_server(self, verb: str, text: str, owner: str = "") -> Callable[[], str]:
        """The action through the central server (this counter has no recovery database)."""
        counter, case_id, who = self._context.counter, self.case_id, self._context.username
        # The port is looked up when the op runs: a missing one is a message, not a crash.
        return lambda: case_server().send_case_action(counter, case_id, verb, text, who or "",
                                                      owner)  # fmt: skip

    def _say(self, text: str, tone: str = "good") -> None:
        self.message.setText(text)
        restyle(self.message, tone=tone)
        self.message.setVisible(bool(text))

    def change(self, verb: str) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self._say(f"Say why in the reason field to {verb} the case.", "bad")
            self.reason.setFocus()
            return
        engine, case_id, who = engine_of(self._context), self.case_id, self._context.username
        text = f"{reason} (by {who})"

        on_server = self._on_server(verb, reason) if self._synced() else None

        def run() -> str:
            if on_server is not None:
                return on_server()
            return change_status(engine(), case_id, verb, text, datetime.now(UTC))

        op = ServiceOp(self, run)
        op.success(lambda status: self._done(f"Case {case_id} is now {status}.")).failure(
            lambda e: self._say(e.message, "bad")
        ).run()

    def _done(self, text: str) -> None:
        self.reason.clear()
        for action in self._actions():
            action.setEnabled(False)  # until the case is read again
        self._say(text)
        self.refresh()

    def on_reschedule_button_clicked(self) -> None:
        self._act(reschedule_to_window)

    def on_attempt_button_clicked(self) -> None:
        if self._context.is_supervisor:
            self._act(attempt_now)

    def _act(self, action: Any) -> None:
        engine, case_id, who = engine_of(self._context), self.case_id, self._context.username
        counter, synced = self._context.counter, self._synced()
        verb = "reschedule" if action is reschedule_to_window else "attempt"

        def run() -> ActionResult:
            if synced:  # through the server at once, never queued (sync/client/recovery_actions)
                return case_server().send_smart_collect_action(counter, case_id, verb, who or "")
            return action(engine(), case_id, who or "", datetime.now(UTC))

        op = ServiceOp(self, run)
        op.success(self._acted).failure(lambda e: self._say(e.message, "bad")).run()

    def _acted(self, result: ActionResult) -> None:
        self._done(action_text(self._context, result))
        self.message.setToolTip(result.reason)

    def open_step(self) -> EscalationRow | None:
        """The case's first escalation step not done yet (a missed one may still be done)."""
        steps = self.page.escalations if self.page is not None else []
        return next((e for e in steps if e.state != "done"), None)

    def on_step_button_clicked(self) -> None:
        step, who = self.open_step(), self._context.username or ""
        if step is None:
            return
        engine, note = engine_of(self._context), self.reason.text().strip() or "done"
        counter, case_id, synced = self._context.counter, self.case_id, self._synced()

        def run() -> None:
            if synced:  # through the central server, never queued (sync/client/recovery_actions)
                case_server().send_step_done(counter, case_id, step.id, who, note)
                return
            close_escalation(engine(), step.id, who, note, datetime.now(UTC))

        op = ServiceOp(self, run)
        op.success(
            lambda _none: self._done(f"Escalation step {words(step.rule)} is done.")
        ).failure(lambda e: self._say(e.message, "bad")).run()

    def on_note_button_clicked(self) -> None:
        dialog = self.dialog = NoteDialog(self.case_id, self)
        engine, case_id, who = engine_of(self._context), self.case_id, self._context.username
        synced = self._synced()

        def run() -> Any:
            if synced:
                return self._on_server("note", dialog.note())()
            return add_note(engine(), case_id, dialog.note(), who or "", datetime.now(UTC))

        dialog.accepted.connect(lambda: self._record(run, "Note added."))
        dialog.open()  # window-modal without a nested loop: the screen stays responsive

    def on_escalate_button_clicked(self) -> None:
        dialog = self.dialog = EscalateDialog(self.case_id, self)
        engine, case_id, who = engine_of(self._context), self.case_id, self._context.username

        synced = self._synced()

        def run() -> Any:
            owner, reason = dialog.values()
            if synced:
                return self._on_server("escalate", reason, owner)()
            return escalate_case(engine(), case_id, owner, reason, who or "", datetime.now(UTC))

        dialog.accepted.connect(lambda: self._record(run, "Escalated." if synced else None))
        dialog.open()

    def on_plan_button_clicked(self) -> None:
        if self.page is not None:  # a PP- plan, through the central server (online only)
            self.dialog = open_plan_offer(
                self, self._context, self.case_id, self.page, self._done,
                lambda text: self._say(text, "bad"),
            )  # fmt: skip

    def _record(self, run: Any, said: str | None) -> None:
        op = ServiceOp(self, run)
        op.success(
            lambda action: self._done(
                said
                or f"Case {action.case_id} escalated to {action.owner}, due "
                f"{self._context.moment(action.due_at)}."
            )
        ).failure(lambda e: self._say(e.message, "bad")).run()

    def on_consumer_button_clicked(self) -> None:
        if self.page is not None:
            self.consumer_opened.emit(self.page.case["consumer_id"])
