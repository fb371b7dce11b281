"""Find a consumer from anywhere: type a name, account or phone; pick from the popup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from ui.context import ClientContext
from ui.ops import ServiceOp

if TYPE_CHECKING:  # built with the window, before SQLAlchemy loads (ui/app.py)
    from app.services.consumers import ConsumerHit


class ConsumerFinder(QLineEdit):
    consumer_chosen = Signal(str)  # account number

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("consumerFinder")
        self.setAccessibleName("Find consumer")
        # Short enough to show whole in the bar at 1024 px (Qt elides a placeholder that
        # does not fit, and "Find consumer…" then read "Find consumer……"); the key is in
        # the tooltip.
        self.setPlaceholderText("Find consumer")
        self.setToolTip("Find a consumer by name, account number or phone (Ctrl+K)")
        self.setClearButtonEnabled(True)
        self._context = context
        self._hits: dict[str, ConsumerHit] = {}
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._completer.activated.connect(self.on_completer_activated)
        self.setCompleter(self._completer)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._search)
        self.textEdited.connect(self._debounce.start)
        self.returnPressed.connect(self.on_finder_return_pressed)
        self._generation = 0

    def sizeHint(self) -> QSize:
        # Asks for no more than its minimum: on a narrow screen the bar's other items (the
        # user's name) keep their room; on a wide one the finder grows (Expanding).
        hint = super().sizeHint()
        return QSize(self.minimumWidth() or hint.width(), hint.height())

    def set_context(self, context: ClientContext) -> None:
        self._context = context

    def _search(self) -> None:
        from app.services.consumers import search_consumers

        text = self.text().strip()
        if len(text) < 2:
            return
        self._generation += 1
        generation = self._generation
        counter = self._context.counter
        ServiceOp(self, lambda: search_consumers(counter.read(), text, 15), read=True).success(
            lambda hits: self._show(hits, generation)
        ).failure(lambda _error: None).run()

    def _show(self, hits: list[ConsumerHit], generation: int) -> None:
        if generation != self._generation:
            return
        self._hits = {self._label(h): h for h in hits}
        self._model.setStringList(list(self._hits))
        self._completer.setCompletionPrefix(self.text())
        if hits and self.hasFocus():
            self._completer.complete()

    @staticmethod
    def _label(hit: ConsumerHit) -> str:
        return f"{hit.name} — {hit.account_number} — {hit.service_address}"

    def on_completer_activated(self, label: str) -> None:
        hit = self._hits.get(label)
        if hit is not None:
            self.clear()
            self.consumer_chosen.emit(hit.account_number)

    def on_finder_return_pressed(self) -> None:
        """A scanned or typed exact account number opens that consumer at once."""
        text = self.text().strip()
        for hit in self._hits.values():
            if hit.account_number.casefold() == text.casefold():
                self.clear()
                self.consumer_chosen.emit(hit.account_number)
                return
        if len(self._hits) == 1:
            self.on_completer_activated(next(iter(self._hits)))
