"""The recovery queue and a case (pytest-qt, offscreen): priority order, filters, search,
Enter opens the case, its timeline of decisions, pause and resume, Escape comes back."""

import re
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import Qt

from app.services.recovery_cases import list_cases
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_demo import rich_demo
from app.services.smart_collect_escalations import evaluate_escalations, list_escalations
from tests.support.recovery_ui import SOFT, queue_of, shot
from ui.recovery.case_text import words
from ui.recovery.queue_model import QueueColumn, QueueFilters, QueueRow
from ui.recovery.queue_screen import NO_CASES


def cells(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_queue_lists_open_cases_highest_priority_first(qtbot, recovery, executive):
    screen = queue_of(qtbot, executive)
    model = screen.queue.model
    priorities = [float(p) for p in cells(model, QueueColumn.PRIORITY)]
    still_open = [c["id"] for c in list_cases(shared_recovery_database(recovery), "open")]
    assert sorted(cells(model, QueueColumn.CASE)) == sorted(still_open)  # paid ones are gone
    assert priorities == sorted(priorities, reverse=True)
    assert set(cells(model, QueueColumn.STATUS)) == {"Open"}
    assert all(band for band in cells(model, QueueColumn.BAND))
    assert "owed" in screen.queue.summary.text()
    shot(screen, "queue")


def test_filters_and_search_narrow_the_queue(qtbot, recovery, executive):
    screen = queue_of(qtbot, executive)
    queue = screen.queue
    first = queue.loaded[0]
    queue.search.setText(first.case_id.lower())
    assert cells(queue.model, QueueColumn.CASE) == [first.case_id]
    queue.search.setText(first.consumer_id.lower())
    consumers = set(cells(queue.model, QueueColumn.CONSUMER))
    vip = ", VIP" if first.vip else ""
    assert consumers == {f"{first.consumer_name} ({first.consumer_id}{vip})"}  # the demo's people
    queue.search.setText(first.consumer_name.split()[-1].lower())  # by surname too
    assert first.case_id in cells(queue.model, QueueColumn.CASE)
    queue.search.clear()
    segment = queue.loaded[-1].segment
    queue.segment.setCurrentIndex(queue.segment.findData(segment))
    wanted = [r.case_id for r in queue.loaded if r.segment == segment]
    assert cells(queue.model, QueueColumn.CASE) == wanted  # in priority order still
    absent = next(b for b in ("OPTIMAL_WINDOW", "SCHEDULED", "RISKY", "CRITICAL")
                  if b not in {r.band for r in queue.loaded if r.segment == segment})  # fmt: skip
    queue.band.setCurrentIndex(queue.band.findData(absent))
    assert queue.model.rowCount() == 0
    assert queue.summary.text() == "No case matches these filters."
    queue.segment.setCurrentIndex(0)
    queue.band.setCurrentIndex(0)
    queue.status.setCurrentIndex(queue.status.findData("all"))
    every = len(list_cases(shared_recovery_database(recovery)))
    qtbot.waitUntil(lambda: queue.model.rowCount() == every, timeout=20_000)
    assert set(cells(queue.model, QueueColumn.STATUS)) - {"Open", "Paused"}  # closed ones too
    queue.status.setCurrentIndex(0)  # back to the queue: the closed ones go again
    assert set(cells(queue.model, QueueColumn.STATUS)) == {"Open"}


def test_filters_keep_what_they_say():
    row = QueueRow("C-1", "DC9", "open", 100, "USD", "standard", False, "", None, "RISKY",
                   50.0, 10.0, "")  # fmt: skip
    assert QueueFilters(search="c-").keeps(row) and QueueFilters(search="dc9").keeps(row)
    assert not QueueFilters(band="CRITICAL").keeps(row)
    assert not QueueFilters(case_ids=frozenset({"C-2"})).keeps(row)
    assert not QueueFilters(queued_only=True).keeps(replace(row, status="paid"))


def test_enter_opens_the_case_with_its_decisions_and_escape_returns(qtbot, recovery, manager):
    screen = queue_of(qtbot, manager)
    queue = screen.queue
    chosen = next(r for r in queue.loaded if not r.case_id.startswith(SOFT))  # visited
    queue.search.setText(chosen.case_id)
    queue.table.setFocus()
    queue.table.setCurrentIndex(queue.model.index(0, 0))
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    case = screen.case_screen
    assert case is not None and screen.currentWidget() is case
    qtbot.waitUntil(lambda: case.model.rowCount() > 0, timeout=20_000)
    kinds = cells(case.model, 1)
    assert kinds[-1] == "Opened" and "Decision" in kinds  # newest first, the intake last
    if "retry 2" in chosen.next_action:  # the first retry was charged and declined
        assert "Attempt" in kinds
    decisions = [case.model.rows[i].text for i, k in enumerate(kinds) if k == "Decision"]
    assert any("daily-3" in text for text in decisions)  # the policy's reason is shown
    assert (
        f"Consumer {chosen.consumer_name} ({chosen.consumer_id}" in case.facts.text()
        and re.search(r" \(\d+%\)", case.facts.text())  # the band's chance: "(95%)"
        and re.match(r"Segments: (Low|Medium|High) value \(", case.segments.text())
        and " handling (" in case.segments.text()  # plain words, not 'config high_value'
        and re.search(r"value \(\$[\d,]+\.\d\d; ", case.segments.text())  # money: "$600.00"
    )
    assert case.attempt_button.isVisible()  # a billing manager is a supervisor
    shot(screen, "case")
    qtbot.keyClick(case.timeline, Qt.Key.Key_Escape)
    assert screen.currentWidget() is queue


def test_pause_needs_a_reason_then_pauses_and_resume_reopens(qtbot, recovery, executive):
    screen = queue_of(qtbot, executive)
    case_id = screen.queue.loaded[0].case_id
    screen.open_case(case_id)
    case = screen.case_screen
    qtbot.waitUntil(lambda: case.pause_button.isEnabled(), timeout=20_000)
    assert not case.attempt_button.isVisibleTo(case)  # not a supervisor
    qtbot.mouseClick(case.pause_button, Qt.MouseButton.LeftButton)
    assert "Say why" in case.message.text()
    qtbot.keyClicks(case.reason, "consumer asked for a week")
    qtbot.mouseClick(case.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: case.resume_button.isEnabled(), timeout=20_000)
    assert "paused" in case.facts.text() and case.model.rows[0].kind == "event"
    assert "consumer asked for a week (by rpatel)" in case.model.rows[0].text
    qtbot.keyClicks(case.reason, "called back")
    qtbot.mouseClick(case.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: case.pause_button.isEnabled(), timeout=20_000)


def test_an_empty_recovery_database_says_no_cases_yet(qtbot, empty_recovery, executive):
    screen = queue_of(qtbot, executive)
    assert screen.queue.model.rowCount() == 0
    assert screen.queue.summary.text() == NO_CASES
    shot(screen, "queue_empty")


def test_an_escalation_step_is_marked_done_from_the_case(qtbot, empty_recovery, manager):
    engine = shared_recovery_database(empty_recovery)
    rich_demo(engine, datetime.now(UTC), consumers=40)
    steps = [s for s in evaluate_escalations(engine, datetime.now(UTC)) if s.state == "open"]
    assert steps, "the rich demo calls for escalation steps"
    screen = queue_of(qtbot, manager)
    screen.open_case(steps[0].case_id)
    case = screen.case_screen
    qtbot.waitUntil(lambda: case.step_button.isEnabled(), timeout=20_000)
    assert f"{words(steps[0].rule)}: {steps[0].action}" in case.escalations.text()
    assert "_" not in case.escalations.text().split(":")[0]
    qtbot.keyClicks(case.reason, "called the consumer")
    qtbot.mouseClick(case.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "- done" in case.escalations.text(), timeout=20_000)
    done = next(s for s in list_escalations(engine) if s.id == steps[0].id)
    assert done.state == "done" and done.closed_by == "mbrown"
