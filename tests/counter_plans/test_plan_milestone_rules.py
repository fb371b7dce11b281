"""The milestone sender's rules on a real SQLite recovery database, with channel fakes: an
opt-out is respected (nothing sent, ever), the preferred channel goes first, the preferred time
of day is waited for, two senders never send one milestone twice, a stale one is dropped."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.db.recovery_tables_plan_notices import recovery_plan_notices
from app.recovery.channels import ChannelName
from app.services.circumstances_recovery import CircumstancesNotice, record_circumstances
from app.services.counter_plans_messages import PlanNoticeSender
from app.services.counter_plans_notices import MilestoneNotice, queue_milestones
from app.services.message_consents import opt_out
from tests.messaging.helpers import everything_sent, fakes
from tests.messaging.helpers import recovery_db as make_db

KOLKATA = ZoneInfo("Asia/Kolkata")
WEDNESDAY_10 = datetime(2026, 1, 7, 10, 0, tzinfo=KOLKATA)  # no holiday in Maharashtra
ASHA = {
    "account_number": "WU-20002", "name": "Asha Rao", "email": "asha@example.in",
    "phone": "+919876543210", "timezone": "Asia/Kolkata",
}  # fmt: skip


def _queued(tmp_path, milestone: str = "completed", at: datetime = WEDNESDAY_10):
    engine = make_db(tmp_path)
    notice = MilestoneNotice(
        plan_number="PP-2026-0042", milestone=milestone, account_number="WU-20002",
        consumer=ASHA, paid_minor=900_000, total_minor=900_000, currency="INR",
        reached_on="2026-01-06", recorded_at=at,
    )  # fmt: skip
    queue_milestones(engine, [notice], at, country="IN")
    return engine


def _prefer(engine, channel: str, window: tuple[str, str] = ("", "")) -> None:
    record_circumstances(
        engine,
        CircumstancesNotice(
            consumer_id="WU-20002", circumstances=(), preferred_channel=channel,
            preferred_from=window[0], preferred_until=window[1], language="hi",
            set_by="jsmith", set_at=WEDNESDAY_10, version=1,
        ),
    )  # fmt: skip


def _status(engine) -> tuple[str, str | None, str | None]:
    with engine.connect() as conn:
        row = conn.execute(select(recovery_plan_notices)).one()
        return row.status, row.channel, row.note


def test_the_preferred_channel_carries_it_in_the_consumers_language(tmp_path) -> None:
    engine = _queued(tmp_path)
    _prefer(engine, "sms")
    channels = fakes()
    report = PlanNoticeSender(engine, channels).send_due(WEDNESDAY_10)
    assert report.sent == ["PP-2026-0042/completed"]
    [sms] = everything_sent(channels)
    assert sms.channel is ChannelName.SMS and sms.to == "+919876543210"
    assert "PP-2026-0042" in sms.text and "₹9,000.00" in sms.text and "बधाई" in sms.text
    assert _status(engine)[:2] == ("sent", "sms")


def test_an_opted_out_consumer_gets_nothing(tmp_path) -> None:
    engine = _queued(tmp_path)
    opt_out(engine, "WU-20002", "all", WEDNESDAY_10 - timedelta(days=1))
    channels = fakes()
    report = PlanNoticeSender(engine, channels).send_due(WEDNESDAY_10)
    assert report.dropped == ["PP-2026-0042/completed"] and everything_sent(channels) == []
    assert _status(engine)[0] == "skipped"
    assert PlanNoticeSender(engine, channels).send_due(WEDNESDAY_10 + timedelta(days=1)).sent == []


def test_it_waits_for_the_preferred_time_of_day(tmp_path) -> None:
    engine = _queued(tmp_path)
    _prefer(engine, "email", ("17:00", "20:00"))
    channels = fakes()
    sender = PlanNoticeSender(engine, channels)
    assert sender.send_due(WEDNESDAY_10).held == ["PP-2026-0042/completed"]
    assert everything_sent(channels) == []
    assert sender.send_due(WEDNESDAY_10.replace(hour=16)).sent == []  # not due yet
    assert sender.send_due(WEDNESDAY_10.replace(hour=17, minute=5)).sent == [
        "PP-2026-0042/completed"
    ]
    [mail] = everything_sent(channels)
    assert mail.channel is ChannelName.EMAIL and "PP-2026-0042" in mail.subject


def test_two_senders_send_a_milestone_once(tmp_path) -> None:
    engine = _queued(tmp_path, "half_paid")
    channels = fakes()
    first = PlanNoticeSender(engine, channels).send_due(WEDNESDAY_10)
    second = PlanNoticeSender(engine, channels).send_due(WEDNESDAY_10 + timedelta(minutes=1))
    assert (first.sent, second.sent) == (["PP-2026-0042/half_paid"], [])
    assert len(everything_sent(channels)) == 1


def test_a_milestone_too_old_to_be_news_is_dropped(tmp_path) -> None:
    engine = _queued(tmp_path, at=WEDNESDAY_10 - timedelta(days=30))
    channels = fakes()
    report = PlanNoticeSender(engine, channels).send_due(WEDNESDAY_10.astimezone(UTC))
    assert report.dropped == ["PP-2026-0042/completed"] and everything_sent(channels) == []
    assert _status(engine)[0] == "expired"
