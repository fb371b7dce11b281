"""Recovery screens in tests: the demo portfolio's paydays, signed-in contexts, the cases a
branch pulled, opening the queue, analytics and Smart Collect screens, screenshots."""

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from app.db.database import Database
from app.services.actors import sign_in
from app.services.runtime import counter_for
from app.services.settings import current_settings
from ui.context import ClientContext
from ui.recovery.queue_screen import RecoveryQueueScreen
from ui.recovery.recovery_analytics_screen import RecoveryAnalyticsScreen
from ui.recovery.smart_collect_screen import SmartCollectScreen

SHOTS = Path(os.environ.get("TILLDESK_SHOTS", "")) if os.environ.get("TILLDESK_SHOTS") else None


def _next_payday(today: date) -> date:
    """Five days or so ahead (never the 29th-31st, which short months lack): the demo's
    cases, due within a day, are then due before the optimal window."""
    payday = today + timedelta(days=5)
    return payday if payday.day <= 28 else payday + timedelta(days=32 - payday.day)


SOFT = "SOFT"  # the cases no engine has visited yet


NEXT_PAYDAY = _next_payday(datetime.now(UTC).date())


PAYDAY = NEXT_PAYDAY.day  # every demo consumer is paid on this day of the month
# The demo gateway approves by a hash of keys holding the time: which cases are still open
# after the run differs between runs, so the tests pick their cases from what is open.


def monthly_salary(consumer: str, months: int, payday: date) -> list[str]:
    """The salaries of the `months` months before `payday`'s."""
    lines = []
    year, month = payday.year, payday.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        lines.append(f"{consumer},{date(year, month, PAYDAY)},2500.00,USD,bank,2900.00")
    return lines


def context_as(db: Database, username: str, pin: str) -> ClientContext:
    counter = counter_for(db)
    return ClientContext(
        counter=counter,
        settings=current_settings(counter.read()),
        actor=sign_in(counter.write(), username, pin),
        terminal_code="T01",
    )


def shot(widget, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / f"{name}.png"))


NOW = datetime.now(UTC)


def case(case_id: str, status: str, *, owed: int, band: str, value: str, chance: float,
         vip: bool = False, days: int = 3, timeline: list | None = None) -> dict:  # fmt: skip
    return {
        "id": case_id, "consumer_id": f"WU-{case_id[-3:]}", "status": status,
        "status_reason": "plan PP-1 accepted" if status == "plan" else "",
        "amount_minor": owed, "recovered_minor": 0, "currency": "USD", "method": "card",
        "gateway": "nmi", "code": "202", "category": "insufficient_funds",
        "failed_at": (NOW - timedelta(days=days)).isoformat(),
        "next_at": (NOW + timedelta(hours=5)).isoformat(),
        "next_action": "retry_at: after the consumer's payday", "value_band": value,
        "segment": "high_value" if value == "high" else "standard", "vip": vip,
        "probability": chance, "band": band, "segments_text": f"value {value} (amount)",
        "published_at": NOW.isoformat(), "timeline": timeline or [],
    }  # fmt: skip


TIMELINE = [
    {"at": (NOW - timedelta(days=3)).isoformat(), "kind": "intake",
     "text": "145.50 USD failed at nmi, code 202 (insufficient_funds), from gateway"},
    {"at": (NOW - timedelta(days=2)).isoformat(), "kind": "decision",
     "text": "retry_at at 2026-12-06 10:00Z (smart, score 0.71): after the consumer's payday"},
    {"at": (NOW - timedelta(days=1)).isoformat(), "kind": "attempt",
     "text": "charge 145.50 USD: declined, code 202 (insufficient_funds)"},
]  # fmt: skip


CASES = [
    case("K-low", "open", owed=2_000, band="CRITICAL", value="low", chance=10.0),
    case(
        "K-top",
        "open",
        owed=90_000,
        band="OPTIMAL_WINDOW",
        value="high",
        chance=80.0,
        vip=True,
        days=20,
        timeline=TIMELINE,
    ),
    case("K-mid", "paused", owed=20_000, band="RISKY", value="medium", chance=40.0),
    case("K-plan", "plan", owed=30_000, band="", value="medium", chance=0.0),
    case("K-paid", "at_counter", owed=14_550, band="", value="medium", chance=0.0),
]


def queue_of(qtbot, context) -> RecoveryQueueScreen:
    screen = RecoveryQueueScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1000, 640)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.queue.summary.text() != "", timeout=20_000)
    return screen


def analytics_of(qtbot, context) -> RecoveryAnalyticsScreen:
    screen = RecoveryAnalyticsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1000, 640)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.report is not None, timeout=20_000)
    return screen


def open_consumer(qtbot, context, consumer_id: str) -> SmartCollectScreen:
    screen = SmartCollectScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1000, 640)
    screen.show()
    screen.show_consumer(consumer_id)
    qtbot.waitUntil(lambda: screen.view is not None, timeout=20_000)
    return screen
