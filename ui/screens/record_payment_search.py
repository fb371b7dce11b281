"""The consumer step: search as you type, pick from the list, or scan an account or invoice."""

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidgetItem

from app.domain.errors import UserFacingError
from app.services.consumers import ConsumerHit, search_consumers
from app.services.consumers_lookup import ReferenceMatch, find_consumer_by_reference
from app.services.runtime import Counter
from ui.ops import ServiceOp
from ui.screens.record_payment_widgets import ACCOUNT_ROLE, ConsumerResults, show_error

DEBOUNCE_MS = 150
MAX_HITS = 20


def lookup(counter: Counter, text: str) -> ReferenceMatch | list[ConsumerHit]:
    """What Enter in the search box finds: an exact reference first, else the matches."""
    match = find_consumer_by_reference(counter.read(), text)
    return match if match is not None else search_consumers(counter.read(), text, MAX_HITS)


class ConsumerSearch(QObject):
    """Drives the search box and its results list; says which consumer was chosen."""

    consumer_chosen = Signal(str, object)  # account number, ReferenceMatch | None

    def __init__(
        self,
        box: QLineEdit,
        results: ConsumerResults,
        error: QLabel,
        counter: Callable[[], Counter],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._box, self._results, self._error, self._counter = box, results, error, counter
        self._generation = 0  # results that arrive after newer typing are dropped
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._search)
        box.textEdited.connect(self.on_box_text_edited)
        results.itemActivated.connect(self.on_results_item_activated)
        results.itemClicked.connect(self.on_results_item_activated)

    def reset(self) -> None:
        self._generation += 1
        self._debounce.stop()
        self._box.clear()
        self._hide_results()
        show_error(self._box, self._error, None)

    def show_error(self, message: str | None) -> None:
        show_error(self._box, self._error, message)

    def _hide_results(self) -> None:
        self._results.clear()
        self._results.setVisible(False)

    def on_box_text_edited(self, text: str) -> None:
        self._generation += 1
        self.show_error(None)
        if len(text.strip()) < 2:
            self._debounce.stop()
            self._hide_results()
            return
        self._debounce.start()

    def _search(self) -> None:
        text, generation, counter = self._box.text().strip(), self._generation, self._counter()
        ServiceOp(
            self, lambda: search_consumers(counter.read(), text, MAX_HITS), read=True
        ).success(lambda hits: self._show_hits(hits, generation, text)).failure(
            lambda error: self._failed(error, generation)
        ).run()

    def _show_hits(self, hits: list[ConsumerHit], generation: int, text: str) -> None:
        if generation != self._generation:
            return
        self._results.show_hits(hits)
        self._results.setVisible(bool(hits))
        self.show_error(None if hits else f"No consumer matches '{text}'.")

    def _failed(self, error: UserFacingError, generation: int) -> None:
        if generation == self._generation:
            self.show_error(error.message)

    def enter_pressed(self) -> None:
        """Enter, or a scanner's final Enter: an exact account or invoice picks at once."""
        text = self._box.text().strip()
        if not text:
            return
        self._debounce.stop()
        self._generation += 1
        generation, counter = self._generation, self._counter()
        ServiceOp(self, lambda: lookup(counter, text), read=True).success(
            lambda found: self._looked_up(found, generation, text)
        ).failure(lambda error: self._failed(error, generation)).run()

    def _looked_up(
        self, found: ReferenceMatch | list[ConsumerHit], generation: int, text: str
    ) -> None:
        if generation != self._generation:
            return
        if isinstance(found, ReferenceMatch):
            self._chosen(found.account_number, found)
        elif len(found) == 1:
            self._chosen(found[0].account_number, None)
        else:
            self._show_hits(found, generation, text)
            if found:
                self._results.setFocus()  # several: the cashier picks with the arrows

    def pick_current(self) -> None:
        account = self._results.account_at(self._results.currentRow())
        if account:
            self._chosen(account, None)

    def on_results_item_activated(self, item: QListWidgetItem) -> None:
        self._chosen(item.data(ACCOUNT_ROLE), None)

    def _chosen(self, account_number: str, match: ReferenceMatch | None) -> None:
        self._generation += 1
        self._debounce.stop()
        self.consumer_chosen.emit(account_number, match)

    def show_chosen(self, label: str) -> None:
        """The chosen consumer stays in the box; typing again starts a new search."""
        self._box.setText(label)
        self._hide_results()
        self.show_error(None)
