"""Payment-plan milestone messages (half paid, completed) from the recovery service: each goes
once, on a channel the consumer consented to (the preferred one first), within their place's
hours (weekends, holidays, the caps the reminders already used) and their preferred time of
day, in their language, from resources/recovery/plan_notices.

Rows come from counter_plans_notices (one per plan and milestone). A row is marked "sending"
and committed before the provider is called, as reminders are: a second worker, or a crash
and a restart, never sends a milestone twice.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Connection, Engine, select, update

from app.db.recovery_tables import recovery_consumers
from app.db.recovery_tables_disputes import recovery_circumstances
from app.db.recovery_tables_plan_notices import recovery_plan_notices
from app.domain.money import format_money
from app.recovery.channels import Channel, ChannelName, OutgoingMessage, SendReceipt
from app.recovery.messaging_rules import MessagingRules
from app.recovery.orchestration import usable_channels
from app.recovery.quiet_hours import forbidden_reason, next_allowed
from app.recovery.templates.context import (
    DEFAULT_SENDER,
    FALLBACK_LANGUAGE,
    language_of,
    locale_for,
)
from app.recovery.zones import consumer_zones
from app.services.circumstances_recovery import Preferences, preferences_for
from app.services.message_consents import ensure_contact_points, mark_bad, opted_out_channels
from app.services.message_history import recent_reminders
from app.services.messaging_settings import read_rules

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "resources" / "recovery" / "plan_notices"
FRESH = timedelta(days=14)  # older than this, a milestone is no longer news: not sent
RETRY = timedelta(hours=1)  # every channel refused: try again later
MAX_ATTEMPTS = 5
BATCH = 200


@dataclass
class NoticeRound:
    sent: list[str] = field(default_factory=list)  # PP-2026-0001/half_paid
    held: list[str] = field(default_factory=list)  # waiting for the hours or the preference
    failed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # expired, or no channel may carry it


@dataclass
class _Consumer:
    row: dict[str, Any]
    rules: MessagingRules
    zones: tuple[Any, ...]
    prefs: Preferences
    usable: list[str]
    addresses: dict[str, str]
    reminders: list[datetime]
    language: str


class PlanNoticeSender:
    """`send_due` is a companion round of `recovery run` (cli/wiring/recovery_companions)."""

    def __init__(
        self,
        engine: Engine,
        channels: Mapping[str, Channel],
        *,
        templates: Path = TEMPLATES_DIR,
        sender_name: str = DEFAULT_SENDER,
    ) -> None:
        self.engine, self.channels = engine, dict(channels)
        self.templates, self.sender_name = templates, sender_name

    def send_due(self, now: datetime) -> NoticeRound:
        report = NoticeRound()
        n = recovery_plan_notices.c
        with self.engine.connect() as connection:
            due = connection.execute(
                select(recovery_plan_notices)
                .where(n.status == "pending", n.next_at <= now)
                .order_by(n.next_at, n.id)
                .limit(BATCH)
            ).all()
        for row in due:
            try:
                self._one(dict(row._mapping), now, report)
            except Exception:  # one notice's trouble must not stop the others
                log.exception("plan notice %s not sent", row.id)
        return report

    # -- one notice ---------------------------------------------------------------------------
    def _one(self, notice: dict[str, Any], now: datetime, report: NoticeRound) -> None:
        key = notice["id"]
        if now - notice["recorded_at"] > FRESH:
            self._close(key, "expired", f"not sent within {FRESH.days} days of the milestone")
            report.dropped.append(key)
            return
        with self.engine.begin() as connection:
            consumer = self._consumer(connection, notice["consumer_id"], now)
        if consumer is None or not consumer.usable:
            self._close(key, "skipped", "no channel the consumer consented to has an address")
            report.dropped.append(key)
            return
        held = self._hold(consumer, now)
        if held is not None:
            until, why = held
            self._set(key, next_at=until, note=why)
            report.held.append(key)
            return
        if not self._claim(key):
            return  # another worker took it
        errors = []
        for channel in consumer.usable:
            receipt = self._send(notice, consumer, channel, now)
            if receipt.accepted:
                local = now.astimezone(consumer.zones[0]).isoformat(timespec="seconds")
                self._set(
                    key, status="sent", channel=channel, provider_id=receipt.provider_id,
                    sent_at=now, local_at=local, language=consumer.language, note=None,
                )  # fmt: skip
                report.sent.append(key)
                return
            errors.append(f"{channel}: {receipt.error or 'refused'}")
            if receipt.permanent:
                with self.engine.begin() as connection:
                    mark_bad(
                        connection, notice["consumer_id"], channel,
                        f"{channel} provider: {receipt.error or 'refused the address'}", now,
                        [consumer.addresses[channel]],
                    )  # fmt: skip
        last = notice["attempts"] + 1 >= MAX_ATTEMPTS
        self._set(
            key, status="failed" if last else "pending", next_at=None if last else now + RETRY,
            note="; ".join(errors),
        )  # fmt: skip
        report.failed.append(key)

    def _hold(self, consumer: _Consumer, now: datetime) -> tuple[datetime, str] | None:
        """(when, why) the message waits: the place's hours and holidays, the caps the
        reminders used, then the consumer's preferred time of day (when that time is allowed)."""
        where = (consumer.row.get("country", ""), consumer.row.get("subdivision", ""))
        rules = consumer.rules
        why = forbidden_reason(now, consumer.zones, *where, rules, sent=consumer.reminders)
        if why:
            then = next_allowed(now, consumer.zones, *where, rules, sent=consumer.reminders)
            local = then.astimezone(consumer.zones[0])
            return then, f"held: {why}; next allowed at {local:%a %H:%M} local"
        later = consumer.prefs.wait_until(now, consumer.zones[0])
        if later is not None and not forbidden_reason(
            later, consumer.zones, *where, rules, sent=consumer.reminders
        ):
            return later, f"held: the consumer prefers {later:%H:%M} local"
        return None

    def _consumer(
        self, connection: Connection, consumer_id: str, now: datetime
    ) -> _Consumer | None:
        found = connection.execute(
            select(recovery_consumers).where(recovery_consumers.c.id == consumer_id)
        ).first()
        if found is None:
            return None
        row = dict(found._mapping)
        rules = read_rules(connection)
        addresses = ensure_contact_points(connection, row, now)
        usable = usable_channels(
            rules.channels, self.channels, addresses,
            opted_out_channels(connection, consumer_id),
        )  # fmt: skip
        prefs = preferences_for(connection, consumer_id)
        spoken = connection.scalar(
            select(recovery_circumstances.c.language).where(
                recovery_circumstances.c.consumer_id == consumer_id
            )
        )
        zones = consumer_zones(
            row.get("timezone", ""), row.get("phone", ""), row.get("country", ""),
            row.get("subdivision", ""),
        )  # fmt: skip
        reminders = list(recent_reminders(connection, consumer_id, now).values())
        language = language_of({"language": spoken or row.get("language")})
        return _Consumer(
            row, rules, zones, prefs, prefs.order(usable), addresses, reminders, language
        )

    # -- the message --------------------------------------------------------------------------
    def _send(
        self, notice: dict[str, Any], consumer: _Consumer, channel: str, now: datetime
    ) -> SendReceipt:
        try:
            message = self.render(notice, consumer, ChannelName(channel))
        except Exception as error:  # a template that cannot render: this channel failed
            log.warning("plan notice %s not rendered for %s: %s", notice["id"], channel, error)
            return SendReceipt(False, None, str(error))
        try:
            return self.channels[channel].send(message)
        except Exception as error:  # a provider that broke: this channel failed this time
            log.warning("plan notice %s on %s failed: %s", notice["id"], channel, error)
            return SendReceipt(False, None, str(error) or type(error).__name__)

    def render(
        self, notice: dict[str, Any], consumer: _Consumer, channel: ChannelName
    ) -> OutgoingMessage:
        language = consumer.language
        if not (self.templates / language).is_dir():
            language = FALLBACK_LANGUAGE
        locale = locale_for(language, str(consumer.row.get("country") or ""))
        currency, milestone = notice["currency"], notice["milestone"]
        name = str(notice.get("consumer_name") or consumer.row.get("name") or "").strip()
        reached = notice.get("reached_on")
        context = {
            "consumer_name": name,
            "first_name": name.split()[0] if name else "",
            "plan_number": notice["plan_number"],
            "paid": format_money(notice["paid_minor"], currency, locale),
            "total": format_money(notice["total_minor"], currency, locale),
            "remaining": format_money(
                max(notice["total_minor"] - notice["paid_minor"], 0), currency, locale
            ),
            "reached_on": format_date(date.fromisoformat(reached), "long", locale=locale)
            if reached
            else "",
            "sender_name": self.sender_name,
        }
        env = _environment(self.templates, language)
        part = "short" if channel is not ChannelName.EMAIL else "txt"
        text = env.get_template(f"{milestone}.{part}.j2").render(context).strip()
        subject = ""
        if channel is ChannelName.EMAIL:
            subject = " ".join(env.get_template(f"{milestone}.subject.j2").render(context).split())
        if not text:
            raise ValueError(f"the {language} {milestone} message renders empty")
        return OutgoingMessage(
            channel=channel,
            to=consumer.addresses[channel.value],
            text=text + "\n",
            message_key=f"{notice['id'].replace('/', '-')}-{channel.value}",
            subject=subject,
            language=language,
        )

    # -- rows -----------------------------------------------------------------------------------
    def _claim(self, key: str) -> bool:
        n = recovery_plan_notices.c
        with self.engine.begin() as connection:
            moved = connection.execute(
                update(recovery_plan_notices)
                .where(n.id == key, n.status == "pending")
                .values(status="sending", attempts=n.attempts + 1)
            )
        return moved.rowcount == 1

    def _close(self, key: str, status: str, note: str) -> None:
        self._set(key, status=status, next_at=None, note=note)

    def _set(self, key: str, **values: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(recovery_plan_notices)
                .where(recovery_plan_notices.c.id == key)
                .values(**values)
            )


@cache
def _environment(root: Path, language: str) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(root / language)),
        undefined=StrictUndefined,
        autoescape=False,  # plain text: e-mail's text part, SMS, WhatsApp
        keep_trailing_newline=False,
    )
