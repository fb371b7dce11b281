"""Create the signed-in screens and connect them: who opens what, and where Back leads.

The screens' modules are imported here, at the first sign-in (or by the warm-up after the
first frame), never before the sign-in screen is shown: with the charts (pyqtgraph) and the
receipt preview (python-escpos) they take longer to import than the rest of the client.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.record_payment import RecordedPayment
    from ui.main_window import MainWindow
    from ui.screens.approvals import ApprovalsScreen
    from ui.screens.consumer_profile import ConsumerProfileScreen
    from ui.screens.dashboard import DashboardScreen
    from ui.screens.landing import LandingScreen
    from ui.screens.payment_details import PaymentDetailsScreen
    from ui.screens.receipt import ReceiptScreen
    from ui.screens.record_payment import RecordPaymentScreen
    from ui.screens.settings import SettingsScreen
    from ui.screens.shift import ShiftScreen

# What wire_screens builds, in the order the warm-up imports them (ui/warm_up.py).
SCREEN_MODULES = (
    "ui.screens.landing",
    "ui.screens.record_payment",
    "ui.screens.receipt",
    "ui.screens.payment_details",
    "ui.screens.consumer_profile",
    "ui.screens.dashboard",
    "ui.screens.approvals",
    "ui.screens.shift",
)


@dataclass(frozen=True)
class Screens:
    """The signed-in screens by their own types: the window calls their methods checked."""

    landing: "LandingScreen"
    record_payment: "RecordPaymentScreen"
    receipt: "ReceiptScreen"
    payment_details: "PaymentDetailsScreen"
    consumer_profile: "ConsumerProfileScreen"
    dashboard: "DashboardScreen"
    approvals: "ApprovalsScreen"
    shift: "ShiftScreen"


def wire_screens(window: "MainWindow") -> Screens:
    from ui.screens.approvals import ApprovalsScreen
    from ui.screens.consumer_profile import ConsumerProfileScreen
    from ui.screens.dashboard import DashboardScreen
    from ui.screens.landing import LandingScreen
    from ui.screens.payment_details import PaymentDetailsScreen
    from ui.screens.receipt import ReceiptScreen
    from ui.screens.record_payment import RecordPaymentScreen

    context = window.context
    landing = LandingScreen(context)
    record = RecordPaymentScreen(context)
    receipt = ReceiptScreen(context)
    details = PaymentDetailsScreen(context)
    profile = ConsumerProfileScreen(context)
    dashboard = DashboardScreen(context)
    approvals = ApprovalsScreen(context)
    for name, screen in (
        ("landing", landing),
        ("record_payment", record),
        ("receipt", receipt),
        ("payment_details", details),
        ("consumer_profile", profile),
        ("dashboard", dashboard),
        ("approvals", approvals),
    ):
        window.add_screen(name, screen)
    shift = _wire_shift(window, record)

    landing.record_payment_requested.connect(window.show_record_payment)
    landing.payment_opened.connect(window.show_payment)
    landing.receipt_opened.connect(window.show_receipt)
    landing.credit_note_requested.connect(window.create_credit_note)
    landing.consumer_opened.connect(window.show_consumer)
    landing.credit_note_opened.connect(window.open_credit_note)

    def recorded(payment: "RecordedPayment") -> None:
        window.run_print_queue()
        window.show_receipt(payment.receipt_number, remember=False)

    record.payment_recorded.connect(recorded)
    record.cancelled.connect(window.show_dashboard)
    receipt.record_another.connect(window.show_record_payment)
    receipt.back_to_dashboard.connect(window.show_dashboard)

    details.back_requested.connect(window.go_back)
    details.receipt_opened.connect(window.show_receipt)
    details.credit_note_requested.connect(window.create_credit_note)
    details.credit_note_opened.connect(window.open_credit_note)
    details.consumer_opened.connect(window.show_consumer)

    profile.back_requested.connect(window.go_back)
    profile.record_payment_requested.connect(window.show_record_payment)
    profile.payment_opened.connect(window.show_payment)

    dashboard.drill_down.connect(window.drill_down)
    approvals.credit_note_opened.connect(window.open_credit_note)
    approvals.payment_opened.connect(window.show_payment)
    return Screens(landing, record, receipt, details, profile, dashboard, approvals, shift)


def _wire_shift(window: "MainWindow", record: "RecordPaymentScreen") -> "ShiftScreen":
    """F5, the drawer's shift. A close is refused while Record Payment holds a draft."""
    from ui.screens.shift import ShiftScreen

    shift = ShiftScreen(window.context)
    window.add_screen("shift", shift)
    shift.draft_pending = record.has_unsaved_draft
    shift.shift_changed.connect(window.shift_guard.show)
    shift.shift_closed.connect(lambda _closed: window.run_print_queue())  # the Z report
    record.cancelled.connect(record.start)  # Cancel drops the draft: it holds no close up
    return shift


def wire_settings(window: "MainWindow") -> "SettingsScreen":
    """Built the first time an admin opens it: cashiers never pay for the admin's screen."""
    from ui.screens.settings import SettingsScreen

    settings = SettingsScreen(window.context)
    window.add_screen("settings", settings)
    settings.settings_saved.connect(window.apply_settings)
    return settings
