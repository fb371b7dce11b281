"""Record a payment at the counter: find the consumer, choose what is paid, review, confirm."""

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import UserFacingError
from app.domain.money import decimal_text
from app.domain.payments import PaymentType
from app.domain.settings import PaymentMethod
from app.services.consumers import ConsumerAccount, consumer_account
from app.services.consumers_lookup import ReferenceMatch
from app.services.record_payment import PaymentRequest, RecordedPayment, record_payment
from app.services.runtime import Counter
from app.services.supervisor_approval import SupervisorApprovalRequired
from ui.context import ClientContext
from ui.dialogs.shift_supervisor import SupervisorPinDialog
from ui.ops import ReadOp, WriteOp
from ui.screens.record_payment_draft import (
    Draft,
    DraftCheck,
    check_draft,
    needs_supervisor_for_date,
    payment_request,
)
from ui.screens.record_payment_form import PaymentForm
from ui.screens.record_payment_review import ReviewPanel
from ui.screens.record_payment_search import ConsumerSearch
from ui.screens.record_payment_summary import review_lines, summary_lines
from ui.screens.record_payment_widgets import KIND_NAMES, repolish, show_error

RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RecordPaymentScreen(QWidget):
    payment_recorded = Signal(object)  # RecordedPayment
    cancelled = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPaymentScreen")
        self._context = context
        self._account: ConsumerAccount | None = None
        self._check = DraftCheck()
        self._generation = 0  # drops search results and accounts that arrive too late
        self._submitting = False  # Confirm pressed, the service has not answered yet
        self._refused = False
        self._recorded = False
        self._approval: SupervisorPinDialog | None = None  # asking for a back-dated payment
        self.form = PaymentForm(context.settings)
        self.review = ReviewPanel()
        self.scroll = QScrollArea()
        self.scroll.setObjectName("recordPaymentScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.form)
        self.pages = QStackedWidget()
        self.pages.setObjectName("recordPaymentPages")
        self.pages.addWidget(self.scroll)
        self.pages.addWidget(self.review)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addWidget(self.pages)
        self.consumer_search = ConsumerSearch(
            self.form.search,
            self.form.results,
            self.form.search_error,
            lambda: self._context.counter,
            self,
        )
        self._connect()
        self.start()

    # -- wiring ---------------------------------------------------------------------------
    def _connect(self) -> None:
        f = self.form
        self.consumer_search.consumer_chosen.connect(self._load_account)
        f.search.textEdited.connect(self._forget_pending_account)
        f.types.buttonToggled.connect(self.on_types_button_toggled)
        f.items.checked_changed.connect(self.on_items_checked_changed)
        f.method.currentIndexChanged.connect(self.on_method_current_index_changed)
        f.extras.buttonToggled.connect(lambda _button, on: on and self._recheck())
        for signal in (f.amount.textChanged, f.received.textChanged, f.notes.textChanged):
            signal.connect(self._recheck)
        f.channel.currentIndexChanged.connect(self._recheck)
        f.paid_on.dateChanged.connect(self._recheck)
        f.review_button.clicked.connect(self.on_review_button_clicked)
        f.cancel_button.clicked.connect(self.cancelled)
        self.review.confirmed.connect(self.on_review_confirmed)
        self.review.back_requested.connect(self.on_review_back_requested)
        for widget in (f.search, f.results, *f.chain[1:], f.paid_on):
            widget.installEventFilter(self)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(
                QKeySequence(key), self.scroll, self.on_review_button_clicked, context=context
            )
        QShortcut(QKeySequence("Escape"), self.scroll, self.step_back, context=context)
        QApplication.instance().focusChanged.connect(self.on_app_focus_changed)  # type: ignore[union-attr]

    def set_context(self, context: ClientContext) -> None:
        if context.settings is not self._context.settings:
            self.form.set_choices(context.settings)  # an admin saved new channels or methods
        self._context = context

    def has_unsaved_draft(self) -> bool:
        """A consumer chosen and the payment not recorded: a shift close would strand it."""
        return self._account is not None and not self._recorded

    def start(self, account_number: str | None = None) -> None:
        """A fresh payment; with an account number, that consumer is already chosen."""
        self._generation += 1
        self._account = None
        self._submitting = self._refused = self._recorded = False
        f = self.form
        self.consumer_search.reset()
        f.channel.setCurrentIndex(
            max(0, f.channel.findData(self._context.settings.default_channel))
        )
        f.type_buttons[PaymentType.BILL].setChecked(True)
        today = QDate(self._today())
        f.paid_on.setMaximumDate(today)  # the client may have run past midnight
        f.paid_on.setDate(today)
        f.method.setCurrentIndex(0)
        f.received.clear()
        f.notes.clear()
        self._clear_extra()
        self._show_account()
        self.pages.setCurrentWidget(self.scroll)
        self.review.set_busy(False)
        if account_number:
            self._load_account(account_number, None)
        self._focus_step()

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)
        if self._recorded:
            self.start()  # back after a recorded payment: the next one starts fresh
        QTimer.singleShot(0, self, self._focus_step)

    def _focus_step(self) -> None:
        if self.pages.currentWidget() is self.review:
            target = self.review.confirm if self.review.confirm.isEnabled() else self.review.back
        else:
            target = self.form.channel if self._account else self.form.search
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- keyboard: Enter goes forward, Esc goes back ---------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key, modifiers = event.key(), event.modifiers()
        f = self.form
        if watched is f.search and key == Qt.Key.Key_Down and f.results.count():
            f.results.setVisible(True)
            f.results.setFocus()
            return True
        if watched is f.results and key == Qt.Key.Key_Up and f.results.currentRow() <= 0:
            f.search.setFocus()
            return True
        if key not in RETURN_KEYS or modifiers & Qt.KeyboardModifier.ControlModifier:
            return False
        if watched is f.notes:
            return False  # a new line; Ctrl+Enter reviews
        if watched is f.search:
            self.consumer_search.enter_pressed()
        elif watched is f.results:
            self.consumer_search.pick_current()
        elif watched is f.review_button:
            self.on_review_button_clicked()
        elif watched is f.paid_on:
            self._advance(f.channel)  # on to the payment type, as Enter on the channel does
        else:
            self._advance(watched)
        return True

    def _advance(self, current: QObject) -> None:
        chain = self.form.chain
        start = chain.index(current) + 1 if current in chain else 0
        for widget in chain[start:]:
            if widget.isEnabled() and widget.isVisibleTo(self.form):
                if widget in self.form.type_buttons.values() and not widget.isChecked():
                    continue
                if widget in self.form.extra_buttons.values():
                    checked = self.form.extras.checkedButton()
                    if checked is not None and widget is not checked:
                        continue
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return

    def step_back(self) -> None:
        """Esc: to the start of the previous section; from the consumer section, cancel."""
        f = self.form
        focus = QApplication.focusWidget()
        previous = ((f.payment_box, f.search), (f.amount_box, f.channel), (f.notes_box, f.method))
        for box, target in previous:
            if focus is not None and box.isAncestorOf(focus):
                target.setFocus(Qt.FocusReason.BacktabFocusReason)
                return
        if focus in (f.review_button, f.cancel_button):
            (f.notes if f.notes_box.isEnabled() else f.search).setFocus()
            return
        if f.search.text() and self._account is None:
            self.consumer_search.reset()
            f.search.setFocus()
            return
        self.cancelled.emit()

    def on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.form.isAncestorOf(new):
            self.scroll.ensureWidgetVisible(new, 20, 60)  # and the reason under it

    # -- 1 consumer -------------------------------------------------------------------------
    def _forget_pending_account(self) -> None:
        self._generation += 1  # typing again: an account still loading is no longer wanted

    def _load_account(self, account_number: str, match: ReferenceMatch | None) -> None:
        self._generation += 1
        generation = self._generation
        ReadOp(self, self._context, lambda uow: consumer_account(uow, account_number)).success(
            lambda account: self._account_loaded(account, match, generation)
        ).failure(lambda error: self._account_failed(error, generation)).run()

    def _account_loaded(
        self, account: ConsumerAccount, match: ReferenceMatch | None, generation: int
    ) -> None:
        if generation != self._generation:
            return
        f = self.form
        if self._account is None or self._account.account_number != account.account_number:
            f.received.clear()  # another consumer: nothing typed for the last one carries over
            f.notes.clear()
            self._clear_extra()
        self._account = account
        self.consumer_search.show_chosen(f"{account.name} · {account.account_number}")
        kind = match.payment_type if match and match.payment_type else self._payment_type()
        f.type_buttons[kind].setChecked(True)
        reference = match.item_reference if match else None
        self._show_account(reference)
        if reference and not f.items.checked_items():
            show_error(f.items, f.items_error, f"{reference} has nothing left to pay.")
        f.channel.setFocus(Qt.FocusReason.OtherFocusReason)

    def _account_failed(self, error: UserFacingError, generation: int) -> None:
        if generation == self._generation:
            self.consumer_search.show_error(error.message)

    def _show_account(self, checked_reference: str | None = None) -> None:
        f = self.form
        f.account_panel.show_account(self._account, self._context.money)
        f.payment_box.setEnabled(self._account is not None)
        self._show_items(checked_reference)

    # -- 2 type and items -------------------------------------------------------------------
    def _payment_type(self) -> PaymentType:
        for kind, button in self.form.type_buttons.items():
            if button.isChecked():
                return kind
        return PaymentType.BILL

    def on_types_button_toggled(self, _button: QWidget, checked: bool) -> None:
        if checked:
            self._show_items()

    def _show_items(self, checked_reference: str | None = None) -> None:
        f = self.form
        kind = self._payment_type()
        items = (
            []
            if self._account is None
            else [i for i in self._account.unpaid if i.kind == kind.value.lower()]
        )
        f.items_caption.setText(f"I&tems: {KIND_NAMES[kind]}  (Space ticks)")
        f.items.show_items(items, self._context.money, self._context.day, checked_reference)

    def on_items_checked_changed(self) -> None:
        items = self.form.items.checked_items()
        outstanding = sum(i.outstanding_minor for i in items)
        self.form.amount.setText(
            decimal_text(outstanding, self._context.settings.currency) if items else ""
        )
        self._clear_extra()
        self._recheck()

    # -- 3 method and amount ----------------------------------------------------------------
    def on_method_current_index_changed(self, _index: int) -> None:
        self._recheck()

    def _clear_extra(self) -> None:
        self.form.extras.setExclusive(False)
        for button in self.form.extra_buttons.values():
            button.setChecked(False)
        self.form.extras.setExclusive(True)

    def _method(self) -> PaymentMethod | None:
        name = self.form.method.currentData()
        return None if name is None else self._context.settings.method(name)

    def _draft(self) -> Draft:
        f = self.form
        checked = f.extras.checkedButton()
        extra = next((e for e, b in f.extra_buttons.items() if b is checked), None)
        return Draft(
            account=self._account,
            payment_type=self._payment_type(),
            channel=f.channel.currentData() or self._context.settings.default_channel,
            items=f.items.checked_items(),
            method=self._method(),
            amount_text=f.amount.text(),
            received_text=f.received.text(),
            extra=extra,
            notes=f.notes.toPlainText(),
            paid_on=f.paid_on.date().toPython(),
        )

    def _recheck(self) -> None:
        """Check the whole draft with the domain rules and show each reason beside its field."""
        f, settings = self.form, self._context.settings
        draft = self._draft()
        check = self._check = check_draft(draft, settings, self._today())
        errors = check.errors if self._account is not None else {}
        has_items = bool(draft.items)
        f.amount_box.setEnabled(has_items)
        f.notes_box.setEnabled(self._account is not None)
        is_cash = draft.method is not None and draft.method.is_cash
        for widget in (f.received, f.received_caption, f.change, f.change_caption):
            widget.setVisible(is_cash)
        if not is_cash:
            f.received_error.setVisible(False)
        show_error(f.items, f.items_error, errors.get("items") if self._account else None)
        show_error(f.method, f.method_error, errors.get("method"))
        show_error(f.amount, f.amount_error, errors.get("amount") if has_items else None)
        if is_cash:
            show_error(f.received, f.received_error, errors.get("received"))
        self._show_notes(errors.get("notes"))
        self._show_date(draft, errors.get("date"))
        self._show_summary(draft, check, is_cash)
        f.review_button.setEnabled(check.valid)

    def _show_date(self, draft: Draft, error: str | None) -> None:
        f, settings = self.form, self._context.settings
        if error is None and needs_supervisor_for_date(draft, settings, self._today()):
            days = settings.backdate_days_without_approval
            show_error(
                f.paid_on,
                f.date_error,
                f"Over {days} days back: a supervisor approves it.",
            )
            return
        show_error(f.paid_on, f.date_error, error)

    def _show_notes(self, error: str | None) -> None:
        f, limit = self.form, self._context.settings.notes_max_length
        count = len(f.notes.toPlainText().strip())
        f.notes_count.setText(f"{count} / {limit}")
        f.notes_count.setAccessibleName(f"{count} of {limit} characters")
        repolish(f.notes_count, role="error" if error else "muted")
        show_error(f.notes, f.notes_error, error)

    def _show_summary(self, draft: Draft, check: DraftCheck, is_cash: bool) -> None:
        f, money = self.form, self._context.money
        settlement = check.settlement
        f.change.setText(money(settlement.change_minor) if settlement and is_cash else "—")
        show_extra = is_cash and check.extra_minor > 0
        f.extra_row.setVisible(show_extra)
        f.extra_caption.setText(f"Extra {money(check.extra_minor)}:")
        show_error(f.extra_row, f.extra_error, check.errors.get("extra") if show_extra else None)
        if not draft.items:
            f.summary.setText("Tick the items the consumer is paying.")
            return
        f.summary.setText("<br>".join(summary_lines(draft, check, self._context.money)))

    # -- 4 review and confirm ---------------------------------------------------------------
    def on_review_button_clicked(self) -> None:
        self._recheck()
        if not self._check.valid or self._account is None:
            self._focus_first_error()
            return
        actor = self._context.actor
        recorded_by = actor.full_name if actor else ""
        self.review.show_review(
            *review_lines(
                self._draft(), self._check, self._context.money, recorded_by, self._context.day
            )
        )
        self.pages.setCurrentWidget(self.review)
        self.review.confirm.setFocus()

    def _focus_first_error(self) -> None:
        f, errors = self.form, self._check.errors
        if self._account is None:
            f.search.setFocus()
            return
        fields = {"items": f.items, "method": f.method, "amount": f.amount, "received": f.received}
        fields |= {"extra": next(iter(f.extra_buttons.values())), "notes": f.notes}
        for key, widget in fields.items():
            if key in errors:
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                if isinstance(widget, QLineEdit):
                    widget.selectAll()  # ready to be typed over
                return

    def on_review_back_requested(self) -> None:
        if self._submitting:
            return
        self.pages.setCurrentWidget(self.scroll)
        if self._refused and self._account is not None:
            self._refused = False
            self._load_account(self._account.account_number, None)  # what is unpaid now
        self.form.review_button.setFocus()

    def on_review_confirmed(self) -> None:
        if self._submitting or not self._check.valid:
            return
        settings = self._context.settings
        request = payment_request(self._draft(), self._check, settings, self._context.username)
        self._submit(request)

    def _submit(self, request: PaymentRequest) -> None:
        self._submitting = True
        self.review.set_busy(True)
        WriteOp(self, self._context, lambda uow: record_payment(uow, request)).success(
            self._payment_done
        ).failure(lambda error: self._refuse_or_ask(error, request)).run()

    def _refuse_or_ask(self, error: UserFacingError, request: PaymentRequest) -> None:
        """A back-dated payment: a supervisor types their PIN here and it is sent again."""
        if not isinstance(error, SupervisorApprovalRequired):
            if self._approval is not None:
                self._approval.refuse(error.message)  # wrong PIN: the dialog stays to retry
                self._submitting = False
                return
            self._refuse(error)
            return
        self._submitting = False
        self.review.set_busy(False)
        dialog = self._approval = SupervisorPinDialog(error.reasons, self, verb="Approve date")
        dialog.approved.connect(
            lambda username, pin: self._submit(
                replace(request, approver=username, approver_pin=pin)
            )
        )
        dialog.finished.connect(self._approval_closed)
        dialog.open()

    def _approval_closed(self) -> None:
        self._approval = None
        if not self._recorded:
            self.review.confirm.setFocus()

    def _payment_done(self, recorded: RecordedPayment) -> None:
        if self._approval is not None:
            self._approval.accept()
        self._recorded = True  # stays submitted: Confirm cannot record it twice
        self.review.confirm.setText("Recorded")
        self.payment_recorded.emit(recorded)

    def _refuse(self, error: UserFacingError) -> None:
        self._submitting = False
        self._refused = True
        self.review.refuse(error.message)

    def _today(self) -> date:
        return self._counter.today(self._context.settings.zone)

    @property
    def _counter(self) -> Counter:
        return self._context.counter
