"""The real messenger of `recovery run`: a permitted reminder goes out on the channel the
consumer reads, within their place's hours, through a `Channel`, and is stored with its times.

The engine's ledgers grant the permit; this is the last guard before a consumer's phone rings:
it re-checks the case (paid: nothing goes), opt-outs, contact points, the hours and caps from
the recovery database's messaging rules, then sends one reminder on one channel. A channel that
refuses at once hands the reminder to the next channel; a failure reported later by a webhook
is followed up by `send_fallbacks`. It records its own rows in recovery_messages (provider id,
reminder id, the consumer's zone and local time): see `records_messages`.
"""

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.db.recovery_tables import recovery_cases, recovery_consumers, recovery_messages
from app.recovery.channels import Channel, ChannelName, OutgoingMessage, SendReceipt
from app.recovery.experiments.arms import knobs_for
from app.recovery.message_ledger import MessagePermit
from app.recovery.messaging_rules import MessagingRules
from app.recovery.orchestration import (
    ChannelChoice,
    Outcome,
    Sending,
    choose_channel,
    read_rates,
    usable_channels,
)
from app.recovery.ports import MessageResult
from app.recovery.quiet_hours import forbidden_reason, next_allowed
from app.recovery.segment_rules import segment_channels
from app.recovery.zones import consumer_zones
from app.services.circumstances_recovery import message_preferences, preferred_time_hold
from app.services.experiment_arms import arms_of
from app.services.message_consents import ensure_contact_points, mark_bad, opted_out_channels
from app.services.message_events import attach_waiting_events
from app.services.message_history import SENDING, channel_histories, recent_reminders, sendings
from app.services.messaging_settings import read_rules
from app.services.recovery_message_render import Render, RenderRequest, plain_render
from app.services.segment_rules_lookup import SegmentLookup

log = logging.getLogger(__name__)

PLAN_TEMPLATE = "payment_plan"  # the engine's plan offers (OFFER_PLAN decisions)
FALLBACK_WINDOW = timedelta(days=2)  # a reminder older than this is not sent again elsewhere


@dataclass
class _Context:
    case: dict[str, Any]
    consumer: dict[str, Any]
    zones: tuple[ZoneInfo, ...]
    rules: MessagingRules
    addresses: dict[str, str]
    usable: list[str]
    reminders: dict[str, datetime]  # the consumer's recent reminders: id -> first sent
    tone: str | None = None  # the case's segment tone when its configuration was edited
    offer_percent: int = 0  # a retention-offers arm's discount, named in the reminder
    plan_offered: bool | None = None  # a retention-offers arm offering a plan; None: the rule


class RecoveryMessenger:
    # recovery_run: the rows are written here, with provider and reminder ids; the worker
    # must not insert the engine's own message rows again when this is true.
    records_messages = True

    def __init__(
        self,
        engine: Engine,
        channels: Mapping[str, Channel],
        *,
        render: Render | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine, self.channels, self.clock = engine, dict(channels), clock
        self.render = render or plain_render
        self.segments = SegmentLookup(engine)

    # -- the Messenger port ------------------------------------------------------------------
    def send(self, permit: MessagePermit, *, template: str, payment_link: bool) -> MessageResult:
        with self.engine.begin() as connection:
            context = self._context(connection, permit.case_id, permit.at)
        if context is None:
            return MessageResult(False, f"case {permit.case_id} is not in the database")
        if context.case["status"] != "open":
            return MessageResult(False, f"the case is {context.case['status']}: nothing sent")
        self._apply_segment(context, permit.at)
        urgent = permit.urgent and context.case["segment"] == "high_value"
        if urgent and self._urgent_used(permit.case_id):
            urgent = False  # the override is once per case; after that the hours hold
        prefs = message_preferences(self.engine, context)  # circumstances, preferred channel
        urgent = urgent and not prefs.gentle
        why = forbidden_reason(
            permit.at,
            context.zones,
            context.consumer.get("country", ""),
            context.consumer.get("subdivision", ""),
            context.rules,
            sent=context.reminders.values(),
            urgent=urgent,
        )
        if why:
            then = self.next_allowed_for(context, permit.at)
            local = then.astimezone(context.zones[0])
            return MessageResult(
                False,
                f"held: {why}; next allowed at {then.astimezone(UTC).isoformat()}"
                f" ({local:%a %H:%M} local)",
            )
        waits = preferred_time_hold(prefs, context, permit.at)
        if waits:
            return MessageResult(False, waits)
        template = self._apply_arms(context, template, permit.at)
        if prefs.gentle:
            context.tone = "friendly"  # medical, hardship, bereavement: never a firm reminder
        reminder_id = uuid.uuid4().hex
        return self._deliver(
            context,
            reminder_id,
            permit.at,
            template=template,
            payment_link=payment_link,
            urgent=urgent,
            tried=[],
            hint=prefs.channel if prefs.channel in context.usable else permit.channel,
        )

    def _apply_arms(self, context: _Context, template: str, at: datetime) -> str:
        """The consumer's running tests (sticky arms): a message-template arm names the
        template, a dunning-sequence arm the tone, a retention-offers arm the offer."""
        arms = arms_of(self.engine, str(context.case["consumer_id"]), at)
        knobs = knobs_for(arms)
        if knobs.tone is not None:
            context.tone = knobs.tone
        if knobs.offer_percent:
            context.offer_percent = knobs.offer_percent
        if knobs.offer_plan or template == PLAN_TEMPLATE:
            context.plan_offered = True  # the engine chose to offer a plan, or the arm did
        return arms.get("message_template", template)

    def next_allowed_for(self, context: _Context, at: datetime) -> datetime:
        return next_allowed(
            at,
            context.zones,
            context.consumer.get("country", ""),
            context.consumer.get("subdivision", ""),
            context.rules,
            sent=context.reminders.values(),
        )

    # -- failures reported later --------------------------------------------------------------
    def send_fallbacks(self, now: datetime | None = None) -> int:
        """Reminders whose every sending failed go out on the next channel (within the hours);
        returns how many went. Call it after recording webhook events, or on each poll."""
        now = now or self.clock()
        sent = 0
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    recovery_messages.c.reminder_id,
                    recovery_messages.c.case_id,
                    recovery_messages.c.template,
                    recovery_messages.c.payment_link,
                    recovery_messages.c.urgent,
                )
                .where(
                    recovery_messages.c.reminder_id.is_not(None),
                    recovery_messages.c.at >= now - FALLBACK_WINDOW,
                )
                .distinct()
            ).all()
        for row in rows:
            with self.engine.begin() as connection:
                tried = sendings(connection, row.reminder_id)
                if not tried or any(s.outcome is not Outcome.FAILED for s in tried):
                    continue
                context = self._context(connection, row.case_id, now)
            if context is None or context.case["status"] != "open":
                continue
            self._apply_segment(context, now)
            others = {k: v for k, v in context.reminders.items() if k != row.reminder_id}
            why = forbidden_reason(
                now,
                context.zones,
                context.consumer.get("country", ""),
                context.consumer.get("subdivision", ""),
                context.rules,
                sent=others.values(),
            )
            if why:
                continue  # looked at again on the next call, when the hours allow
            result = self._deliver(
                context,
                row.reminder_id,
                now,
                template=row.template,
                payment_link=row.payment_link,
                urgent=row.urgent,
                tried=tried,
                hint=None,
            )
            sent += int(result.accepted)
        return sent

    # -- one reminder, one channel at a time ------------------------------------------------------
    def _deliver(
        self,
        context: _Context,
        reminder_id: str,
        at: datetime,
        *,
        template: str,
        payment_link: bool,
        urgent: bool,
        tried: list[Sending],
        hint: str | None,
    ) -> MessageResult:
        with self.engine.connect() as connection:
            own, segment = channel_histories(
                connection, context.case["consumer_id"], context.case["segment"]
            )
        rates = read_rates(context.usable, own, segment)
        if hint in context.usable and all(r.mean == rates[0].mean for r in rates):
            rates.sort(key=lambda r: r.channel != hint)  # no history yet: the policy's pick
        last_error = ""
        for _ in range(len(ChannelName)):
            choice: ChannelChoice = choose_channel(context.usable, rates, tried)
            if choice.channel is None:
                return MessageResult(False, "; ".join(filter(None, [choice.reason, last_error])))
            receipt = self._send_one(
                context, reminder_id, choice.channel, at, template, payment_link, urgent
            )
            if receipt.accepted:
                return MessageResult(True, None)
            last_error = f"{choice.channel}: {receipt.error or 'refused'}"
            tried = [*tried, Sending(choice.channel, Outcome.FAILED)]
        return MessageResult(False, last_error)

    def _send_one(
        self,
        context: _Context,
        reminder_id: str,
        channel: str,
        at: datetime,
        template: str,
        payment_link: bool,
        urgent: bool,
    ) -> SendReceipt:
        zone = context.zones[0]
        local = at.astimezone(zone)
        key = f"{reminder_id}-{channel}"
        try:
            outgoing: OutgoingMessage | None = self.render(
                RenderRequest(
                    template=template,
                    channel=ChannelName(channel),
                    to=context.addresses[channel],
                    message_key=key,
                    payment_link=payment_link,
                    case=context.case,
                    consumer=context.consumer,
                    local_at=local,
                    urgent=urgent,
                    tone=context.tone,
                    offer_percent=context.offer_percent,
                    plan_offered=context.plan_offered,
                )
            )
            receipt = SendReceipt(False, None, SENDING)
        except Exception as error:  # a template refused (empty, too long): this channel failed
            log.warning("reminder %s not rendered for %s: %s", reminder_id, channel, error)
            outgoing, receipt = None, SendReceipt(False, None, _text(error))
        row = {
            "case_id": context.case["id"],
            "consumer_id": context.case["consumer_id"],
            "at": at,
            "channel": channel,
            "template": template,
            "payment_link": payment_link,
            "urgent": urgent,
            "accepted": False,
            "error": receipt.error,
            "reminder_id": reminder_id,
            "zone": zone.key,
            "local_at": local.isoformat(timespec="seconds"),
        }
        # The row is committed before the provider is called (as charges are): a second worker
        # meets UNIQUE(reminder_id, channel) and sends nothing; after a crash the row stays
        # 'sending', which counts as under way, so no fallback doubles a reminder that went.
        try:
            with self.engine.begin() as connection:
                new = connection.execute(insert(recovery_messages).values(row))
                assert new.inserted_primary_key is not None  # a single-row INSERT has one
                row["id"] = new.inserted_primary_key[0]
        except IntegrityError:
            return SendReceipt(False, None, f"already sent on {channel} by another worker")
        if outgoing is None:
            return receipt
        try:
            receipt = self.channels[channel].send(outgoing)
        except Exception as error:  # a provider that broke: this channel failed this time
            log.warning("reminder %s on %s failed: %s", reminder_id, channel, error)
            receipt = SendReceipt(False, None, _text(error))
        with self.engine.begin() as connection:
            connection.execute(
                update(recovery_messages)
                .where(recovery_messages.c.id == row["id"])
                .values(
                    accepted=receipt.accepted, error=receipt.error, provider_id=receipt.provider_id
                )
            )
            if receipt.provider_id:
                attach_waiting_events(connection, {**row, "provider_id": receipt.provider_id})
            if not receipt.accepted and receipt.permanent:
                mark_bad(
                    connection,
                    context.case["consumer_id"],
                    channel,
                    f"{channel} provider: {receipt.error or 'refused the address'}",
                    at,
                    [context.addresses[channel]],
                )
        return receipt

    # -- reading -------------------------------------------------------------------------------
    def _context(self, connection: Connection, case_id: str, at: datetime) -> _Context | None:
        case = connection.execute(
            select(recovery_cases).where(recovery_cases.c.id == case_id)
        ).first()
        if case is None:
            return None
        consumer_row = connection.execute(
            select(recovery_consumers).where(recovery_consumers.c.id == case.consumer_id)
        ).first()
        consumer = (
            dict(consumer_row._mapping)
            if consumer_row
            else {"id": case.consumer_id, "country": "US", "subdivision": ""}
        )
        zones = consumer_zones(
            consumer.get("timezone", ""),
            consumer.get("phone", ""),
            consumer.get("country", ""),
            consumer.get("subdivision", ""),
        )
        if consumer_row is not None and not consumer.get("timezone") and len(zones) == 1:
            # The zone is kept once derived: later messages use the same one.
            consumer["timezone"] = zones[0].key
            connection.execute(
                update(recovery_consumers)
                .where(recovery_consumers.c.id == case.consumer_id)
                .values(timezone=zones[0].key)
            )
        rules = read_rules(connection)
        addresses = ensure_contact_points(connection, consumer, at)
        usable = usable_channels(
            rules.channels,
            self.channels,
            addresses,
            opted_out_channels(connection, case.consumer_id),
        )
        return _Context(
            case=dict(case._mapping),
            consumer=consumer,
            zones=zones,
            rules=rules,
            addresses=addresses,
            usable=usable,
            reminders=recent_reminders(connection, case.consumer_id, at),
        )

    def _apply_segment(self, context: _Context, at: datetime) -> None:
        """An edited segment configuration: only its channels, in its order, and its tone.
        Read outside the context's transaction (a SQLite write lock would block the read)."""
        segment = self.segments.rules_for(context.case["id"], at)
        if segment is not None:
            context.usable = segment_channels(segment, context.usable)
            context.tone = segment.tone

    def _urgent_used(self, case_id: str) -> bool:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(recovery_messages.c.id).where(
                    recovery_messages.c.case_id == case_id, recovery_messages.c.urgent.is_(True)
                )
            ).first()
        return found is not None


def _text(error: Exception) -> str:
    return getattr(error, "message", "") or str(error) or type(error).__name__
