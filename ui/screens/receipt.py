"""The receipt after a payment: the paper as it prints, Print, Download PDF, and what next."""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.documents import ReceiptDocument
from app.domain.errors import UserFacingError
from app.services.documents import receipt_document
from app.services.payment_details import PaymentDetails, payment_details
from app.services.runtime import Counter
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.widgets.buttons import push_button
from ui.widgets.pdf_path import ask_pdf_path
from ui.widgets.print_actions import RECEIPT, ActionNames, PrintActions
from ui.widgets.roll_preview import roll_preview


@dataclass(frozen=True)
class LoadedReceipt:
    document: ReceiptDocument
    details: PaymentDetails
    text: str  # every printed line, for screen readers and tests
    image: QImage  # the thermal roll as it will print


def load_receipt(counter: Counter, number: str) -> LoadedReceipt:
    """Off the GUI thread: the document, its details, and the roll drawn as the printer will."""
    document = receipt_document(counter.read(), number)
    details = payment_details(counter.read(), number)
    return LoadedReceipt(document, details, *roll_preview(document))


def _button(name: str, text: str, accessible: str) -> QPushButton:
    button = push_button(name, text, accessible)
    button.setMinimumHeight(38)
    return button


class ReceiptScreen(QWidget):
    record_another = Signal()
    back_to_dashboard = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptScreen")
        self._context = context
        self._receipt: LoadedReceipt | None = None
        self._number = ""
        self._generation = 0
        self.receipt_text = ""
        self._build()
        self._shortcuts()

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.actions.set_context(context)

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.paper = QLabel("Loading the receipt…")
        self.paper.setObjectName("receiptPaper")
        self.paper.setAccessibleName("Receipt")
        self.paper.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.paper.setProperty("role", "paper")
        self.scroll = QScrollArea()
        self.scroll.setObjectName("receiptScroll")
        self.scroll.setAccessibleName("Receipt preview")
        self.scroll.setWidget(self.paper)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setMinimumWidth(660)
        self.heading = QLabel("Receipt")
        self.heading.setObjectName("receiptHeading")
        self.heading.setProperty("role", "heading")
        self.facts = QFrame()
        self.facts.setObjectName("receiptFacts")
        self.facts.setProperty("role", "card")
        self._facts = QGridLayout(self.facts)
        self._facts.setContentsMargins(16, 12, 16, 12)
        self._facts.setVerticalSpacing(8)
        self.fact_values: dict[str, QLabel] = {}
        names = ActionNames(
            ("receiptPrint", "Print  (P)", "Print receipt"),
            ("receiptDownloadPdf", "Download PDF  (D)"),
            "receiptStatus",
        )
        choose = lambda suggested: self.choose_pdf_path(suggested)  # noqa: E731 - tests replace it
        self.actions = PrintActions(RECEIPT, names, self._context, choose)
        self.print_button, self.pdf_button = self.actions.print_button, self.actions.pdf_button
        self.status = self.actions.status
        for button in (self.print_button, self.pdf_button):
            button.setMinimumHeight(38)
        self.another_button = self.actions.add_button(
            _button("receiptRecordAnother", "Record Another Payment  (N)", "Record another payment")
        )
        self.another_button.setProperty("role", "primary")
        self.dashboard_button = self.actions.add_button(
            _button("receiptDashboard", "Return to Dashboard  (Esc)", "Return to dashboard")
        )
        self.another_button.clicked.connect(self.record_another)
        self.dashboard_button.clicked.connect(self.back_to_dashboard)
        side = QVBoxLayout()
        side.addWidget(self.heading)
        side.addWidget(self.facts)
        side.addSpacing(8)
        side.addWidget(self.actions)
        side.addStretch(1)
        layout_ = QHBoxLayout(self)
        layout_.setContentsMargins(20, 14, 20, 14)
        layout_.setSpacing(20)
        layout_.addWidget(self.scroll, 3)
        layout_.addLayout(side, 2)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        keys = (
            (("P", "Ctrl+P"), self.actions.print_now),
            (("D", "Ctrl+D"), self.actions.save_pdf),
            (("N", "Ctrl+N"), self.record_another.emit),
            (("Escape",), self.back_to_dashboard.emit),
            (("Return", "Enter"), self.on_enter_pressed),
        )
        for sequences, slot in keys:
            for sequence in sequences:
                QShortcut(QKeySequence(sequence), self, slot, context=context)

    # -- showing ------------------------------------------------------------------------
    def show_receipt(self, receipt_number: str) -> None:
        """Load and show one receipt (by receipt, payment or transaction number)."""
        self._receipt, self._number = None, receipt_number
        self.receipt_text = ""
        self.heading.setText(f"Receipt {receipt_number}")
        self.paper.setPixmap(QPixmap())
        self.paper.setText("Loading the receipt…")
        self._say("")
        self._show_facts([])
        self.actions.show_document(None)
        self.dashboard_button.setFocus()
        self._generation += 1
        counter, generation = self._context.counter, self._generation
        ServiceOp(self, lambda: load_receipt(counter, receipt_number), read=True).success(
            lambda receipt: self._loaded(receipt, generation)
        ).failure(self._load_failed).run()

    def _loaded(self, receipt: LoadedReceipt, generation: int) -> None:
        if generation != self._generation:
            return  # another receipt was asked for meanwhile
        self._receipt = receipt
        self.receipt_text = receipt.text
        self.paper.setPixmap(QPixmap.fromImage(receipt.image))
        self.paper.setAccessibleDescription(receipt.text)
        self.heading.setText(f"Receipt {receipt.document.receipt_number}")
        self._show_facts(self._fact_lines(receipt.details))
        self.actions.show_document(receipt.document.receipt_number)

    def _load_failed(self, error: UserFacingError) -> None:
        self.paper.setText("")
        self._say(error.message, error=True)

    def _fact_lines(self, d: PaymentDetails) -> list[tuple[str, str, str]]:
        money = self._context.money
        lines = [
            ("consumer", "Consumer", f"{d.consumer_name} · {d.account_number}"),
            ("amount", "Amount paid", money(d.amount_minor)),
            ("method", "Method", f"{d.method} · {d.payment_type} · {d.channel}"),
        ]
        if d.is_cash:
            lines.append(("received", "Amount received", money(d.tendered_minor)))
            lines.append(("change", "Change to give", money(d.change_minor)))
        for note in d.credit_notes:
            lines.append(("credit", "Credit note", f"{note.number} · {money(note.amount_minor)}"))
        lines.append(("payment", "Payment ID", d.payment_number))
        return lines

    def _show_facts(self, lines: list[tuple[str, str, str]]) -> None:
        while self._facts.count():
            item = self._facts.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.fact_values = {}
        self.facts.setVisible(bool(lines))
        for row, (key, caption, value) in enumerate(lines):
            label = QLabel(caption)
            label.setProperty("role", "muted")
            shown = QLabel(value)
            shown.setObjectName(f"receipt_{key}")
            shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            shown.setWordWrap(True)
            if key in ("amount", "change"):
                shown.setProperty("role", "subheading")
            self._facts.addWidget(label, row, 0)
            self._facts.addWidget(shown, row, 1)
            self.fact_values[key] = shown
        self._facts.setColumnStretch(1, 1)

    def _say(self, message: str, *, error: bool = False) -> None:
        self.actions.say(message, error=error)

    # -- actions ------------------------------------------------------------------------
    def on_enter_pressed(self) -> None:
        """Enter presses the focused button; with none focused it returns to the dashboard."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QPushButton) and self.isAncestorOf(focus):
            focus.click()
        else:
            self.back_to_dashboard.emit()

    def choose_pdf_path(self, suggested: Path) -> Path | None:
        """Ask where to save; tests override this to skip the dialog."""
        return ask_pdf_path(self, "receipt", suggested)
