"""`tilldesk recovery messages|optout|message-rules` on a real SQLite recovery database."""

import json
from datetime import UTC, datetime, timedelta

from app.recovery.channels import ChannelName, DeliveryEvent, EventType
from app.services.message_events import record_delivery_events
from app.services.recovery_messenger import RecoveryMessenger
from cli.main import main
from tests.messaging.helpers import (
    add_case,
    add_consumer,
    everything_sent,
    fakes,
    permit,
    recovery_db,
)

AT = datetime(2026, 1, 7, 4, 30, tzinfo=UTC)  # Wednesday 10:00 in Kolkata


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _two_cases(tmp_path) -> str:
    engine = recovery_db(tmp_path)
    add_consumer(engine, "C1", country="IN", phone="+919876543210", timezone="Asia/Kolkata")
    add_consumer(engine, "C2", country="US", subdivision="NY")
    add_case(engine, "K1", "C1")
    add_case(engine, "K2", "C2")
    channels = fakes()
    messenger = RecoveryMessenger(engine, channels)
    messenger.send(permit("K1", "C1", AT, channel="sms"), template="first_notice",
                   payment_link=True)  # fmt: skip
    messenger.send(permit("K2", "C2", AT + timedelta(hours=11), channel="email"),
                   template="final_notice", payment_link=False)  # fmt: skip
    sms = channels["sms"].sent[0]
    record_delivery_events(engine, [
        DeliveryEvent(ChannelName.SMS, f"sms-{sms.message_key}", EventType.DELIVERED,
                      AT + timedelta(minutes=1), "SM1-delivered"),
        DeliveryEvent(ChannelName.SMS, f"sms-{sms.message_key}", EventType.READ,
                      AT + timedelta(minutes=9), "SM1-read"),
    ])  # fmt: skip
    assert len(everything_sent(channels)) == 2
    engine.dispose()
    return str(tmp_path / "recovery.sqlite")


def test_messages_of_one_case_show_channel_utc_and_local_time_and_events(tmp_path, capsys) -> None:
    db = _two_cases(tmp_path)
    code, out, err = cli(capsys, "recovery", "messages", "--case", "K1", "--db", db, "--json")
    assert code == 0, err
    [message] = json.loads(out)
    assert message["case_id"] == "K1" and message["template"] == "first_notice"
    assert message["channel"] == "sms"
    assert message["sent_at"] == "2026-01-07T04:30:00+00:00"
    assert message["local_at"] == "2026-01-07T10:00:00+05:30"
    assert [e["type"] for e in message["events"]] == ["delivered", "read"]
    code, out, _ = cli(capsys, "recovery", "messages", "--db", db)
    assert code == 0 and "first_notice" in out and "final_notice" in out
    assert "2026-01-07 10:00" in out and "delivered, read" in out


def test_counts_by_channel_template_and_local_hour(tmp_path, capsys) -> None:
    db = _two_cases(tmp_path)
    code, out, err = cli(capsys, "recovery", "messages", "--counts", "--db", db, "--json")
    assert code == 0, err
    counts = json.loads(out)
    assert counts["by_channel"]["sms"] == {
        "sent": 1, "accepted": 1, "delivered": 1, "read": 1, "clicked": 0, "failed": 0,
        "opted_out": 0,
    }  # fmt: skip
    assert counts["by_channel"]["email"]["sent"] == 1
    assert set(counts["by_template"]) == {"first_notice", "final_notice"}
    assert set(counts["by_hour"]) == {"10"}  # 10:00 local for both: Kolkata and New York


def test_an_opt_out_is_recorded_listed_and_refused_for_an_unknown_consumer(
    tmp_path, capsys
) -> None:
    db = _two_cases(tmp_path)
    code, out, err = cli(
        capsys, "recovery", "optout", "C1", "--channel", "all", "--source", "phone call",
        "--evidence", "call 2026-01-07 ref 88", "--db", db, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["opted_out"] == ["email", "sms", "whatsapp"]
    code, out, _ = cli(capsys, "recovery", "optout", "--list", "--db", db, "--json")
    listed = json.loads(out)
    assert [(o["consumer_id"], o["channel"]) for o in listed] == [
        ("C1", "email"), ("C1", "sms"), ("C1", "whatsapp"),
    ]  # fmt: skip
    assert listed[0]["source"] == "phone call" and "ref 88" in listed[0]["evidence"]
    code, _, err = cli(capsys, "recovery", "optout", "NOBODY", "--channel", "sms", "--db", db)
    assert code != 0 and "No consumer NOBODY" in err


def test_message_rules_are_shown_changed_and_bad_hours_refused(tmp_path, capsys) -> None:
    db = str(tmp_path / "recovery.sqlite")
    code, out, _ = cli(capsys, "recovery", "message-rules", "--db", db, "--json")
    assert code == 0 and json.loads(out)["hours"] == "08:00-21:00"
    code, out, err = cli(
        capsys, "recovery", "message-rules", "--db", db, "--json", "--set", "per_week=2",
        "--place-hours", "US-CA=09:00-20:00", "--place-weekend", "AE=sat,sun",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert shown["per_week"] == 2 and shown["hours_by_place"] == {"US-CA": "09:00-20:00"}
    assert shown["weekends_by_place"]["AE"] == "sat,sun"
    code, _, err = cli(
        capsys, "recovery", "message-rules", "--db", db, "--set", "hours=08:00-25:00"
    )
    assert code != 0 and "'25:00' is not a time of day" in err
    code, out, _ = cli(capsys, "recovery", "message-rules", "--db", db, "--json")
    assert json.loads(out)["hours"] == "08:00-21:00"  # nothing was written


def test_a_contact_point_is_checked_at_intake_and_a_bad_one_refused_with_its_reason(
    tmp_path, capsys
) -> None:
    db = _two_cases(tmp_path)
    code, _, err = cli(
        capsys, "recovery", "contact", "C2", "--channel", "sms", "--address", "+1 555 0100",
        "--db", db,
    )  # fmt: skip
    assert code != 0 and "not a number in use" in err
    code, _, err = cli(
        capsys, "recovery", "contact", "C2", "--channel", "email", "--address", "ann@@example",
        "--db", db,
    )  # fmt: skip
    assert code != 0 and "is not an e-mail address" in err
    code, out, err = cli(
        capsys, "recovery", "contact", "C2", "--channel", "sms", "--address", "(201) 555-0123",
        "--db", db, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["address"] == "+12015550123"
    code, out, _ = cli(capsys, "recovery", "contact", "C2", "--list", "--db", db, "--json")
    points = {(p["channel"], p["address"], p["state"]) for p in json.loads(out)}
    assert ("sms", "+12015550123", "valid") in points
    assert not any(p[1] == "+1 555 0100" for p in points)
