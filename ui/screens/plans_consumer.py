"""A line on the consumer's profile saying what their payment plans mean for disconnection:
protected by a compliant plan, or a broken plan under disconnection review (read-only)."""

from PySide6.QtWidgets import QLabel, QWidget

from app.services.counter_plans_views import DisconnectionStanding, disconnection_standing
from app.services.runtime import Counter
from ui.ops import ServiceOp


class PlanStandingLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planStanding")
        self.setAccessibleName("Payment plan and disconnection")
        self.setWordWrap(True)
        self.setVisible(False)
        self._generation = 0

    def show_for(self, counter: Counter, account_number: str) -> None:
        self._generation += 1
        generation = self._generation
        ServiceOp(
            self, lambda: disconnection_standing(counter.read(), account_number), read=True
        ).success(lambda standing: self._arrived(standing, generation)).failure(
            lambda _error: self.setVisible(False)
        ).run()

    def _arrived(self, standing: DisconnectionStanding, generation: int) -> None:
        if generation != self._generation:
            return
        self.setText(standing.message)
        self.setProperty("tone", "good" if standing.protected_by else "bad")
        self.style().polish(self)
        self.setVisible(bool(standing.message))
