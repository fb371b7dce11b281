"""Helpers for the simulated world's tests: hand-made tiny portfolios and a thin HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from sync.simulation.behaviour import PaySchedule, Traits, stable_int
from sync.simulation.portfolio_files import (
    CASE_COLUMNS,
    CONSUMER_COLUMNS,
    HISTORY_COLUMNS,
    MESSAGE_COLUMNS,
    write_hidden,
    write_rows,
)
from sync.simulation.world import running_world

ZONES = {
    "US": ("NY", "America/New_York", "+12125550123"),
    "IN": ("MH", "Asia/Kolkata", "+919812345678"),
    "GB": ("ENG", "Europe/London", "+447911123456"),
    "AU": ("SA", "Australia/Adelaide", "+61412345678"),
}
CURRENCIES = {"US": "USD", "IN": "INR", "GB": "GBP", "AU": "AUD"}


@dataclass
class TinyCase:
    """One consumer with one failed payment; the fields default to a Visa card through NMI."""

    case_id: str
    failed_at: str = "2027-01-04T15:00:00Z"
    amount_minor: int = 5_000
    country: str = "US"
    subdivision: str | None = None
    timezone: str | None = None  # None: the country's; "": left empty in the file
    phone: str | None = None
    method: str = "card"
    gateway: str = "nmi"
    card_network: str = "visa"
    code: str = "202"
    advice: str = ""
    instrument: str | None = None  # hidden state; None: let the world derive it
    traits: dict = field(default_factory=dict)  # hidden trait overrides

    @property
    def consumer_id(self) -> str:
        return f"C-{self.case_id}"


def write_tiny_portfolio(directory: Path, cases: list[TinyCase]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    consumers, case_rows, hidden = [], [], {}
    for case in cases:
        subdivision, zone, phone = ZONES[case.country]
        subdivision = subdivision if case.subdivision is None else case.subdivision
        zone = zone if case.timezone is None else case.timezone
        phone = phone if case.phone is None else case.phone
        consumers.append(
            (case.consumer_id, "Test Person", "person@example.com", phone, case.country,
             subdivision, zone, "en", "2020-01-01", 0)
        )  # fmt: skip
        network = case.card_network if case.method == "card" else ""
        case_rows.append(
            (case.case_id, case.consumer_id, case.amount_minor, CURRENCIES[case.country],
             case.method, case.gateway, network, "debit" if network else "",
             case.failed_at, case.code, case.advice, "bill", case.failed_at[:10])
        )  # fmt: skip
        if case.instrument is not None or case.traits:
            hidden[case.consumer_id] = _traits(case, zone or ZONES[case.country][1])
    write_rows(directory / "consumers.csv", CONSUMER_COLUMNS, consumers)
    write_rows(directory / "cases.csv", CASE_COLUMNS, case_rows)
    write_rows(directory / "history.csv", HISTORY_COLUMNS, [])
    write_rows(directory / "messages.csv", MESSAGE_COLUMNS, [])
    if hidden:
        write_hidden(directory, {"consumers": hidden})
    return directory


def _traits(case: TinyCase, zone: str) -> dict:
    traits = Traits(
        consumer_id=case.consumer_id,
        zone=zone,
        pay=PaySchedule("monthly", day=1),
        income_ratio=3.0,
        cover=0.9,
        buffer=1.0,
        base_approval=0.99,
        instrument=case.instrument or "ok",
        hard_code=case.code if case.instrument == "hard" else "",
        salt=stable_int(case.case_id),
    ).to_json()
    traits.update(case.traits)
    return traits


class WorldClient:
    """The protocol's three calls, answered as (status, body)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False  # loopback: skip the proxy look-ups

    def attempt(self, case_id: str, at: str, amount_minor: int) -> tuple[int, dict]:
        body = {"case_id": case_id, "at": at, "amount_minor": amount_minor}
        answer = self.session.post(f"{self.url}/attempt", json=body, timeout=10)
        return answer.status_code, answer.json()

    def message(
        self,
        case_id: str,
        at: str,
        channel: str = "sms",
        *,
        link: bool = False,
        urgent: bool = False,
    ) -> tuple[int, dict]:
        body = {
            "case_id": case_id,
            "at": at,
            "channel": channel,
            "template": "reminder",
            "payment_link": link,
            "urgent": urgent,
        }
        answer = self.session.post(f"{self.url}/message", json=body, timeout=10)
        return answer.status_code, answer.json()

    def events(self, until: str) -> tuple[int, list | dict]:
        answer = self.session.get(f"{self.url}/events", params={"until": until}, timeout=10)
        return answer.status_code, answer.json()

    def stats(self) -> dict:
        return self.session.get(f"{self.url}/stats", timeout=10).json()

    def breaches(self) -> dict[str, int]:
        return {rule: n for rule, n in self.stats()["breaches"].items() if n}


@contextmanager
def tiny_world(tmp_path: Path, cases: list[TinyCase], seed: int = 1) -> Iterator[WorldClient]:
    directory = write_tiny_portfolio(tmp_path / "portfolio", cases)
    with running_world(directory, seed) as (url, _world):
        client = WorldClient(url)
        yield client
        client.session.close()
