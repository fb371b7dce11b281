"""Rebuild one case's engine view (case, ledgers, policy) from its rows before a visit."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.db.recovery_claims import CaseRows
from app.domain.errors import UserFacingError
from app.recovery.cases import RecoveryCase
from app.recovery.code_tables import DeclineCodes
from app.recovery.ledger import AttemptLedger
from app.recovery.message_ledger import MessageLedger, Recipient
from app.recovery.messaging_rules import MessagingRules
from app.recovery.model import ApprovalModel
from app.recovery.network_rules import CaseState
from app.recovery.policies.common import Books, Policy
from app.recovery.policies.fixed import SCHEDULES, FixedSchedule
from app.recovery.policies.smart import SmartPolicy
from app.recovery.zones import consumer_zones
from app.services.recovery_engine import GATEWAY_DOWN

NO_MODEL = "no trained model given to `recovery run`: rules only"


@dataclass
class CaseView:
    case: RecoveryCase
    books: Books
    policy: Policy


def instrument_key(row: dict[str, Any]) -> str:
    """The saved instrument the network caps count on (as in simulate when none is recorded)."""
    if row["instrument"]:
        return row["instrument"]
    return f"{row['consumer_id']}/{row['method']}/{row['gateway']}/{row['card_network']}"


def rebuild(
    rows: CaseRows,
    codes: DeclineCodes,
    policy_name: str,
    model: ApprovalModel | None,
    rules: MessagingRules | None = None,
) -> CaseView:
    """The case as the engine sees it; `rules` are the admin's messaging hours and caps (the
    defaults when None), so the engine plans reminders within the same rules the messenger
    enforces."""
    row, consumer = rows.case, rows.consumer or {}

    def classify(code: str, advice: str = "") -> Any:
        return codes.classify(
            gateway=row["gateway"],
            method=row["method"],
            network=row["card_network"],
            code=code,
            advice_code=advice,
        )

    attempts = AttemptLedger()
    messages = MessageLedger(attempts, rules=rules)
    books = Books(attempts, messages)
    instrument = instrument_key(row)
    first = classify(row["code"], row["merchant_advice_code"])
    attempts.open_case(
        row["id"],
        method=row["method"],
        network=row["card_network"],
        instrument=instrument,
        failed_at=row["failed_at"],
        decline=first,
    )
    for at in rows.elsewhere:
        attempts.replay_elsewhere(instrument, at)
    case = RecoveryCase(
        case_id=row["id"],
        consumer_id=row["consumer_id"],
        amount_minor=row["amount_minor"],
        currency=row["currency"],
        method=row["method"],
        gateway=row["gateway"],
        network=row["card_network"],
        card_type=row["card_type"],
        failed_at=row["failed_at"],
        code=row["code"],
        advice_code=row["merchant_advice_code"],
        product=row["product"],
        due_date=date.fromisoformat(row["due_date"]) if row["due_date"] else None,
        decline=first,
        recipient=_recipient(row["consumer_id"], consumer),
        vip=bool(consumer.get("vip")),
        high_value=row["segment"] == "high_value",
        preferred_channels=_channels(consumer),
    )
    for attempt in rows.attempts:
        if attempt["state"] == "done":
            decline = (
                None
                if attempt["approved"]
                else classify(attempt["code"], attempt["merchant_advice_code"])
            )
            attempts.replay(row["id"], attempt["at"], approved=attempt["approved"], decline=decline)
            case.retries += 1
            if decline is None:
                case.record_payment(attempt["amount_minor"])
            else:
                case.record_decline(attempt["code"], decline, attempt["at"])
        elif attempt["state"] == "error":  # the gateway did not answer: not the consumer's
            attempts.replay(row["id"], attempt["at"], approved=False, decline=GATEWAY_DOWN)
            case.last_attempt_at = attempt["at"]
    if rows.credited_minor > 0:  # paid at a counter or through a link: chase only the rest
        case.record_payment(rows.credited_minor)
    policy = make_run_policy(policy_name, books, model)
    for message in rows.messages:
        messages.sent_before(message["consumer_id"], message["at"])
        if message["case_id"] != row["id"]:
            continue
        case.messages += 1
        case.last_message_at = max(case.last_message_at or message["at"], message["at"])
        if message["accepted"]:
            attempts.notice_sent(row["id"], message["at"])
        if message["payment_link"]:
            case.link_messages += 1
            if isinstance(policy, SmartPolicy):
                policy._last_link[row["id"]] = message["at"]  # the policy's memory of links
    if rows.sent is not None:  # the whole life's counts: the recent window would reset caps
        case.messages, case.link_messages = rows.sent.total, rows.sent.links
        case.last_message_at = rows.sent.last_at or case.last_message_at
    if row["status"] != "open":
        attempts.set_state(row["id"], CaseState(row["status"]))
    return CaseView(case, books, policy)


def make_run_policy(name: str, books: Books, model: ApprovalModel | None) -> Policy:
    if name in SCHEDULES:
        return FixedSchedule.named(name, books)
    return SmartPolicy(books, model, fallback_reason="" if model else NO_MODEL)


def load_model(path: Path | None) -> ApprovalModel | None:
    if path is None:
        return None
    try:
        return ApprovalModel.load(path)
    except (OSError, ValueError, KeyError, EOFError) as error:
        raise UserFacingError(f"The model {path} cannot be used: {error}") from None


def _recipient(consumer_id: str, consumer: dict[str, Any]) -> Recipient:
    zones = consumer_zones(
        consumer.get("timezone", ""), consumer.get("phone", ""), consumer.get("country", "US")
    )
    return Recipient(
        consumer_id, zones, consumer.get("country", "US"), consumer.get("subdivision", "")
    )


def _channels(consumer: dict[str, Any]) -> tuple[str, ...]:
    channels = ["email"] if consumer.get("email") else []
    if consumer.get("phone"):
        channels += ["sms", "whatsapp"]
    return tuple(channels) or ("email",)
