"""New or modified payment plan: the terms, the schedule previewed as they are typed, and Save;
a refusal (a rule's message) stays in the dialog and nothing is written."""

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.counter_plans import MAX_INSTALLMENTS, NOTE_MAX, Frequency
from app.domain.errors import UserFacingError
from app.services.counter_plans import (
    PlanPreview,
    PlanRequest,
    PlanSaved,
    create_plan,
    modify_plan,
    preview_plan,
)
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.screens.plans_models import ScheduleModel
from ui.widgets.buttons import push_button

NO_PREVIEW = "Type the plan total to see the schedule; it changes as the terms are typed."


class PlanFormDialog(QDialog):
    """`plan_number` None: a new plan for `account_number`; else a modification of that plan."""

    saved = Signal(object)  # PlanSaved

    def __init__(
        self,
        context: ClientContext,
        parent: QWidget | None = None,
        *,
        account_number: str = "",
        plan_number: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("planFormDialog")
        self._context = context
        self._plan_number = plan_number
        self._generation = 0
        self.last_preview: PlanPreview | None = None
        title = f"Modify plan {plan_number}" if plan_number else "New payment plan"
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.resize(600, 640)  # fits a 1024x768 screen with the schedule and the summary
        self._build(account_number)
        self._preview_timer = QTimer(self, singleShot=True, interval=200)
        self._preview_timer.timeout.connect(self.preview)
        for signal in (
            self.account.textChanged,
            self.total.textChanged,
            self.down_payment.textChanged,
            self.installments.valueChanged,
            self.frequency.currentIndexChanged,
            self.first_due.dateChanged,
        ):
            signal.connect(self._preview_timer.start)
        QShortcut(QKeySequence("Ctrl+S"), self, self.on_save_clicked)

    def _build(self, account_number: str) -> None:
        self.account = self._line("planAccount", "Consumer account number", account_number)
        self.account.setReadOnly(self._plan_number is not None)
        self.total = self._line("planTotal", "Plan total", "")
        self.total.setPlaceholderText("e.g. 202.50")
        self.down_payment = self._line("planDownPayment", "Down payment", "")
        self.down_payment.setPlaceholderText("optional, due today")
        self.installments = QSpinBox()
        self.installments.setObjectName("planInstallments")
        self.installments.setAccessibleName("Number of installments")
        self.installments.setRange(1, MAX_INSTALLMENTS)
        self.installments.setValue(3)
        self.frequency = QComboBox()
        self.frequency.setObjectName("planFrequency")
        self.frequency.setAccessibleName("Frequency")
        self.frequency.addItems([f.value for f in Frequency])
        self.frequency.setCurrentText(Frequency.MONTHLY.value)
        self.first_due = QDateEdit()
        self.first_due.setObjectName("planFirstDue")
        self.first_due.setAccessibleName("First installment due")
        self.first_due.setCalendarPopup(True)
        self.first_due.setDisplayFormat("yyyy-MM-dd")
        start = self._context.counter.today(self._context.settings.zone) + timedelta(days=30)
        self.first_due.setDate(QDate(start.year, start.month, start.day))
        self.note = self._line("planNote", "Note", "")
        self.note.setMaxLength(NOTE_MAX)
        form = QFormLayout()
        form.addRow("&Account", self.account)
        form.addRow("Plan &total", self.total)
        form.addRow("&Down payment", self.down_payment)
        form.addRow("&Installments", self.installments)
        form.addRow("&Frequency", self.frequency)
        form.addRow("First d&ue", self.first_due)
        form.addRow("&Note", self.note)
        self.schedule = ScheduleModel(self._context, self)
        self.table = QTableView()
        self.table.setObjectName("planSchedule")
        self.table.setAccessibleName("Schedule preview")
        self.table.setModel(self.schedule)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setTabKeyNavigation(False)  # Tab goes on to Cancel and Save
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(160)
        self.summary = QLabel(NO_PREVIEW)
        self.summary.setObjectName("planSummary")
        self.summary.setWordWrap(True)
        # Room for the summary and a warning: a wrapped label is otherwise squeezed by the table.
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 3)
        self.error = QLabel("")
        self.error.setObjectName("planError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.cancel = push_button("planCancel", "Cancel", "Cancel")
        self.save = push_button("planSave", "&Save plan  (Ctrl+S)", "Save plan", "primary")
        self.cancel.clicked.connect(self.reject)
        self.save.clicked.connect(self.on_save_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Schedule preview"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        (self.total if self.account.text() else self.account).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def _line(self, name: str, accessible: str, text: str) -> QLineEdit:
        line = QLineEdit(text)
        line.setObjectName(name)
        line.setAccessibleName(accessible)
        return line

    def request(self) -> PlanRequest:
        due = self.first_due.date()
        return PlanRequest(
            total=self.total.text(),
            down_payment=self.down_payment.text(),
            installments=self.installments.value(),
            frequency=self.frequency.currentText(),
            first_due=date(due.year(), due.month(), due.day()),
            note=self.note.text(),
        )

    # -- preview and save -------------------------------------------------------------------
    def preview(self) -> None:
        if not self.total.text().strip():
            self._generation += 1  # an answer for the total just erased is not shown
            self.schedule.set_rows([])
            self.summary.setText(NO_PREVIEW)
            self.error.setVisible(False)
            return
        self._generation += 1
        generation, counter, request = self._generation, self._context.counter, self.request()
        account, plan, user = self.account.text(), self._plan_number, self._context.username
        ServiceOp(
            self,
            lambda: preview_plan(
                counter.read(), request, account_number=account, plan_number=plan, username=user
            ),
            read=True,
        ).success(lambda p: self._previewed(p, generation)).failure(
            lambda e: self._refused(e, generation)
        ).run()

    def _previewed(self, preview: PlanPreview, generation: int) -> None:
        if generation != self._generation:
            return
        self.last_preview = preview
        self.schedule.set_rows(list(preview.schedule))
        money, terms = self._context.money, preview.terms
        regular = sum(1 for item in preview.schedule if not item.down_payment)
        down = f"{money(terms.down_payment_minor)} down, then " if terms.down_payment_minor else ""
        # The count typed in Installments, not one more when a down payment comes first.
        lines = [
            f"{preview.consumer_name}: {down}{regular} {terms.frequency.value.lower()} "
            f"installment{'s' if regular != 1 else ''}; {money(terms.total_minor)} in all."
        ]
        self.summary.setText("\n".join(lines + list(preview.warnings)))
        self.error.setVisible(False)

    def _refused(self, error: UserFacingError, generation: int) -> None:
        if generation == self._generation:
            self.schedule.set_rows([])
            self.summary.setText("")
            self.error.setText(error.message)
            self.error.setVisible(True)

    def on_save_clicked(self) -> None:
        counter, request, user = self._context.counter, self.request(), self._context.username
        account, plan = self.account.text(), self._plan_number
        self._generation += 1  # a preview still on its way must not overwrite the outcome
        self.save.setEnabled(False)

        def save() -> PlanSaved:
            if plan is None:
                return create_plan(counter.write(), account, request, username=user)
            return modify_plan(counter.write(), plan, request, username=user)

        ServiceOp(self, save).success(self._saved).failure(self._save_refused).run()

    def _saved(self, result: PlanSaved) -> None:
        self.saved.emit(result)
        self.accept()

    def _save_refused(self, error: UserFacingError) -> None:
        self.save.setEnabled(True)
        self.error.setText(error.message)
        self.error.setVisible(True)
