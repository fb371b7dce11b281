"""The main window's navigation bar: the screens' buttons, the consumer finder, who is signed
in, Lock and Sign out. It must fit a 1024 px screen for every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ui.context import ClientContext
from ui.widgets.consumer_finder import ConsumerFinder
from ui.widgets.elided_label import ElidedLabel

WIDTH_BUDGET = 1024  # the smallest screen a service center runs us on


class NavTargets(Protocol):
    """What the bar's buttons open (the main window)."""

    def show_dashboard(self) -> None: ...
    def show_record_payment(self, account_number: str | None = None) -> None: ...
    def show_analytics(self) -> None: ...
    def show_approvals(self) -> None: ...
    def show_shift(self) -> None: ...
    def show_settings(self) -> None: ...
    def show_recovery_menu(self) -> None: ...
    def show_consumer(self, account_number: str) -> None: ...
    def lock(self) -> None: ...
    def sign_out(self) -> None: ...


def nav_button(name: str, text: str, slot: Callable[[], None]) -> QPushButton:
    """'Dashboard  (F1)' shows 'Dashboard', the key in its tooltip: the bar fits 1366 px."""
    label, _, keys = text.partition("  (")
    button = QPushButton(label)
    button.setObjectName(name)
    button.setAccessibleName(label)
    if keys:
        button.setToolTip(f"{label} ({keys}")
        button.setAccessibleDescription(f"Shortcut {keys.rstrip(')')}")
    button.setProperty("role", "nav")
    button.clicked.connect(slot)
    return button


class NavBar(QWidget):
    def __init__(self, context: ClientContext, targets: NavTargets) -> None:
        super().__init__()
        self.setObjectName("navBar")
        # A QWidget subclass paints the style sheet's background only when asked to.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        t = targets
        self.dashboard = nav_button("navDashboard", "Dashboard  (F1)", t.show_dashboard)
        self.record = nav_button(
            "navRecordPayment", "Record Payment  (F2)", lambda: t.show_record_payment()
        )
        self.analytics = nav_button("navAnalytics", "Analytics  (F3)", t.show_analytics)
        self.approvals = nav_button("navApprovals", "Approvals  (F4)", t.show_approvals)
        self.shift = nav_button("navShift", "Shift  (F5)", t.show_shift)
        self.settings = nav_button("navSettings", "Settings  (F6)", t.show_settings)
        # The recovery areas' screens (queue, alerts, experiments...), for the roles they allow.
        self.recovery = nav_button("navRecovery", "Recovery  (F8)", t.show_recovery_menu)
        self.recovery.hide()  # shown at sign-in to the roles with entries
        self.lock = nav_button("navLock", "Lock  (Ctrl+L)", t.lock)
        self.sign_out = nav_button("navSignOut", "Sign out", t.sign_out)
        self.finder = ConsumerFinder(context)
        self.finder.setMinimumWidth(140)  # with the rest of the bar, fits a 1024 px screen
        self.finder.consumer_chosen.connect(t.show_consumer)
        self.user = ElidedLabel("")  # gives way first: the status bar names the user too
        self.user.setObjectName("navUser")
        self.brand = QLabel("Tilldesk")
        self.brand.setProperty("role", "brand")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        row.addWidget(self.brand)
        row.addSpacing(8)
        for button in (self.dashboard, self.record, self.analytics, self.approvals, self.shift,
                       self.settings, self.recovery):  # fmt: skip
            row.addWidget(button)
        row.addSpacing(8)
        row.addWidget(self.finder)
        row.addStretch(1)
        row.addWidget(self.user)
        row.addWidget(self.lock)
        row.addWidget(self.sign_out)

    def fit(self) -> None:
        """With every entry a role has, the bar must still fit a 1024 px screen: the brand
        (the window title says it too) gives way first."""
        self.brand.show()
        if self.layout().minimumSize().width() > WIDTH_BUDGET:
            self.brand.hide()
