"""A real recovery database on a SQLite file, consumers and cases in it, and channel fakes that
answer the way providers do (accepted with an id, or refused)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.recovery.channels import ChannelName, OutgoingMessage, SendReceipt
from app.recovery.message_ledger import _SEAL, MessagePermit
from app.services.recovery_database import open_recovery_database


def recovery_db(tmp_path: Path) -> Engine:
    return open_recovery_database(f"sqlite:///{tmp_path / 'recovery.sqlite'}")


def add_consumer(engine: Engine, consumer_id: str, **values: Any) -> None:
    row = {
        "id": consumer_id,
        "name": "",
        "email": f"{consumer_id.lower()}@example.com",
        "phone": "",
        "country": "US",
        "subdivision": "",
        "timezone": "",
        "language": "en",
        "vip": False,
        **values,
    }
    with engine.begin() as connection:
        connection.execute(insert(recovery_consumers).values(row))


def add_case(engine: Engine, case_id: str, consumer_id: str, **values: Any) -> None:
    row = {
        "id": case_id,
        "consumer_id": consumer_id,
        "amount_minor": 12_500,
        "currency": "USD",
        "method": "card",
        "gateway": "stripe",
        "card_network": "visa",
        "card_type": "credit",
        "failed_at": datetime(2026, 1, 1, tzinfo=UTC),
        "code": "insufficient_funds",
        "merchant_advice_code": "",
        "category": "insufficient_funds",
        "product": "bill",
        "segment": "standard",
        "status": "open",
        "recovered_minor": 0,
        "instrument": "",
        **values,
    }
    with engine.begin() as connection:
        connection.execute(insert(recovery_cases).values(row))


def permit(case_id: str, consumer_id: str, at: datetime, channel: str = "whatsapp",
           urgent: bool = False) -> MessagePermit:  # fmt: skip
    """What the engine's MessageLedger grants (the ledger's own tests cover its rules)."""
    return MessagePermit(case_id, consumer_id, channel, at, urgent, _SEAL)


@dataclass
class FakeChannel:
    """A provider on this side of the network: keeps what it was given, answers as told."""

    name: ChannelName
    refuse: str | None = None  # an error to answer with
    permanent: bool = False
    sent: list[OutgoingMessage] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> SendReceipt:
        self.sent.append(message)
        if self.refuse:
            return SendReceipt(False, None, self.refuse, self.permanent)
        return SendReceipt(True, f"{self.name.value}-{message.message_key}")


def fakes(**refusals: str) -> dict[str, FakeChannel]:
    return {c.value: FakeChannel(c, refuse=refusals.get(c.value)) for c in ChannelName}


def everything_sent(channels: dict[str, FakeChannel]) -> list[OutgoingMessage]:
    return [m for c in channels.values() for m in c.sent]
