"""Build the engine's world view from a portfolio: cases, ledgers, paydays, the model, a policy."""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.domain.errors import UserFacingError
from app.recovery.cases import RecoveryCase, mark_high_value
from app.recovery.code_tables import DeclineCodes
from app.recovery.history import paydays_by_consumer, training_rows
from app.recovery.ledger import AttemptLedger
from app.recovery.message_ledger import MessageLedger, Recipient
from app.recovery.model import ApprovalModel, TooLittleHistory, train
from app.recovery.policies.common import Books, Policy
from app.recovery.policies.fixed import SCHEDULES, FixedSchedule
from app.recovery.policies.smart import SmartPolicy
from app.recovery.policy_names import POLICIES
from app.recovery.zones import consumer_zones
from app.services.recovery_model_odds import CaseOdds, odds_from_history
from app.services.recovery_portfolio import Consumer, Portfolio

RECENT_MESSAGES = timedelta(days=8)  # older past messages no longer touch this week's caps


@dataclass
class Setup:
    books: Books
    cases: dict[str, RecoveryCase]
    model: ApprovalModel | None
    model_note: str
    odds: CaseOdds | None = None  # the recovery-optimization model, learned from the history
    odds_note: str = ""


def build(portfolio: Portfolio, codes: DeclineCodes, start: datetime) -> Setup:
    recipients, zone_of, paydays = _consumers_in_time(portfolio)
    model, note = _train(portfolio, codes, zone_of, paydays)
    attempts = AttemptLedger()
    messages = MessageLedger(attempts)
    for past in portfolio.messages:
        if start - RECENT_MESSAGES <= past.sent_at <= start:
            messages.sent_before(past.consumer_id, past.sent_at)
    channels = _channel_preferences(portfolio)
    cases: dict[str, RecoveryCase] = {}
    for row in portfolio.cases:
        consumer = portfolio.consumers[row.consumer_id]
        decline = codes.classify(
            gateway=row.gateway,
            method=row.method,
            network=row.network,
            code=row.code,
            advice_code=row.advice_code,
        )
        cases[row.case_id] = RecoveryCase(
            case_id=row.case_id,
            consumer_id=row.consumer_id,
            amount_minor=row.amount_minor,
            currency=row.currency,
            method=row.method,
            gateway=row.gateway,
            network=row.network,
            card_type=row.card_type,
            failed_at=row.failed_at,
            code=row.code,
            advice_code=row.advice_code,
            product=row.product,
            due_date=row.due_date,
            decline=decline,
            recipient=recipients[row.consumer_id],
            vip=consumer.vip,
            paydays=paydays.get(row.consumer_id, ()),
            preferred_channels=channels.get(row.consumer_id) or _default_channels(consumer),
        )
        # One saved instrument per consumer, method and network: caps count across cases.
        attempts.open_case(
            row.case_id,
            method=row.method,
            network=row.network,
            instrument=f"{row.consumer_id}/{row.method}/{row.gateway}/{row.network}",
            failed_at=row.failed_at,
            decline=decline,
        )
    mark_high_value(list(cases.values()))
    vips = {c.consumer_id for c in portfolio.consumers.values() if c.vip}
    odds, odds_note = odds_from_history(portfolio.history, codes, vips)
    return Setup(Books(attempts, messages), cases, model, note, odds, odds_note)


def make_policy(name: str, setup: Setup) -> Policy:
    if name == "smart":
        return SmartPolicy(
            setup.books,
            setup.model,
            fallback_reason=setup.model_note,
            odds=setup.odds,
            odds_source=f"recovery model {setup.odds.version}" if setup.odds else setup.odds_note,
        )
    if name in SCHEDULES:
        return FixedSchedule.named(name, setup.books)
    raise UserFacingError(f"Unknown policy {name!r}: choose one of {', '.join(POLICIES)}.")


def train_from_history(
    portfolio: Portfolio, codes: DeclineCodes
) -> tuple[ApprovalModel | None, str]:
    """`tilldesk recovery train`: the model from the portfolio's attempt history, or None with
    the reason when there is too little of it (the engine then keeps to its rules)."""
    _, zone_of, paydays = _consumers_in_time(portfolio)
    return _train(portfolio, codes, zone_of, paydays)


def _consumers_in_time(
    portfolio: Portfolio,
) -> tuple[dict[str, Recipient], Callable[[str], ZoneInfo], dict[str, tuple[int, ...]]]:
    """Each consumer as a message recipient, their time zone, and their inferred paydays."""
    recipients = {c.consumer_id: _recipient(c) for c in portfolio.consumers.values()}

    def zone_of(consumer_id: str) -> ZoneInfo:
        return recipients[consumer_id].zones[0]

    return recipients, zone_of, paydays_by_consumer(portfolio.history, zone_of)


def _train(
    portfolio: Portfolio,
    codes: DeclineCodes,
    zone_of: Callable[[str], ZoneInfo],
    paydays: dict[str, tuple[int, ...]],
) -> tuple[ApprovalModel | None, str]:
    features, outcomes, series = training_rows(portfolio.history, codes, zone_of, paydays)
    try:
        model = train(features, outcomes, series)
    except TooLittleHistory as little:
        return None, f"too little history to learn from ({little}): rules only"
    m = model.metrics
    return model, (
        f"model {model.version}: {m.chosen}, held-out AUC {m.auc} (random forest {m.baseline_auc}),"
        f" log loss {m.log_loss} on {m.held_out_rows} of {m.rows} attempts"
    )


def _recipient(consumer: Consumer) -> Recipient:
    zones = consumer_zones(consumer.timezone, consumer.phone, consumer.country)
    return Recipient(consumer.consumer_id, zones, consumer.country, consumer.subdivision)


def _channel_preferences(portfolio: Portfolio) -> dict[str, tuple[str, ...]]:
    """Channels each consumer read before, most read first."""
    reads: dict[str, Counter[str]] = defaultdict(Counter)
    for past in portfolio.messages:
        reads[past.consumer_id][past.channel] += 2 if past.paid else 1 if past.read else 0
    preferences = {}
    for consumer_id, counts in reads.items():
        consumer = portfolio.consumers[consumer_id]
        ranked = sorted(_default_channels(consumer), key=lambda c: -counts[c])
        preferences[consumer_id] = tuple(ranked)
    return preferences


def _default_channels(consumer: Consumer) -> tuple[str, ...]:
    channels = []
    if consumer.email:
        channels.append("email")
    if consumer.phone:
        channels += ["sms", "whatsapp"]
    return tuple(channels)
