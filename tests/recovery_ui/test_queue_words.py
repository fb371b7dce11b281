"""What a recovery executive reads in the queue (pytest-qt, offscreen): consumers by name and
id, the band's chance as the branch writes a percentage, the next action in words (the engine's
text in the tooltip) and when the engine looks again."""

import re
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from sqlalchemy import update

from app.db.recovery_tables import recovery_consumers
from app.services.recovery_cases import list_cases
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_demo import rich_demo
from tests.support.recovery_feed import open_case
from tests.support.recovery_ui import queue_of, shot
from ui.recovery.queue_model import (
    NO_TIME_TIP,
    QueueColumn,
    QueueModel,
    QueueRow,
    next_action_text,
)

HARD_DECLINE = "wait: demo: hard decline: ask for a new payment method"


def cells(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def row(**changes) -> QueueRow:
    plain = QueueRow("C-1", "DC9", "open", 100, "USD", "standard", False, HARD_DECLINE, None,
                     "OPTIMAL_WINDOW", 95.0, 10.0, "high value")  # fmt: skip
    return replace(plain, **changes)


def shown(context, *rows: QueueRow) -> QueueModel:
    model = QueueModel(context)
    model.set_rows(list(rows))
    return model


def test_the_rich_demo_reads_as_words_with_the_consumers_name(qtbot, empty_recovery, executive):
    engine = shared_recovery_database(empty_recovery)
    rich_demo(engine, datetime.now(UTC), consumers=60)
    consumer = list_cases(engine, "open")[0]["consumer_id"]
    with engine.begin() as connection:
        connection.execute(update(recovery_consumers).where(recovery_consumers.c.id == consumer)
                           .values(name="Dana Cruz"))  # fmt: skip
    screen = queue_of(qtbot, executive)
    model = screen.queue.model
    shot(screen, "queue_words")
    named = {f"Dana Cruz ({consumer})", f"Dana Cruz ({consumer}, VIP)"}
    assert named & set(cells(model, QueueColumn.CONSUMER))
    bands = cells(model, QueueColumn.BAND)
    assert all(re.fullmatch(r"(Optimal|Scheduled|Risky|Critical) \d{1,3}%", b) for b in bands)
    hard = [r for r, c in enumerate(model.rows) if c.next_action == HARD_DECLINE]
    assert hard, "the rich demo waits on hard declines"
    index = model.index(hard[0], QueueColumn.NEXT_ACTION)
    assert index.data() == "Waiting: hard decline - ask for a new payment method (demo)"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == HARD_DECLINE  # the engine's whole text
    assert model.index(hard[0], QueueColumn.NEXT_AT).data() == "no time set"
    assert not any(re.match(r"[a-z_]+: ", c) for c in cells(model, QueueColumn.NEXT_ACTION))

    screen.queue.search.setText("dana")
    assert {r.consumer_id for r in model.rows} == {consumer}
    screen.queue.search.setText(consumer.lower())
    assert {r.consumer_id for r in model.rows} == {consumer}


def test_a_consumer_the_counter_knows_reads_as_everywhere_on_the_counter(
    qtbot, empty_recovery, executive
):
    open_case(shared_recovery_database(empty_recovery), "K-9", 14_550, account="WU-10001")
    screen = queue_of(qtbot, executive)
    assert cells(screen.queue.model, QueueColumn.CONSUMER) == ["John Doe (WU-10001)"]
    screen.queue.search.setText("john")
    assert cells(screen.queue.model, QueueColumn.CASE) == ["K-9"]


def test_the_chance_is_written_as_the_branch_writes_a_percentage(executive):
    assert shown(executive, row()).index(0, QueueColumn.BAND).data() == "Optimal 95%"
    german = replace(executive, settings=replace(executive.settings, locale="de_DE"))
    assert shown(german, row()).index(0, QueueColumn.BAND).data() == "Optimal 95\xa0%"
    closed = shown(executive, row(status="paid", band="", probability=None))
    assert closed.index(0, QueueColumn.BAND).data() == ""


def test_a_vip_without_a_known_name_keeps_the_id(executive):
    model = shown(executive, row(vip=True), row(vip=True, consumer_name="Dana Cruz"))
    assert cells(model, QueueColumn.CONSUMER) == ["DC9 (VIP)", "Dana Cruz (DC9, VIP)"]


def test_when_says_whether_anything_is_planned(executive):
    planned = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    model = shown(
        executive,
        row(),  # waits for something to happen
        row(status="paused", next_at=planned),  # nothing happens until it is resumed
        row(status="paid", next_at=None, band="", probability=None),
        row(next_at=planned),
    )
    when = cells(model, QueueColumn.NEXT_AT)
    assert when[:3] == ["no time set", "when resumed", ""]
    assert when[3].startswith("Tue 8 Dec")
    assert model.index(0, QueueColumn.NEXT_AT).data(Qt.ItemDataRole.ToolTipRole) == NO_TIME_TIP


def test_the_engines_reasons_read_as_words(executive):
    said = {
        "retry_at: daily-3: retry 1 of 3": "Retry planned: retry 1 of 3 (daily-3)",
        "ask_new_method: Expired card: retrying cannot succeed; ask for a new payment method":
            "Ask for a new payment method: Expired card - retrying cannot succeed; ask for a "
            "new payment method",
        "wait: the network rules allow no retry for now":
            "Waiting: the network rules allow no retry for now",
        "remind: balance 2900.00 USD; send a payment link":
            "Reminder planned: balance $2,900.00; send a payment link",
        "paused: consumer calls back: Friday (by rpatel)":
            "Paused: consumer calls back: Friday (by rpatel)",  # a person's words, as typed
        "first visit by the engine": "First visit by the engine",
        "demo history": "Demo history",
    }  # fmt: skip
    assert {text: next_action_text(executive, text) for text in said} == said
