"""The richer demo portfolio (app/services/recovery_demo.py): deterministic, added once, and
enough for every recovery screen to show something (shots of each with it)."""

from datetime import UTC, datetime, timedelta

from app.services.recovery_case_analytics import case_analytics
from app.services.recovery_cases import list_cases
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_demo import rich_demo
from tests.support.recovery_ui import analytics_of, open_consumer, queue_of, shot

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_the_rich_demo_is_the_same_for_a_seed_and_added_once(tmp_path):
    first = shared_recovery_database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    second = shared_recovery_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    made = rich_demo(first, NOW, consumers=30)
    assert made == rich_demo(second, NOW, consumers=30)
    assert made.cases >= 30 and made.attempts > made.paid > 0
    cases = list_cases(first)
    assert len(cases) == made.cases
    assert sum(c["status"] == "paid" for c in cases) == made.paid
    assert rich_demo(first, NOW, consumers=30).already_there
    assert len(list_cases(first)) == made.cases


def test_every_screen_has_something_to_show_with_it(qtbot, empty_recovery, manager):
    made = rich_demo(shared_recovery_database(empty_recovery), datetime.now(UTC), consumers=60)
    queue = queue_of(qtbot, manager)
    rows = queue.queue.model.rows
    assert len(rows) > 10
    assert [r.priority for r in rows] == sorted((r.priority for r in rows), reverse=True)
    shot(queue, "rich_queue")
    analytics = analytics_of(qtbot, manager)
    assert analytics.model.rows[-1].cases == made.cases
    assert analytics.heatmap.cells_with_charges() > 20
    shot(analytics, "rich_analytics")
    analytics.dimension.setCurrentIndex(analytics.dimension.findData("channel"))
    keys = {g.key for g in analytics.model.rows}
    assert {"email", "sms", "whatsapp", "no reminder"} <= keys
    consumer = next(r.consumer_id for r in rows if r.next_at is not None)
    screen = open_consumer(qtbot, manager, consumer)
    assert screen.view.income.typical_day is not None or screen.view.income.kind == "irregular"
    shot(screen, "rich_smart_collect")
    screen.tabs.setCurrentIndex(3)
    shot(screen, "rich_smart_collect_insights")


def test_case_analytics_add_up_over_every_dimension(tmp_path):
    engine = shared_recovery_database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    made = rich_demo(engine, NOW, consumers=40)
    report = case_analytics(engine, NOW.date() - timedelta(days=120), NOW.date())
    for dimension in ("segment", "channel", "category"):
        *groups, total = report.groups[dimension]
        assert total.key == "all" and total.cases == made.cases == sum(g.cases for g in groups)
        assert total.recovered == made.paid == sum(g.recovered for g in groups)
    assert sum(map(sum, report.attempts)) == made.attempts
    assert sum(map(sum, report.approved)) == made.paid  # each paid case's last charge passed
    assert report.groups["segment"][-1].attempts_per_recovery >= 1.0
