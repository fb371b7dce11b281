"""A payment plan's milestone reaches the consumer once, by e-mail through a real SMTP server on
loopback, sent by `tilldesk recovery run`: held through the night (quiet hours), sent in the
morning in the consumer's language, never twice. A missed installment's case is still
reminded by the same service."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import keyring
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.db.recovery_tables_plan_notices import recovery_plan_notices
from app.services.circumstances_recovery import CircumstancesNotice, record_circumstances
from app.services.counter_plans_intake import intake_missed_installments
from app.services.counter_plans_notices import MilestoneNotice, queue_milestones
from app.services.recovery_database import open_recovery_database
from cli.commands.recovery_service import run_service
from cli.main import build_parser
from tests.support.vendors import free_port
from tests.sync_client.support import MemoryKeyring

NEW_YORK = ZoneInfo("America/New_York")
JOHN = {
    "account_number": "WU-10001", "name": "John Doe", "email": "john.doe@example.com",
    "phone": "", "timezone": "America/New_York",
}  # fmt: skip


@dataclass
class Mailbox:
    mails: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


def a_working_morning(after: date) -> datetime:
    """10:00 in New York on the next weekday that is no holiday there."""
    day, off = after + timedelta(days=1), holidays.country_holidays("US", subdiv="NY")
    while day.weekday() >= 5 or day in off:
        day += timedelta(days=1)
    return datetime.combine(day, time(10), NEW_YORK).astimezone(UTC)


@pytest.fixture
def secrets():
    previous, memory = keyring.get_keyring(), MemoryKeyring()
    memory.set_password("tilldesk-messaging", "unsubscribe-signing-key", "u" * 40)
    memory.set_password("tilldesk-server", "payment-link-secret", "p" * 40)
    keyring.set_keyring(memory)
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def smtp() -> tuple[Mailbox, int]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


def _run(db: str, config: Path, at: datetime) -> None:
    args = build_parser().parse_args(
        ["recovery", "run", "--db", db, "--gateway", "demo", "--once",
         "--model-check-seconds", "0", "--messaging", str(config), "--json"]
    )  # fmt: skip
    assert run_service(args, clock=lambda: at) == 0


def _notice(db: str) -> dict:
    engine = open_recovery_database(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(recovery_plan_notices)).one()._mapping)
    finally:
        engine.dispose()


def test_a_half_paid_plan_is_mailed_once_in_the_morning_not_at_night(
    tmp_path, smtp, secrets, capsys
) -> None:
    mailbox, port = smtp
    db = str(tmp_path / "recovery.sqlite")
    config = tmp_path / "messaging.toml"
    config.write_text(
        '[messaging]\npublic_url = "https://pay.example.org"\n'
        f'[messaging.email]\nhost = "127.0.0.1"\nport = {port}\n'
        'from_address = "plans@utility.example"\nsecurity = "opportunistic"\n'
    )
    morning = a_working_morning(datetime.now(UTC).date())
    night = (morning.astimezone(NEW_YORK) - timedelta(hours=11)).astimezone(UTC)  # 23:00
    engine = open_recovery_database(f"sqlite:///{db}")
    milestone = MilestoneNotice(
        plan_number="PP-2026-0007", milestone="half_paid", account_number="WU-10001",
        consumer=JOHN, paid_minor=5_000, total_minor=10_000, currency="USD",
        reached_on=(night.astimezone(NEW_YORK).date()).isoformat(), recorded_at=night,
    )  # fmt: skip
    assert queue_milestones(engine, [milestone], night) == ["PP-2026-0007/half_paid"]
    assert queue_milestones(engine, [milestone], night) == []  # the next round: no second one
    record_circumstances(
        engine,
        CircumstancesNotice(
            consumer_id="WU-10001", circumstances=(), preferred_channel="email",
            preferred_from="", preferred_until="", language="es", set_by="jsmith",
            set_at=night, version=1,
        ),
    )  # fmt: skip
    engine.dispose()

    _run(db, config, night)
    assert mailbox.mails == []
    held = _notice(db)
    assert held["status"] == "pending" and held["note"].startswith("held:")
    assert night < held["next_at"] <= morning

    _run(db, config, morning)
    _run(db, config, morning + timedelta(minutes=5))
    capsys.readouterr()

    [mail] = mailbox.mails
    assert mail["To"] == "john.doe@example.com"
    assert mail["Subject"] == "Ya va por la mitad: plan de pagos PP-2026-0007"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Estimado/a John:" in body
    assert "ya ha pagado $50.00 de $100.00" in body  # Spanish as spoken in the US (es_US)
    assert "Quedan $50.00 por pagar" in body
    sent = _notice(db)
    assert (sent["status"], sent["channel"], sent["language"]) == ("sent", "email", "es")
    assert sent["local_at"].startswith(morning.astimezone(NEW_YORK).strftime("%Y-%m-%dT10:00"))


@dataclass(frozen=True)
class Missed:
    key: str
    account_number: str
    consumer: dict
    amount_minor: int
    due_date: date
    currency: str


def test_a_missed_installments_case_is_still_reminded_by_the_recovery_service(
    tmp_path, smtp, secrets, capsys
) -> None:
    mailbox, port = smtp
    db = str(tmp_path / "recovery.sqlite")
    config = tmp_path / "messaging.toml"
    config.write_text(
        '[messaging]\npublic_url = "https://pay.example.org"\n'
        f'[messaging.email]\nhost = "127.0.0.1"\nport = {port}\n'
        'from_address = "plans@utility.example"\nsecurity = "opportunistic"\n'
    )
    morning = a_working_morning(datetime.now(UTC).date())
    engine = open_recovery_database(f"sqlite:///{db}")
    missed = Missed("PP-2026-0007/1", "WU-10001", JOHN, 5_000, morning.date() - timedelta(9), "USD")
    opened = intake_missed_installments(engine, [missed], morning - timedelta(hours=2))
    assert opened.added == ["PP-2026-0007/1"]
    engine.dispose()

    _run(db, config, morning)
    capsys.readouterr()

    assert [m["To"] for m in mailbox.mails] == ["john.doe@example.com"]
    text = mailbox.mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "$50.00" in text and "https://pay.example.org/pay/" in text
