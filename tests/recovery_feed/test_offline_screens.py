"""The Recovery queue and Case screens at a branch without a recovery database (pytest-qt,
offscreen): they read the cases the last pull applied, sort them by priority, filter "On a
plan", show a case's timeline, and send a pause through the central server's port."""

import pytest
from PySide6.QtCore import Qt

from tests.support.recovery_ui import queue_of
from ui.recovery import case_server
from ui.recovery.queue_model import QueueColumn
from ui.recovery.queue_screen import SYNCED

pytestmark = pytest.mark.usefixtures(
    "_nothing_outlives_its_test", "_pools_gone_before_exit", "styled"
)


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
    assert case.segments.text() == "Segments: value high (amount)"  # as the server wrote it
    assert case.reschedule_button.isEnabled()  # through the server (test_smart_collect_offline)
    assert case.pause_button.isEnabled()
    qtbot.keyClicks(case.reason, "consumer pays at the branch on Friday")
    qtbot.mouseClick(case.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "now paused" in case.message.text(), timeout=20_000)
    assert server.sent == [("K-top", "pause", "consumer pays at the branch on Friday", "rpatel")]
