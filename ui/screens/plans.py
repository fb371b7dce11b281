"""Payment plans: the list with each plan's compliance (broken and behind first), a plan's
schedule (Enter), New plan (Ctrl+N) and Modify (Ctrl+M) for those who may make plans."""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Area
from app.domain.counter_plans import PLAN_MANAGERS
from app.domain.plan_compliance import PlanState
from app.services.counter_plans import PlanSaved
from app.services.counter_plans_views import LIST_LIMIT, PlanSummary, plans_overview
from ui.context import ClientContext
from ui.ops import ServiceOp, hub
from ui.screens.plans_detail import PlanDetailPage
from ui.screens.plans_models import PlanColumn, PlansModel
from ui.widgets.buttons import push_button

# What the filter offers: a caption and the states it shows (None: every plan).
FILTERS: tuple[tuple[str, tuple[PlanState, ...] | None], ...] = (
    ("Needs attention", (PlanState.BROKEN, PlanState.BEHIND, PlanState.PENDING)),
    ("Disconnection reviews (broken)", (PlanState.BROKEN,)),
    ("On track", (PlanState.ON_TRACK,)),
    ("Completed", (PlanState.COMPLETED,)),
    ("All plans", None),
)
REFRESH_AREAS = frozenset({Area.PLANS, Area.PAYMENTS, Area.CONSUMERS, Area.SYNC})


class PlansScreen(QWidget):
    back_requested = Signal()

    def __init__(self, context: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plansScreen")
        self._context = context
        self._generation = 0
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_list())
        self.detail = PlanDetailPage(context, self)
        self.detail.back_requested.connect(self.show_list)
        self.detail.modify_requested.connect(self.open_modify)
        self.pages.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addWidget(self.pages)
        self._refresh = QTimer(self, singleShot=True, interval=250)
        self._refresh.timeout.connect(self.refresh)
        hub.changed.connect(self.on_hub_changed)
        self._apply_role()

    def _build_list(self) -> QWidget:
        page = QWidget()
        heading = QLabel("Payment plans")
        heading.setProperty("role", "heading")
        self.search = QLineEdit()
        self.search.setObjectName("plansSearch")
        self.search.setAccessibleName("Search plans by plan number, account or name")
        self.search.setPlaceholderText("Plan number, account or name")
        self.search.textChanged.connect(lambda _text: self._refresh.start())
        self.filter = QComboBox()
        self.filter.setObjectName("plansFilter")
        self.filter.setAccessibleName("Which plans")
        self.filter.addItems([caption for caption, _ in FILTERS])
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button = push_button("plansNew", "&New plan…  (Ctrl+N)", "New plan", "primary")
        self.new_button.clicked.connect(self.open_new)
        self.open_button = push_button("plansOpen", "&Open  (Enter)", "Open plan")
        self.open_button.clicked.connect(self.open_selected)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.new_button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.open_button)
        self.model = PlansModel(self._context, self)
        self.table = QTableView()
        self.table.setObjectName("plansTable")
        self.table.setAccessibleName("Payment plans")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PlanColumn.CONSUMER, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.count = QLabel("")
        self.count.setObjectName("plansCount")
        self.count.setProperty("role", "muted")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        for keys, slot in (
            ("Ctrl+N", self.open_new),
            ("Return", self.open_selected),
            ("Enter", self.open_selected),
            ("Ctrl+F", self.search.setFocus),
        ):
            QShortcut(QKeySequence(keys), page, slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        QShortcut(QKeySequence("Escape"), page, self.back_requested.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        return page

    # -- context and role --------------------------------------------------------------------
    def set_context(self, context: ClientContext) -> None:
        self._context = context
        self.model.context = context
        self.detail.set_context(context)
        self._apply_role()

    @property
    def may_manage(self) -> bool:
        actor = self._context.actor
        return actor is not None and actor.role in PLAN_MANAGERS

    def _apply_role(self) -> None:
        self.new_button.setVisible(self.may_manage)

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._generation += 1
        generation, counter = self._generation, self._context.counter
        states = FILTERS[self.filter.currentIndex()][1]
        search = self.search.text()
        ServiceOp(
            self, lambda: plans_overview(counter.read(), states=states, search=search), read=True
        ).success(lambda rows: self._arrived(rows, generation)).run()
        if self.pages.currentWidget() is self.detail:
            self.detail.refresh()

    def _arrived(self, rows: list[PlanSummary], generation: int) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
            self.count.setText(
                f"{len(rows)} plan{'s' if len(rows) != 1 else ''} shown"
                + (f" (the first {LIST_LIMIT})" if len(rows) >= LIST_LIMIT else "")
            )
        else:
            self.count.setText("No plans match.")
        # The list takes the focus, except from someone typing a search or turning the filter
        # with the arrow keys: they go on from where they are.
        if self.pages.currentIndex() == 0 and not (
            self.search.hasFocus() or self.filter.hasFocus()
        ):
            self.table.setFocus()

    def on_hub_changed(self, areas: frozenset) -> None:
        if areas & REFRESH_AREAS:
            self._refresh.start()

    # -- navigation --------------------------------------------------------------------------
    def selected(self) -> PlanSummary | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.show_plan(row.plan_number)

    def show_plan(self, plan_number: str) -> None:
        self.detail.show_plan(plan_number, may_modify=self.may_manage)
        self.pages.setCurrentWidget(self.detail)
        self.detail.table.setFocus()  # not the hidden list's: the keys work on this plan

    def show_list(self) -> None:
        self.pages.setCurrentIndex(0)
        self.table.setFocus()
        self.refresh()

    def open_new(self) -> None:
        if not self.may_manage:
            return
        from ui.dialogs.plan_form import PlanFormDialog

        row = self.selected()
        dialog = PlanFormDialog(
            self._context, self, account_number=row.account_number if row else ""
        )
        dialog.saved.connect(self._plan_saved)
        dialog.open()
        self.form = dialog

    def open_modify(self, plan_number: str) -> None:
        if not self.may_manage:
            return
        from ui.dialogs.plan_form import PlanFormDialog

        dialog = PlanFormDialog(self._context, self, plan_number=plan_number)
        dialog.saved.connect(self._plan_saved)
        dialog.open()
        self.form = dialog

    def _plan_saved(self, saved: PlanSaved) -> None:
        self.show_plan(saved.plan_number)
