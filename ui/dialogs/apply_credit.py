"""Apply a credit note to one of the consumer's unpaid bills or services, checked as typed."""

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.credit_notes import CreditNoteStatus
from app.domain.errors import UserFacingError
from app.domain.money import decimal_text, parse_amount
from app.services.consumers import UnpaidItem
from app.services.credit_notes import apply_credit_note
from app.services.credit_notes_list import CreditNoteRow
from ui.context import ClientContext
from ui.ops import WriteOp

TARGET_KINDS = ("bill", "service")  # what the spec lets a credit note settle


class ApplyCreditBox(QGroupBox):
    applied = Signal(object)  # AppliedCredit
    failed = Signal(object)  # UserFacingError

    def __init__(
        self, *, context_getter: Callable[[], ClientContext], parent: QWidget | None = None
    ) -> None:
        super().__init__("Apply credit", parent)
        self.setObjectName("applyBox")
        self._context = context_getter  # the dialog's current context, signed-in user included
        self._note: CreditNoteRow | None = None
        self.target = QComboBox()
        self.target.setObjectName("applyTarget")
        self.target.setAccessibleName("Bill or service to apply the credit to")
        self.target.currentIndexChanged.connect(self.on_target_current_index_changed)
        self.amount = QLineEdit()
        self.amount.setObjectName("applyAmount")
        self.amount.setAccessibleName("Amount to apply")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setMaximumWidth(130)
        self.amount.textChanged.connect(self.on_amount_text_changed)
        self.amount.returnPressed.connect(self.on_button_clicked)
        self.button = QPushButton("Apply")
        self.button.setObjectName("applyButton")
        self.button.setAccessibleName("Apply credit")
        self.button.setProperty("role", "primary")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.on_button_clicked)
        self.error = QLabel("")
        self.error.setObjectName("applyError")
        self.error.setProperty("role", "error")
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(self.amount)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)

    @property
    def usable(self) -> bool:
        note = self._note
        return (
            note is not None
            and note.status == CreditNoteStatus.ACTIVE.value
            and note.remaining_minor > 0
        )

    def show_for(self, note: CreditNoteRow, unpaid: tuple[UnpaidItem, ...]) -> None:
        self._note = note
        money = self._context().money
        self.target.blockSignals(True)
        self.target.clear()
        for item in unpaid:
            if item.kind in TARGET_KINDS:
                due = money(item.outstanding_minor)
                self.target.addItem(f"{item.reference} · {item.description} · {due} due", item)
        self.target.blockSignals(False)
        has_targets = self.target.count() > 0
        self.amount.setEnabled(has_targets)
        if not has_targets:
            self.error.setText(f"{note.consumer_name} has no unpaid bill or service.")
            self.button.setEnabled(False)
            return
        self.target.setCurrentIndex(0)
        self.on_target_current_index_changed(0)

    def on_target_current_index_changed(self, _index: int) -> None:
        item, note = self.target.currentData(), self._note
        if item is None or note is None:
            return
        most = min(note.remaining_minor, item.outstanding_minor)
        self.amount.setText(decimal_text(most, note.currency))

    def on_amount_text_changed(self, _text: str) -> None:
        self.button.setEnabled(self.amount_minor() is not None)

    def amount_minor(self) -> int | None:
        """The amount as typed, or None with the reason shown under the field."""
        item, note = self.target.currentData(), self._note
        if item is None or note is None:
            return None
        money = self._context().money
        try:
            minor = parse_amount(self.amount.text(), note.currency)
            if minor <= 0:
                raise UserFacingError("Amount must be greater than zero.")
            if minor > note.remaining_minor:
                raise UserFacingError(f"Only {money(note.remaining_minor)} remains to apply.")
            if minor > item.outstanding_minor:
                raise UserFacingError(
                    f"{item.reference} has only {money(item.outstanding_minor)} outstanding."
                )
        except UserFacingError as error:
            self.error.setText(error.message)
            return None
        self.error.setText("")
        return minor

    def on_button_clicked(self) -> None:
        item, note = self.target.currentData(), self._note
        if item is None or note is None or self.amount_minor() is None:
            return
        context = self._context()
        user, number = context.username, note.number
        amount, reference = self.amount.text(), item.reference
        self.button.setEnabled(False)
        WriteOp(
            self,
            context,
            lambda uow: apply_credit_note(
                uow, number=number, to=reference, amount=amount, username=user
            ),
        ).success(self.applied.emit).failure(self._failed).run()

    def _failed(self, error: UserFacingError) -> None:
        self.on_amount_text_changed("")
        self.failed.emit(error)
