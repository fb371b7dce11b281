"""One payment plan: its terms and status, what it means for disconnection, the milestones
reached, and every installment with Paid / Partly paid / Due / Overdue and days late."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.counter_plans import PLAN_CANCELLERS, is_provisional
from app.domain.errors import UserFacingError
from app.domain.plan_compliance import PlanState
from app.services.counter_plans_views import PlanDetail, plan_detail
from ui.context import ClientContext
from ui.dialogs.plan_cancel import CancelPlanDialog
from ui.ops import ServiceOp
from ui.screens.plans_models import STATE_TONES, InstallmentsModel
from ui.widgets.buttons import push_button
from ui.widgets.style import restyle


class PlanDetailPage(QWidget):
    back_requested = Signal()
    modify_requested = Signal(str)  # the plan number

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planDetailPage")
        self._context = context
        self._plan_number = ""
        self._may_modify = False
        self._generation = 0
        self.detail: PlanDetail | None = None
        self._build()

    def _build(self) -> None:
        self.back_button = push_button("planBack", "← &Back  (Esc)", "Back to the plans")
        self.back_button.clicked.connect(self.back_requested)
        self.title = QLabel("")
        self.title.setObjectName("planTitle")
        self.title.setProperty("role", "heading")
        self.state = QLabel("")
        self.state.setObjectName("planState")
        self.modify_button = push_button("planModify", "&Modify…  (Ctrl+M)", "Modify plan")
        self.modify_button.clicked.connect(self.on_modify_clicked)
        self.cancel_button = push_button("planCancel", "Cancel &plan…", "Cancel plan")
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title)
        top.addWidget(self.state)
        top.addStretch(1)
        top.addWidget(self.modify_button)
        top.addWidget(self.cancel_button)
        self.facts: dict[str, QLabel] = {}
        grid = QGridLayout()
        for i, (key, caption) in enumerate((
            ("consumer", "Consumer"), ("terms", "Terms"), ("paid", "Paid"),
            ("made", "Made / changed"), ("milestones", "Milestones"), ("note", "Note"),
        )):  # fmt: skip
            value = QLabel("")
            value.setObjectName(f"plan_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            label = QLabel(caption)
            label.setProperty("role", "muted")
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(value, i // 2, (i % 2) * 2 + 1)
            self.facts[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.disconnection = QLabel("")
        self.disconnection.setObjectName("planDisconnection")
        self.disconnection.setWordWrap(True)
        self.cancelled = QLabel("")
        self.cancelled.setObjectName("planCancelReason")
        self.cancelled.setProperty("role", "notice")
        self.cancelled.setWordWrap(True)
        self.cancelled.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancelled.setVisible(False)
        self.notice = QLabel("")
        self.notice.setObjectName("planNotice")
        self.notice.setProperty("role", "error")
        self.notice.setWordWrap(True)
        self.model = InstallmentsModel(self._context, self)
        self.table = QTableView()
        self.table.setObjectName("planInstallments")
        self.table.setAccessibleName("Installments")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.disconnection)
        layout.addWidget(self.cancelled)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        shortcut = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Escape"), self, self.back_requested.emit, context=shortcut)
        QShortcut(QKeySequence("Ctrl+M"), self, self.on_modify_clicked, context=shortcut)

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.model.context = context

    def show_plan(self, plan_number: str, *, may_modify: bool) -> None:
        self._plan_number, self._may_modify = plan_number, may_modify
        self.title.setText(plan_number)
        self.refresh()

    def refresh(self) -> None:
        if not self._plan_number:
            return
        self._generation += 1
        generation, counter, number = self._generation, self._context.counter, self._plan_number
        ServiceOp(self, lambda: plan_detail(counter.read(), number), read=True).success(
            lambda d: self._arrived(d, generation)
        ).failure(lambda e: self._failed(e, generation)).run()

    def _failed(self, error: UserFacingError, generation: int) -> None:
        if generation == self._generation:
            self.notice.setText(error.message)
            restyle(self.notice, role="error")
            self.notice.setVisible(True)  # hidden by the plan shown before

    def _arrived(self, detail: PlanDetail, generation: int) -> None:
        if generation != self._generation:
            return
        self.detail = detail
        s, c, money, day = (
            detail.summary,
            detail.summary.compliance,
            self._context.money,
            self._context.day,
        )
        self._plan_number = s.plan_number  # the server's number once it came back
        self.title.setText(s.plan_number)
        self.state.setText(s.state.value)
        self.state.setProperty("tone", STATE_TONES.get(s.state, ""))
        self.state.style().polish(self.state)
        down = f", {money(detail.down_payment_minor)} down" if detail.down_payment_minor else ""
        count = len(c.installments)
        self.facts["consumer"].setText(f"{s.consumer_name} ({s.account_number})")
        self.facts["terms"].setText(
            f"{count} payments, {(s.frequency or 'as scheduled').lower()}{down}"
        )
        self.facts["paid"].setText(f"{money(c.paid_minor)} of {money(c.total_minor)}")
        changed = f"; changed by {detail.modified_by}" if detail.version > 1 else ""
        self.facts["made"].setText(
            f"{day(s.created_on)} by {detail.created_by or 'the server'}{changed}"
        )
        self.facts["milestones"].setText(
            ", ".join(f"{m.value} {day(on)}" if on else m.value for m, on in c.milestones) or "—"
        )
        self.facts["note"].setText(detail.note or "—")
        self.disconnection.setText(_disconnection_text(detail))
        self.cancelled.setText(_cancelled_text(detail))
        self.cancelled.setVisible(s.state is PlanState.CANCELLED)
        notices = []
        if s.sync_state == "pending" and is_provisional(s.plan_number):
            notices.append("Made here: waiting for the server, which gives it its PP- number.")
        elif s.sync_state == "pending":
            notices.append("Changed here: waiting for the server to take the change.")
        if detail.parked_reason:
            notices.append(f"The server refused the last change: {detail.parked_reason}")
        self.notice.setText("\n".join(notices))
        # Waiting for the server is news, not an error; a refused change is one.
        restyle(self.notice, role="error" if detail.parked_reason else "notice")
        self.notice.setVisible(bool(notices))
        self.model.set_rows(list(c.installments))
        editable = s.state not in (PlanState.COMPLETED, PlanState.CANCELLED)
        self.modify_button.setVisible(self._may_modify and editable)
        role = self._context.actor.role if self._context.actor else None
        self.cancel_button.setVisible(self._may_modify and editable and role in PLAN_CANCELLERS)

    def on_modify_clicked(self) -> None:
        if self._may_modify and self.modify_button.isVisible():
            self.modify_requested.emit(self._plan_number)

    def on_cancel_clicked(self) -> None:
        if self.cancel_button.isVisible():
            dialog = CancelPlanDialog(self._context, self._plan_number, self)
            dialog.cancelled.connect(lambda _cancelled: self.refresh())
            dialog.open()


def _cancelled_text(detail: PlanDetail) -> str:
    if detail.summary.state is not PlanState.CANCELLED:
        return ""
    who = f" by {detail.modified_by}" if detail.modified_by else ""
    # A plan cancelled before counters kept the reason has none on this counter.
    return f"Cancelled{who}: {detail.cancel_reason or 'no reason recorded'}"


def _disconnection_text(detail: PlanDetail) -> str:
    s = detail.summary
    if detail.review_flag:
        return f"Disconnection review: {detail.review_flag}"
    if s.state is PlanState.BROKEN:
        return (
            "Broken plan: a disconnection review is due (the server raises it at its next round)."
        )
    if s.compliance.compliant:
        return "Compliant plan: do not disconnect this consumer."
    if s.state is PlanState.BEHIND:
        return "Behind: one installment missed. The consumer is not protected from disconnection."
    return ""
