"""The Recovery menu's entry for payment plans (F8, then Payment plans)."""

from PySide6.QtWidgets import QWidget

from app.domain.counter_plans import PLAN_MANAGERS
from ui.context import ClientContext
from ui.recovery.entries import RecoveryEntry


def _plans_screen(context: ClientContext) -> QWidget:
    from ui.screens.plans import PlansScreen

    return PlansScreen(context)


def entries() -> list[RecoveryEntry]:
    return [
        RecoveryEntry(
            name="paymentPlans",
            text="Payment plans",
            build=_plans_screen,
            roles=PLAN_MANAGERS,
            shortcut="Ctrl+Shift+L",
        )
    ]
