"""Smart Collect for one consumer: the seed's five tabs over the recovery database - or, at a
counter without one, over the server's copy as of the last sync - with Reschedule to optimal and
(supervisors) Attempt now on the upcoming collections (on the copy: through the central server)."""

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTabWidget, QVBoxLayout, QWidget

from app.domain.errors import UserFacingError
from app.recovery.smart_collect.segments import label
from app.services.smart_collect import SmartCollectView
from app.services.smart_collect_actions import ActionResult, attempt_now, reschedule_to_window
from app.services.smart_collect_synced import SmartCollectPage, load_smart_collect
from ui.context import ClientContext
from ui.ops import ServiceOp
from ui.recovery.case_server import case_server
from ui.recovery.smart_collect_common import action_text, button, engine_of
from ui.recovery.smart_collect_tabs import (
    DashboardTab,
    HistoryTab,
    InsightsTab,
    RecommendationsTab,
    UpcomingTab,
)
from ui.widgets.style import restyle

SYNCED_AS_OF = "the server's copy as of"
ACTION_VERBS = {reschedule_to_window: "reschedule", attempt_now: "attempt"}


class SmartCollectScreen(QWidget):
    back_requested = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("smartCollectScreen")
        self._context = context
        self.view: SmartCollectView | None = None
        self.page: SmartCollectPage | None = None
        self._notice = ""  # what the last action did, kept over the reload it causes
        self.heading = QLabel("Smart Collect")
        self.heading.setProperty("role", "heading")
        self.consumer = QLineEdit()
        self.consumer.setObjectName("scConsumer")
        self.consumer.setAccessibleName("Consumer id")
        self.consumer.setPlaceholderText("Consumer id, then Enter")
        self.consumer.setMaximumWidth(220)
        self.back_button = button("scBack", "Back  (Esc)", "Back")
        self.back_button.setVisible(parent is not None)  # opened from a case: it can go back
        self.message = QLabel("Type a consumer id and press Enter.")
        self.message.setObjectName("scMessage")
        self.message.setProperty("role", "muted")
        self.message.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("scTabs")
        self.dashboard = DashboardTab(context)
        self.upcoming = UpcomingTab(context)
        self.recommendations = RecommendationsTab(context)
        self.insights = InsightsTab(context)
        self.history = HistoryTab(context)
        tabs = (
            (self.dashboard, "&1 Dashboard", "Summary cards, status, KPIs"),
            (self.upcoming, "&2 Upcoming", "Upcoming collections"),
            (self.recommendations, "&3 Recommendations", "Recommendations and risk signals"),
            (self.insights, "&4 Insights", "Behavioural insights"),
            (self.history, "&5 History", "Collection history"),
        )
        # The stylesheet makes the chosen tab bold, wider than Qt measured: no scroll arrows.
        self.tabs.tabBar().setUsesScrollButtons(False)
        for tab, title, whole in tabs:  # short titles: all five fit 1024 pixels
            self.tabs.setTabToolTip(self.tabs.addTab(tab, title), whole)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(QLabel("Consumer"))
        top.addWidget(self.consumer)
        top.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.consumer.returnPressed.connect(self.on_consumer_return_pressed)
        self.back_button.clicked.connect(self.back_requested)
        self.upcoming.reschedule_button.clicked.connect(self.on_reschedule_clicked)
        self.upcoming.attempt_button.clicked.connect(self.on_attempt_clicked)
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Escape"), self, self.back_requested.emit, context=here)
        for number in range(5):
            QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self,
                      lambda n=number: self.tabs.setCurrentIndex(n), context=here)  # fmt: skip
        self.tabs.setEnabled(False)

    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.dashboard.context = self.insights.context = context
        self.upcoming.set_context(context)
        self.history.model.context = context
        self.recommendations.recommendations.context = context
        self.recommendations.signals.context = context
        self.dashboard.kpis.context = context

    def show_consumer(self, consumer_id: str) -> None:
        self.consumer.setText(consumer_id)
        self.refresh()

    def refresh(self) -> None:
        consumer_id = self.consumer.text().strip()
        if not consumer_id:
            self.consumer.setFocus()
            return
        counter = self._context.counter
        op = ServiceOp(self, lambda: load_smart_collect(counter, consumer_id, datetime.now(UTC)),
                       read=True)  # fmt: skip
        op.success(self._show).failure(self._failed).run()

    def on_consumer_return_pressed(self) -> None:
        self.refresh()

    def _show(self, page: SmartCollectPage) -> None:
        view = page.view
        if view.consumer_id != self.consumer.text().strip():
            return  # an answer for a consumer no longer asked for
        self.view, self.page = view, page
        name = f" - {view.name}" if view.name else ""
        self.heading.setText(f"Smart Collect: {view.consumer_id}{name}")
        segments = ", ".join(label(s) for s in view.segments)
        notice, self._notice = self._notice, ""
        copy = ""
        if page.synced and page.published_at:
            copy = (f" Shown from {SYNCED_AS_OF} {self._context.moment(page.published_at)}; "
                    "actions go through the central server.")  # fmt: skip
        self._say(
            (notice or f"Segments: {segments or 'none (no case yet)'}.") + copy,
            "good" if notice else "",
        )
        for tab in (self.dashboard, self.upcoming, self.recommendations, self.insights,
                    self.history):  # fmt: skip
            tab.show_view(view)
        self.tabs.setEnabled(True)

    def _failed(self, error: UserFacingError) -> None:
        self._say(error.message, "bad")

    def _say(self, text: str, tone: str) -> None:
        self.message.setText(text)
        restyle(self.message, tone=tone)

    def on_reschedule_clicked(self) -> None:
        self._act(reschedule_to_window)

    def on_attempt_clicked(self) -> None:
        if self._context.is_supervisor:  # the button is hidden for others; the rule holds anyway
            self._act(attempt_now)

    def _act(self, action: object) -> None:
        chosen = self.upcoming.selected()
        if chosen is None:
            self._say("Choose an upcoming collection first.", "bad")
            return
        engine, who = engine_of(self._context), self._context.username or ""
        case_id, counter = chosen.collection_id, self._context.counter
        synced = self.page is not None and self.page.synced

        def run() -> ActionResult:
            if synced:  # no recovery database here: the server applies it (never queued)
                verb = ACTION_VERBS[action]  # type: ignore[index]
                return case_server().send_smart_collect_action(counter, case_id, verb, who)
            return action(engine(), case_id, who, datetime.now(UTC))  # type: ignore[operator]

        ServiceOp(self, run).success(self._acted).failure(self._failed).run()

    def _acted(self, result: ActionResult) -> None:
        self._notice = action_text(self._context, result)
        self.message.setToolTip(result.reason)  # the rules' whole answer
        self.refresh()
