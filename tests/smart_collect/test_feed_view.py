"""A Smart Collect view survives its trip on the sync feed (JSON and back, field for field),
and a view that does not read - a wrong kind of value, a time without its zone, a missing
field - is refused with the field named, so the counter quarantines it instead of showing it."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from app.services.smart_collect import smart_collect_view, view_as_dict
from app.services.smart_collect_feed_view import MalformedView, view_from_dict
from sync.simulation.behaviour import PaySchedule
from tests.smart_collect.histories import credits
from tests.smart_collect.rows import add_case, add_consumer, add_credits, paid_history

NOW = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def view(engine):
    add_consumer(engine, "C1")
    add_credits(engine, "C1", credits(PaySchedule("monthly", day=15), date(2026, 3, 1), 365), NOW)
    paid_history(engine, "C1", datetime(2026, 9, 17, 15, tzinfo=UTC), 4)
    add_case(engine, "CASE-1", "C1", NOW - timedelta(days=1), amount_minor=130_000,
             next_at=NOW + timedelta(days=1))  # fmt: skip
    return smart_collect_view(engine, "C1", NOW, record=False)


def test_a_view_reads_back_equal_after_its_json_trip(view):
    travelled = json.loads(json.dumps(view_as_dict(view)))
    assert view_from_dict(travelled) == view


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (("summary", "total_scheduled"), "5", "total_scheduled"),
        (("income", "typical_day"), True, "typical_day"),
        (("generated_at",), "2027-03-02T15:00:00", "generated_at"),
        (("upcoming", 0, "status"), "SOMEWHERE", "SOMEWHERE"),
    ],
)
def test_a_view_that_does_not_read_is_refused_with_the_field_named(view, path, value, named):
    data = json.loads(json.dumps(view_as_dict(view)))
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(MalformedView, match=named):
        view_from_dict(data)


def test_a_view_without_a_field_is_refused(view):
    data = view_as_dict(view)
    del data["summary"]
    with pytest.raises(MalformedView, match="has no summary"):
        view_from_dict(data)
