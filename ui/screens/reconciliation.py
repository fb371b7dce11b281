"""Bank reconciliation: import a statement, run the matching, confirm or reject the pairs."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.errors import UserFacingError
from app.services.bank_formats import guess_format
from app.services.reconciliation import Decision, decide_match, run_reconciliation
from app.services.reconciliation_views import ReconciliationView, reconciliation_view
from app.services.statement_import import ImportResult, import_statement
from ui.context import ClientContext
from ui.models.text_rows_model import TextRowsModel
from ui.ops import ServiceOp, hub
from ui.widgets.list_with_actions import ListWithActions
from ui.widgets.style import role_label

STATUS_TEXT = {"proposed": "Matched", "suggested": "Suggested", "confirmed": "Confirmed"}


def _table(name: str, accessible: str, model: TextRowsModel, stretch: int) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class ReconciliationScreen(QWidget):
    """For billing managers and admins: the bank's lines against the counter's deposits."""

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reconciliationScreen")
        self._context = context
        self.view: ReconciliationView | None = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()
        hub.changed.connect(self.on_hub_changed)

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())
        self.summary = role_label("", "muted", name="reconciliationSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.matches_model = TextRowsModel(
            (
                "Match",
                "Status",
                "Pass",
                "Bank date",
                "Bank amount",
                "Bank text",
                "Counter item",
                "Item date",
                "Item amount",
            ),
            frozenset({0, 4, 8}),
        )
        self.matches = ListWithActions(
            name="reconciliationMatches",
            heading=("reconciliationMatchesHeading", "Matched pairs"),
            note=(
                "reconciliationMatchesNote",
                "Matches and suggestions wait for you: confirm the right ones, reject the rest.",
            ),
            model=self.matches_model,
            table_name="reconciliationMatchesTable",
            table_accessible="Matched pairs",
            message_name="reconciliationMessage",
        )
        self.matches.stretch_columns(5, 6)
        self.confirm_button = self.matches.add_action(
            "confirmMatchButton", "&Confirm", lambda: self._decide(Decision.CONFIRM)
        )
        self.reject_button = self.matches.add_action(
            "rejectMatchButton", "&Reject", lambda: self._decide(Decision.REJECT)
        )
        self.undo_button = self.matches.add_action(
            "undoMatchButton", "U&ndo", lambda: self._decide(Decision.UNDO)
        )
        self.matches.selection_changed.connect(self._update_buttons)
        layout.addWidget(self.matches, 3)
        layout.addWidget(self._leftovers(), 2)
        self._update_buttons()

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        heading = QLabel("Bank Reconciliation")
        heading.setProperty("role", "heading")
        bar.addWidget(heading)
        bar.addStretch(1)
        self.import_button = self._button("importStatementButton", "&Import statement…")
        self.import_button.clicked.connect(self.on_import_button_clicked)
        self.window_days = QSpinBox()
        self.window_days.setObjectName("windowDaysSpin")
        self.window_days.setAccessibleName("Date window in days")
        self.window_days.setRange(0, 31)
        self.window_days.setValue(self._context.settings.reconciliation_window_days)
        self.window_days.setSuffix(" days")
        window_label = QLabel("&Window ±")
        window_label.setBuddy(self.window_days)
        self.run_button = self._button("runMatchingButton", "Run &matching")
        self.run_button.clicked.connect(self.on_run_button_clicked)
        for widget in (self.import_button, window_label, self.window_days, self.run_button):
            bar.addWidget(widget)
        return bar

    def _leftovers(self) -> QTabWidget:
        self.lines_model = TextRowsModel(
            ("Date", "Amount", "Reference", "Description"), frozenset({1})
        )
        self.items_model = TextRowsModel(("Date", "Amount", "Kind", "Item"), frozenset({1}))
        self.exceptions_model = TextRowsModel(
            ("Payment", "Status", "Amount", "Hours"), frozenset({2, 3})
        )
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reconciliationTabs")
        self.tabs.setAccessibleName("What is left to resolve")
        for name, text, model, stretch in (
            ("unmatchedLinesTable", "Unmatched bank lines", self.lines_model, 3),
            ("unmatchedItemsTable", "Unmatched counter items", self.items_model, 3),
            ("paymentExceptionsTable", "Processing errors", self.exceptions_model, 0),
        ):
            self.tabs.addTab(_table(name, text, model, stretch), text)
        return self.tabs

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        return button

    # -- data -----------------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.refresh()

    def on_hub_changed(self, areas: frozenset) -> None:
        if Area.RECONCILIATION in areas or Area.PAYMENTS in areas or Area.SHIFT in areas:
            self._refresh_timer.start()

    def refresh(self) -> None:
        counter, username = self._context.counter, self._context.username
        ServiceOp(
            self, lambda: reconciliation_view(counter.read(), username=username), read=True
        ).success(self.show_view).failure(self._failed).run()

    def show_view(self, view: ReconciliationView) -> None:
        self.view = view
        money = self._context.money
        self.matches_model.set_rows(
            [
                [
                    str(m.number),
                    STATUS_TEXT.get(m.status, m.status),
                    m.match_pass,
                    self._context.day(m.booked_on),
                    money(m.bank_amount_minor),
                    m.bank_text,
                    m.item_label,
                    self._context.day(m.item_on),
                    money(m.item_amount_minor),
                ]
                for m in view.matches
            ],
            [m.number for m in view.matches],
        )
        lines, items = view.unmatched_lines, view.unmatched_items
        self.lines_model.set_rows(
            [
                [
                    self._context.day(ln.booked_on),
                    money(ln.amount_minor),
                    ln.reference,
                    ln.description,
                ]
                for ln in lines
            ],
            [ln.line_id for ln in lines],
        )
        self.items_model.set_rows(
            [
                [self._context.day(i.on), money(i.amount_minor), i.kind.replace("_", " "), i.label]
                for i in items
            ],
            [i.key for i in items],
        )
        self.exceptions_model.set_rows(
            [
                [e.payment_number, e.status, money(e.amount_minor), str(e.hours)]
                for e in view.exceptions
            ],
            [e.payment_number for e in view.exceptions],
        )
        for tab, count in enumerate((len(lines), len(items), len(view.exceptions))):
            self.tabs.setTabText(tab, f"{self.tabs.tabText(tab).split(' (')[0]} ({count})")
        self.summary.setText(self._summary(view))
        self._update_buttons()

    def _summary(self, view: ReconciliationView) -> str:
        if not view.lines:
            return "No bank statement yet: import one (CSV, CAMT.053 or MT940)."
        waiting = sum(1 for m in view.matches if m.status in ("proposed", "suggested"))
        return (
            f"{len(view.lines)} bank lines · {waiting} pairs waiting for a decision · "
            f"{len(view.unmatched_lines)} bank lines and {len(view.unmatched_items)} counter "
            "items unmatched"
        )

    # -- actions --------------------------------------------------------------------------
    def selected_match(self) -> int | None:
        row = self.matches.current_row()
        keys = self.matches_model.keys
        return keys[row] if 0 <= row < len(keys) else None

    def _selected_status(self) -> str | None:
        number = self.selected_match()
        if number is None or self.view is None:
            return None
        return next((m.status for m in self.view.matches if m.number == number), None)

    def _update_buttons(self, *_: object) -> None:
        status = self._selected_status()
        waiting = status in ("proposed", "suggested")
        self.confirm_button.setEnabled(waiting)
        self.reject_button.setEnabled(waiting)
        self.undo_button.setEnabled(status == "confirmed")

    def choose_statement_path(self) -> Path | None:
        """Asked of the user; tests replace it."""
        name, _filter = QFileDialog.getOpenFileName(
            self,
            "Import bank statement",
            "",
            "Bank statements (*.csv *.xml *.sta *.mt940 *.940 *.txt);;All files (*)",
        )
        return Path(name) if name else None

    def on_import_button_clicked(self) -> None:
        path = self.choose_statement_path()
        if path is None:
            return
        counter, username = self._context.counter, self._context.username

        def load() -> ImportResult:
            try:
                content = path.read_bytes()
            except OSError as error:
                raise UserFacingError(f"Cannot read {path.name}: {error.strerror}.") from None
            return import_statement(
                counter.write(), content, fmt=guess_format(path), username=username
            )

        self._run(load, lambda r: f"{r.lines_added} new bank lines, {r.lines_known} known.")

    def on_run_button_clicked(self) -> None:
        counter, username = self._context.counter, self._context.username
        days = self.window_days.value()
        self._run(
            lambda: run_reconciliation(counter.write(), username=username, window_days=days),
            lambda r: (
                f"Matched {r.matched}, suggested {r.suggested}; unmatched: "
                f"{r.unmatched_lines} bank lines, {r.unmatched_items} counter items."
            ),
        )

    def _decide(self, decision: Decision) -> None:
        number = self.selected_match()
        if number is None:
            return
        counter, username = self._context.counter, self._context.username
        self._run(
            lambda: decide_match(counter.write(), number, decision, username=username),
            lambda r: f"Match {r.number} {r.status}.",
        )

    def _run(self, call: Callable[[], Any], said: Callable[[Any], str]) -> None:
        def done(result: Any) -> None:
            self.matches.say(said(result), "ok")
            self.refresh()

        ServiceOp(self, call).success(done).failure(self._failed).run()

    def _failed(self, error: UserFacingError) -> None:
        self.matches.say(error.message, "error")
