"""Payment details: every section of one payment, with Verify and Void for a supervisor."""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.domain.payments import VOID_RULE, Analysis, PaymentStatus, Verification
from app.services.disputes import DisputeSubjects
from app.services.payment_details import PaidItem, PaymentDetails, payment_details
from app.services.verify_payment import verify_payment
from app.services.void_payment import VoidedPayment
from ui.context import ClientContext
from ui.dialogs.dispute_dialogs import OpenDisputeDialog
from ui.dialogs.void_payment import VoidPaymentDialog
from ui.ops import ReadOp, WriteOp, hub
from ui.widgets.badge import badge, set_badge
from ui.widgets.buttons import enable_danger, link_button, push_button

STATUS_TONE = {"Posted": "good", "Pending": "warn", "Verified": "good"}
ANALYSIS = {
    Analysis.EXACT: ("Exact payment", "good"),
    Analysis.OVER: ("Overpaid", "info"),
    Analysis.UNDER: ("Underpaid", "warn"),
}
AMOUNT_CAPTION = {"Bill": "Billed amount", "Service": "Service amount"}


class Card(QGroupBox):
    """A titled section of caption / value rows; refilled on every payment shown."""

    def __init__(self, name: str, title: str, values: dict[str, QWidget]) -> None:
        super().__init__(title)
        self.setObjectName(name)
        self.setAccessibleName(title)
        self._values = values
        self.captions: dict[str, QLabel] = {}
        self._grid = QGridLayout(self)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(8)
        self._grid.setColumnMinimumWidth(0, 150)
        self._grid.setColumnStretch(1, 1)

    def clear(self) -> None:
        self.captions.clear()
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def row(self, key: str, caption: str, value: str | QWidget) -> QWidget:
        line = self._grid.rowCount()
        label = QLabel(caption)
        label.setProperty("role", "muted")
        widget = value if isinstance(value, QWidget) else QLabel(value)
        if isinstance(widget, QLabel) and not widget.objectName():
            widget.setWordWrap(True)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if not widget.objectName():
            widget.setObjectName(f"detail_{key}")
        widget.setAccessibleDescription(caption)
        label.setBuddy(widget)
        plain = not isinstance(value, QWidget)  # wrapped text reads from the top line
        align = Qt.AlignmentFlag.AlignTop if plain else Qt.AlignmentFlag.AlignVCenter
        self._grid.addWidget(label, line, 0, align)
        if isinstance(value, QLabel | QPushButton):  # badges and links keep their own width
            self._grid.addWidget(widget, line, 1, Qt.AlignmentFlag.AlignLeft)
        else:
            self._grid.addWidget(widget, line, 1)
        self._values[key] = widget
        self.captions[key] = label
        return widget

    def paragraph(self, key: str, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(f"detail_{key}")
        label.setAccessibleDescription(self.title())
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._grid.addWidget(label, self._grid.rowCount(), 0, 1, 2)
        self._values[key] = label
        return label

    def gap(self) -> None:
        self._grid.setRowMinimumHeight(self._grid.rowCount(), 6)


class PaymentDetailsScreen(QWidget):
    back_requested = Signal()
    receipt_opened = Signal(str)  # receipt number
    credit_note_requested = Signal(str)  # receipt number
    credit_note_opened = Signal(str)  # credit note number
    consumer_opened = Signal(str)  # account number

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentDetailsScreen")
        self._context = context
        self._number: str | None = None
        self._generation = 0
        self.details: PaymentDetails | None = None
        self.void_dialog: VoidPaymentDialog | None = None
        self.values: dict[str, QWidget] = {}
        self._refresh = QTimer(self, singleShot=True, interval=150)
        self._refresh.timeout.connect(self.reload)
        self._build()
        hub.changed.connect(self.on_hub_changed)
        QShortcut(
            QKeySequence("Escape"),
            self,
            self.back_requested.emit,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.back_button = push_button("detailsBack", "← &Back  (Esc)", "Back")
        self.title = QLabel("Payment details")
        self.title.setObjectName("detailsTitle")
        self.title.setProperty("role", "heading")
        self.status_badge = badge("", "good", "detailsStatus")
        self.receipt_button = push_button("viewReceipt", "View &receipt", "View receipt")
        self.credit_button = push_button(
            "createCreditNote", "Create &credit note", "Create credit note"
        )
        self.void_button = push_button("voidPayment", "&Void payment…", "Void payment")
        self.dispute_button = push_button("disputePayment", "&Dispute…", "Dispute this payment")
        self.dispute_button.clicked.connect(self.on_dispute_button_clicked)
        self.back_button.clicked.connect(self.back_requested)
        self.receipt_button.clicked.connect(self.on_receipt_button_clicked)
        self.credit_button.clicked.connect(self.on_credit_button_clicked)
        self.void_button.clicked.connect(self.on_void_button_clicked)
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(8)
        header.addWidget(self.title)
        header.addWidget(self.status_badge)
        header.addStretch(1)
        for button in (
            self.receipt_button, self.credit_button, self.dispute_button, self.void_button,
        ):  # fmt: skip
            header.addWidget(button)
        self.banner = QLabel("")
        self.banner.setObjectName("voidBanner")
        self.banner.setWordWrap(True)
        self.banner.setProperty("role", "alert")
        self.message = QLabel("")
        self.message.setObjectName("detailsMessage")
        self.message.setWordWrap(True)
        self.cards = {
            key: Card(f"card_{key}", title, self.values)
            for key, title in (
                ("payment", "Payment information"),
                ("items", "Payment details"),
                ("analysis", "Payment amount analysis"),
                ("credit", "Credit note generated"),
                ("cash", "Cash details"),
                ("transaction", "Transaction information"),
                ("processing", "Processing information"),
                ("consumer", "Consumer information"),
                ("notes", "Notes"),
            )
        }
        columns = QHBoxLayout()
        columns.setSpacing(16)
        for keys in (
            ("payment", "items", "analysis", "credit", "cash"),
            ("transaction", "processing", "consumer", "notes"),
        ):
            column = QVBoxLayout()
            for key in keys:
                column.addWidget(self.cards[key])
            column.addStretch(1)
            columns.addLayout(column, 1)
        self.body = QWidget()
        self.body.setObjectName("detailsBody")
        self.body.setLayout(columns)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("detailsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        # The cards sit on the screen's own background, not the viewport's grey.
        self.body.setAutoFillBackground(False)
        self.scroll.viewport().setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addLayout(header)
        layout.addWidget(self.banner)
        layout.addWidget(self.message, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.scroll, 1)
        self._show_nothing("")

    # -- loading ------------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context
        if self.details is not None:
            self._show_actions(self.details)

    def show_payment(self, receipt_or_number: str) -> None:
        self._number = receipt_or_number.strip()
        self.details = None
        self._show_nothing("Loading…")
        self.reload()

    def reload(self) -> None:
        if not self._number:
            return
        self._generation += 1
        generation, number = self._generation, self._number
        ReadOp(self, self._context, lambda uow: payment_details(uow, number)).success(
            lambda details: self._arrived(details, generation)
        ).failure(lambda error: self._failed(error, generation)).run()

    def on_hub_changed(self, areas: frozenset) -> None:
        if self._number and areas & {Area.PAYMENTS, Area.CREDIT_NOTES}:
            self._refresh.start()

    def _arrived(self, details: PaymentDetails, generation: int) -> None:
        if generation != self._generation:
            return
        self.details = details
        self._number = details.receipt_number
        self._show(details)

    def _failed(self, error: UserFacingError, generation: int) -> None:
        if generation == self._generation:
            self.details = None
            self._show_nothing(error.message, error=True)

    def _show_nothing(self, text: str, *, error: bool = False) -> None:
        self.title.setText("Payment details")
        self.status_badge.setVisible(False)
        self.banner.setVisible(False)
        self.scroll.setVisible(False)
        self.message.setProperty("role", "error" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.receipt_button.setEnabled(False)
        self.credit_button.setEnabled(False)
        self.dispute_button.setEnabled(False)
        enable_danger(self.void_button, False)
        self.void_button.setVisible(self._context.is_supervisor)

    # -- showing ------------------------------------------------------------------------
    def _show(self, d: PaymentDetails) -> None:
        self.values.clear()
        for card in self.cards.values():
            card.clear()
        self.title.setText(f"Payment {d.receipt_number}")
        set_badge(self.status_badge, d.status, STATUS_TONE.get(d.status, "bad"))
        self.status_badge.setVisible(True)
        self.message.setVisible(False)
        self._fill_payment(d)
        self._fill_items(d)
        self._fill_analysis(d)
        self._fill_credit(d)
        self._fill_cash(d)
        self._fill_transaction(d)
        self._fill_processing(d)
        self._fill_consumer(d)
        self.cards["notes"].setVisible(bool(d.notes))
        if d.notes:
            self.cards["notes"].paragraph("notes", d.notes)
        self._show_banner(d)
        self._show_actions(d)
        self.scroll.setVisible(True)

    def _fill_payment(self, d: PaymentDetails) -> None:
        card, money = self.cards["payment"], self._context.money
        card.row("payment_id", "Payment ID", d.payment_number)
        card.row("status", "Status", badge(d.status, STATUS_TONE.get(d.status, "bad")))
        card.row("amount_paid", "Amount paid", money(d.amount_minor))
        card.row("method", "Payment method", d.method)
        card.row("type", "Payment type", d.payment_type)
        card.row("channel", "Channel", d.channel)
        card.row("settlement", "Settlement status", d.settlement_status)

    def _fill_items(self, d: PaymentDetails) -> None:
        card = self.cards["items"]
        card.setTitle(f"Payment details · {d.payment_type}")
        for n, item in enumerate(d.items):
            suffix = "" if n == 0 else f"_{n + 1}"
            if n:
                card.gap()
            for key, caption, text in self._item_fields(item):
                card.row(key + suffix, caption, text)

    def _item_fields(self, item: PaidItem) -> list[tuple[str, str, str]]:
        day = self._context.day
        if item.kind == "bill":
            return [
                ("invoice", "Invoice ID", item.reference),
                ("period", "Service period", item.description),
            ]
        if item.kind == "service":
            return [
                ("service", "Service name", item.description),
                ("service_date", "Service date", day(item.item_date)),
                ("service_ref", "Charge reference", item.reference),
            ]
        plan, _, number = item.reference.rpartition("/")
        return [
            ("plan", "Payment plan", plan),
            ("installment", "Installment number", number),
            ("due_date", "Due date", day(item.item_date)),
        ]

    def _fill_analysis(self, d: PaymentDetails) -> None:
        card, money = self.cards["analysis"], self._context.money
        caption = AMOUNT_CAPTION.get(d.payment_type, "Installment amount")
        card.row("item_amount", caption, money(d.billed_minor))
        if d.outstanding_minor != d.billed_minor:
            card.row("outstanding", "Outstanding before payment", money(d.outstanding_minor))
        card.row("analysis_paid", "Amount paid", money(d.amount_minor))
        text, tone = ANALYSIS[d.analysis]
        difference = QWidget()
        line = QHBoxLayout(difference)
        line.setContentsMargins(0, 0, 0, 0)
        amount = QLabel(money(abs(d.difference_minor)))
        amount.setObjectName("detail_difference_amount")
        line.addWidget(amount)
        line.addWidget(badge(text, tone, "detail_analysis"))
        line.addStretch(1)
        card.row("difference", "Difference", difference)
        self.values["difference_amount"] = amount
        self.values["analysis"] = difference.findChild(QLabel, "detail_analysis")

    def _fill_credit(self, d: PaymentDetails) -> None:
        card = self.cards["credit"]
        card.setVisible(bool(d.credit_notes))
        for n, note in enumerate(d.credit_notes):
            suffix = "" if n == 0 else f"_{n + 1}"
            link = link_button(
                f"creditNoteLink{suffix}", note.number, f"Open credit note {note.number}"
            )
            link.clicked.connect(
                lambda _=False, number=note.number: self.credit_note_opened.emit(number)
            )
            card.row("credit_note" + suffix, "Credit note number", link)
            card.row(
                "credit_amount" + suffix, "Credit amount", self._context.money(note.amount_minor)
            )
            card.row("credit_status" + suffix, "Status", f"{note.status} · {note.reason}")

    def _fill_cash(self, d: PaymentDetails) -> None:
        card, money = self.cards["cash"], self._context.money
        card.setVisible(d.is_cash)
        if d.is_cash:
            card.row("received", "Amount received", money(d.tendered_minor))
            card.row("change", "Change given", money(d.change_minor))

    def _fill_transaction(self, d: PaymentDetails) -> None:
        card = self.cards["transaction"]
        card.row("transaction_id", "Transaction ID", d.transaction_number)
        card.row("receipt_number", "Receipt number", d.receipt_number)
        card.row("payment_date", "Payment date", self._context.day(d.payment_date))
        card.row("recorded_at", "Recorded at", self._context.moment(d.recorded_at))
        card.row("terminal", "Terminal", d.terminal_code)

    def _fill_processing(self, d: PaymentDetails) -> None:
        card = self.cards["processing"]
        card.row("received_by", "Received by", d.received_by)
        shown = card.row("processing_time", "Processing time", d.processing_time)
        if d.processing_ongoing:
            shown.setToolTip("Not settled yet: counted from when it was received until now.")
        verified = d.verification == Verification.VERIFIED.value
        box = QWidget()
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(badge(d.verification, "good" if verified else "warn", "detail_verification"))
        self.verify_button = push_button("verifyPayment", "V&erify", "Verify payment", "primary")
        self.verify_button.clicked.connect(self.on_verify_button_clicked)
        self.verify_error = QLabel("")
        self.verify_error.setObjectName("verifyError")
        self.verify_error.setProperty("role", "error")
        line.addWidget(self.verify_button)
        line.addWidget(self.verify_error)
        line.addStretch(1)
        card.row("verification_row", "Verification", box)
        self.values["verification"] = box.findChild(QLabel, "detail_verification")

    def _fill_consumer(self, d: PaymentDetails) -> None:
        card = self.cards["consumer"]
        card.row("consumer_name", "Consumer name", d.consumer_name)
        link = link_button(
            "consumerLink", d.account_number, f"Open consumer profile {d.account_number}"
        )
        link.clicked.connect(lambda: self.consumer_opened.emit(d.account_number))
        card.row("account_number", "Account number", link)
        card.row("service_address", "Service address", d.service_address)
        card.row("phone", "Phone", d.phone or "—")

    def _show_banner(self, d: PaymentDetails) -> None:
        voided = d.status == PaymentStatus.VOIDED.value
        self.banner.setVisible(voided)
        if voided and d.voided_at is not None:
            self.banner.setText(
                f"Voided {self._context.moment(d.voided_at)} by {d.voided_by or 'System'}. "
                f"Reason: {d.void_reason or '—'}"
            )

    def _show_actions(self, d: PaymentDetails) -> None:
        posted = d.status == PaymentStatus.POSTED.value
        self.receipt_button.setEnabled(True)
        self.credit_button.setEnabled(posted)
        self.dispute_button.setEnabled(True)
        supervisor = self._context.is_supervisor
        self.void_button.setVisible(supervisor)
        enable_danger(self.void_button, supervisor and d.void_refusal is None)
        self.void_button.setToolTip(d.void_refusal or VOID_RULE)
        if self.values.get("verification_row") is not None:
            pending = d.verification == Verification.PENDING.value
            can_verify = pending and d.status in (PaymentStatus.POSTED, PaymentStatus.PENDING)
            self.verify_button.setVisible(supervisor and can_verify)

    # -- actions ------------------------------------------------------------------------
    def on_receipt_button_clicked(self) -> None:
        if self.details is not None:
            self.receipt_opened.emit(self.details.receipt_number)

    def on_credit_button_clicked(self) -> None:
        if self.details is not None:
            self.credit_note_requested.emit(self.details.receipt_number)

    def on_void_button_clicked(self) -> None:
        if self.details is None:
            return
        self.void_dialog = VoidPaymentDialog(self._context, self.details, self)
        self.void_dialog.voided.connect(self.on_void_dialog_voided)
        self.void_dialog.open()
        self.void_dialog.reason.setFocus()

    def on_dispute_button_clicked(self) -> None:
        """A consumer disputes this payment: the New dispute dialog, on this receipt."""
        if self.details is None:
            return
        receipt = self.details.receipt_number
        subjects = DisputeSubjects((), (receipt,))
        self.dispute_dialog = OpenDisputeDialog(
            self._context, self.details.account_number, subjects, self,
            subject="payment", number=receipt,
        )  # fmt: skip
        self.dispute_dialog.open()

    def on_void_dialog_voided(self, _result: VoidedPayment) -> None:
        self.reload()

    def on_verify_button_clicked(self) -> None:
        if self.details is None:
            return
        self.verify_button.setEnabled(False)
        receipt, username = self.details.receipt_number, self._context.username
        WriteOp(
            self, self._context, lambda uow: verify_payment(uow, receipt=receipt, username=username)
        ).success(lambda _result: self.reload()).failure(self._verify_refused).run()

    def _verify_refused(self, error: UserFacingError) -> None:
        self.verify_button.setEnabled(True)
        self.verify_error.setText(error.message)
