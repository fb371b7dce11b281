"""The Recovery queue and Case screens at a branch without a recovery database (pytest-qt,
offscreen): they read the cases the last pull applied, sort them by priority, name the
consumers the counter knows, filter "On a plan", show a case's timeline, and send a pause
through the central server's port."""

import json

import pytest
from PySide6.QtCore import Qt

from app.db.tables.smart_collect_feed import SyncedSmartCollectView
from sync.client.apply import apply_changes
from sync.protocol import Change
from tests.support.recovery_ui import NOW, case, queue_of
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
    assert cells(queue.model, QueueColumn.NEXT_ACTION)[0] == (
        "Retry planned: after the consumer's payday"
    )
    assert cells(queue.model, QueueColumn.BAND)[0] == "Optimal 80%"
    assert SYNCED in queue.summary.text() and "3 cases," in queue.summary.text()
    queue.status.setCurrentIndex(queue.status.findData("plan"))
    qtbot.waitUntil(lambda: cells(queue.model, QueueColumn.CASE) == ["K-plan"], timeout=20_000)
    assert cells(queue.model, QueueColumn.STATUS) == ["Plan"]


def test_a_synced_case_shows_the_name_this_counter_knows(qtbot, db, branch):
    """The consumer's name from their published Smart Collect view, else from the counter's
    own consumer with the account number; the id alone when neither names them."""
    johns = Change(seq=90, entity="recovery_case", key="K-john", op="upsert",
                   data={**case("K-john", "open", owed=5_000, band="RISKY", value="low",
                                chance=30.0), "consumer_id": "WU-10001"})  # fmt: skip
    with db.unit_of_work() as uow:
        assert apply_changes(uow.session, [johns], uow.terminal().id, now=NOW).failures == []
        view = json.dumps({"name": "Ana Ruiz"})  # the name is all the queue reads of it
        uow.session.add(SyncedSmartCollectView(consumer_id="WU-mid", view_json=view,
                                               published_at=NOW))  # fmt: skip
        uow.commit()
    screen = queue_of(qtbot, branch)
    consumers = dict(zip(cells(screen.queue.model, QueueColumn.CASE),
                         cells(screen.queue.model, QueueColumn.CONSUMER), strict=True))  # fmt: skip
    assert consumers == {"K-top": "WU-top (VIP)", "K-mid": "Ana Ruiz (WU-mid)",
                         "K-john": "John Doe (WU-10001)", "K-low": "WU-low"}  # fmt: skip
    screen.queue.search.setText("ruiz")
    assert cells(screen.queue.model, QueueColumn.CASE) == ["K-mid"]


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
