"""The Recovery queue and Case screens at a branch without a recovery database (pytest-qt,
offscreen): they read the cases the last pull applied, sort them by priority, filter "On a
plan", show a case's timeline, and send a pause through the central server's port."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from app.services.recovery_database import DB_VARIABLE
from sync.client.apply import apply_changes
from sync.protocol import Change
from tests.recovery_ui.conftest import (  # noqa: F401
    _nothing_outlives_its_test,
    _pools_gone_before_exit,
    _styled,
    executive,
)
from ui.recovery import case_server
from ui.recovery.queue_model import QueueColumn
from ui.recovery.queue_screen import SYNCED, RecoveryQueueScreen

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


@pytest.fixture
def branch(db, executive, monkeypatch):  # noqa: F811
    """The counter after a pull that brought the server's cases; no recovery database."""
    monkeypatch.delenv(DB_VARIABLE, raising=False)
    changes = [Change(seq=n, entity="recovery_case", key=c["id"], op="upsert", data=c)
               for n, c in enumerate(CASES, start=1)]  # fmt: skip
    with db.unit_of_work() as uow:
        applied = apply_changes(uow.session, changes, uow.terminal().id, now=NOW)
        uow.commit()
    assert applied.count == len(CASES) and applied.failures == []
    return executive


class FakeServer:
    """The central server's port as the Case screen sees it (the route itself is tested on a
    real server in test_feed_roundtrip)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, str]] = []

    def send_case_action(self, counter, case_id, verb, reason, username, owner=""):
        self.sent.append((case_id, verb, reason, username))
        return "paused"


def cells(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def queue_of(qtbot, context) -> RecoveryQueueScreen:
    screen = RecoveryQueueScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1000, 640)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.queue.summary.text() != "", timeout=20_000)
    return screen


def test_the_queue_at_a_branch_lists_the_synced_cases_by_priority(qtbot, branch):
    screen = queue_of(qtbot, branch)
    queue = screen.queue
    assert cells(queue.model, QueueColumn.CASE) == ["K-top", "K-mid", "K-low"]
    priorities = [float(p) for p in cells(queue.model, QueueColumn.PRIORITY)]
    assert priorities == sorted(priorities, reverse=True)
    assert cells(queue.model, QueueColumn.CONSUMER)[0] == "WU-top (VIP)"
    assert cells(queue.model, QueueColumn.NEXT_ACTION)[0].startswith("retry_at: after")
    assert SYNCED in queue.summary.text() and "3 cases," in queue.summary.text()
    queue.status.setCurrentIndex(queue.status.findData("plan"))
    qtbot.waitUntil(lambda: cells(queue.model, QueueColumn.CASE) == ["K-plan"], timeout=20_000)
    assert cells(queue.model, QueueColumn.STATUS) == ["Plan"]


@pytest.fixture
def server():
    """The port installed for the test, as `tilldesk client` installs the real one."""
    previous = list(case_server._installed)
    fake = FakeServer()
    case_server.install(fake)
    yield fake
    case_server._installed[:] = previous


def test_a_synced_case_shows_its_timeline_and_pauses_through_the_server(qtbot, branch, server):
    screen = queue_of(qtbot, branch)
    queue = screen.queue
    queue.table.setFocus()
    queue.table.setCurrentIndex(queue.model.index(0, 0))
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    case = screen.case_screen
    qtbot.waitUntil(lambda: case.model.rowCount() == 3, timeout=20_000)
    assert cells(case.model, 1) == ["Attempt", "Decision", "Opened"]  # newest first
    assert "score 0.71" in case.model.rows[1].text
    assert "the server's copy as of" in case.facts.text()
    assert case.segments.text() == "Segments: value high (amount)"
    assert not case.reschedule_button.isEnabled() and not case.plan_button.isEnabled()
    assert case.pause_button.isEnabled()
    qtbot.keyClicks(case.reason, "consumer pays at the branch on Friday")
    qtbot.mouseClick(case.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "now paused" in case.message.text(), timeout=20_000)
    assert server.sent == [("K-top", "pause", "consumer pays at the branch on Friday", "rpatel")]
