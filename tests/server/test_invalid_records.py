"""Property: whatever is wrong with a pushed record of any entity, the server rejects it with a
reason, stores nothing and publishes nothing, and every counter's pull keeps working."""

import copy
import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.domain.money import MAX_MINOR
from app.domain.record_rules import check_credit_note, check_payment
from sync.server.flags import raise_flag
from sync.server.push import UNCHECKED
from sync.server.tables import feed_head, received_records
from tests.server.records import outcomes, payment, record

NOW = datetime.now(UTC)
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)

BAD_ID = st.one_of(st.none(), st.integers(), _TEXT)
UNKNOWN_ID = st.builds(lambda: str(uuid.uuid4()))
BAD_POSITIVE = st.one_of(
    st.none(),
    st.integers(max_value=0),
    st.integers(min_value=MAX_MINOR, max_value=MAX_MINOR * 10),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    _TEXT,
)
BAD_NON_NEGATIVE = st.one_of(st.none(), st.integers(max_value=-1), _TEXT, st.floats(0.5, 10.5))
BAD_MOMENT = st.one_of(
    st.none(),
    _TEXT,
    st.datetimes(min_value=datetime(2100, 1, 1), max_value=datetime(9000, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC).isoformat()
    ),
    st.datetimes(max_value=datetime(1999, 12, 31)).map(lambda d: d.replace(tzinfo=UTC).isoformat()),
    st.just("2025-04-20T14:00:00"),  # no time zone
)
BAD_DAY = st.one_of(st.none(), _TEXT, st.just("2025-02-30"), st.just("2100-01-01"))
BAD_CURRENCY = st.sampled_from([None, "", "usd", "EUR", "US", "USDD", " USD", 840])
BAD_TEXT = st.one_of(st.none(), st.just(""), st.just("   "), st.text(min_size=600, max_size=700))
BAD_NUMBER = st.one_of(
    st.none(),
    st.just(""),
    st.just(" R-T01-0001"),
    st.just("R-T01-\x01"),
    st.text(min_size=49, max_size=60).map(lambda t: "R" + t),
    st.sampled_from(["R-T02-0001", "PAY-2025-T02-000001", "TXN-2025-T99-000001", "CN-T02-00001"]),
)


def _not(*allowed: str) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.integers(), _TEXT.filter(lambda t: t not in allowed))


def _entity_fields(amount_minor: int) -> dict[str, dict[str, st.SearchStrategy[Any]]]:
    return {
        "payment": {
            "amount_minor": BAD_POSITIVE,
            "tendered_minor": st.integers(-(10**6), 10**6).filter(lambda v: v != amount_minor),
            "change_minor": st.integers(max_value=-1),
            "overpaid_minor": st.one_of(st.integers(max_value=-1), st.integers(amount_minor + 1)),
            "currency": BAD_CURRENCY,
            "status": st.one_of(_not("Posted", "Pending"), st.sampled_from(["Voided", "Failed"])),
            "payment_type": st.one_of(_not("Bill"), st.sampled_from(["Service", "Installment"])),
            "payment_date": BAD_DAY,
            "recorded_at": BAD_MOMENT,
            "payment_number": BAD_NUMBER,
            "transaction_number": BAD_NUMBER,
            "receipt_number": BAD_NUMBER,
            "consumer_id": st.one_of(BAD_ID, UNKNOWN_ID),
            "terminal_id": st.one_of(BAD_ID, UNKNOWN_ID),
            "allocations": st.one_of(
                _TEXT,
                st.just([]),
                st.integers(-(10**7), 0).map(lambda v: [{"amount_minor": v}]),
                st.integers(amount_minor + 1, 10**9).map(lambda v: [{"amount_minor": v}]),
                UNKNOWN_ID.map(lambda i: [{"bill_id": i}]),
            ),
        },
        "payment_void": {
            "status": _not("Voided"),
            "reason": BAD_TEXT,
            "voided_at": BAD_MOMENT,
            "voided_by": BAD_ID,
            "payment_id": BAD_ID,
        },
        "payment_verification": {
            "verification": _not("Verified"),
            "verified_at": BAD_MOMENT,
            "verified_by": BAD_ID,
            "payment_id": BAD_ID,
        },
        "credit_note": {
            "amount_minor": st.one_of(BAD_POSITIVE, st.integers(amount_minor + 1, 10**9)),
            "currency": BAD_CURRENCY,
            "status": st.one_of(_not("Active", "Pending Approval"), st.just("Applied")),
            "number": BAD_NUMBER,
            "created_at": BAD_MOMENT,
            "expires_on": st.one_of(
                BAD_DAY.filter(lambda d: d != "2100-01-01"), st.just("2020-01-01")
            ),
            "consumer_id": st.one_of(BAD_ID, UNKNOWN_ID),
            "payment_id": st.one_of(st.integers(), _TEXT, UNKNOWN_ID),
            "reason": st.one_of(st.none(), st.just(""), st.text(min_size=41, max_size=50)),
        },
        "credit_note_application": {
            "amount_minor": st.one_of(BAD_POSITIVE, st.integers(1001, 10**9)),
            "target_kind": _not("bill", "service", "installment"),
            "target_id": st.one_of(BAD_ID, UNKNOWN_ID),
            "applied_at": BAD_MOMENT,
            "applied_by": BAD_ID,
            "credit_note_id": st.one_of(BAD_ID, UNKNOWN_ID),
        },
        "credit_note_decision": {
            "decision": _not("approved", "rejected"),
            "status": st.one_of(_not("Active"), st.just("Rejected")),
            "decided_at": BAD_MOMENT,
            "decided_by": BAD_ID,
            "credit_note_id": st.one_of(BAD_ID, UNKNOWN_ID),
        },
        "shift": {
            "status": _not("open", "closed"),
            "currency": BAD_CURRENCY,
            "opening_float_minor": BAD_NON_NEGATIVE,
            "opened_at": st.one_of(BAD_MOMENT, st.just("2025-04-20T15:00:00+00:00")),
            "number": st.one_of(BAD_NUMBER, st.just("SH-T02-0001")),
            "terminal_id": st.one_of(BAD_ID, UNKNOWN_ID),
            "cashier_id": BAD_ID,
        },
        "flag_resolution": {
            "resolution": _not("Credit note", "Refund", "No action"),
            "resolved_at": BAD_MOMENT,
            "note": st.one_of(st.integers(), st.text(min_size=501, max_size=520)),
            "resolved_by": st.one_of(st.none(), st.just(""), st.text(min_size=41, max_size=50)),
            "flag_id": st.one_of(BAD_ID, UNKNOWN_ID),
        },
    }


class World:
    """One server with a stored payment, two credit notes and an open flag: the subjects that
    valid voids, verifications, applications, decisions and resolutions would change."""

    def __init__(self, server, sample) -> None:
        self.server, self.sample = server, sample
        self.counter = server.register("T01")
        self.paid = payment(self.counter, sample, 1, 14550)
        self.active = self._note(1, "Active")
        self.pending = self._note(2, "Pending Approval")
        answer = self.counter.push([self.paid, self.active, self.pending])
        assert outcomes(answer) == ["stored"] * 3
        with server.engine.begin() as conn:
            change = raise_flag(conn, "overpayment", "bill:test", {"reason": "test"}, NOW)
        self.flag_id = change.key

    def _note(self, seq: int, status: str) -> dict[str, Any]:
        note_id = uuid.uuid4()
        payload = {
            "id": str(note_id),
            "number": f"CN-T01-{seq:05d}",
            "payment_id": self.paid["entity_id"],
            "receipt_number": "R-T01-0001",
            "consumer_id": str(self.sample.consumer_id),
            "amount_minor": 1000,
            "currency": "USD",
            "reason": "Billing Error",
            "remarks": None,
            "created_by": str(uuid.uuid4()),
            "created_at": "2025-04-20T14:00:00+00:00",
            "expires_on": "2026-04-20",
            "status": status,
        }
        return record("credit_note", note_id, payload)

    def valid(self, entity: str) -> dict[str, Any]:
        """A record of `entity` the server would store (pushed only after a mutation)."""
        someone, at = str(uuid.uuid4()), datetime.now(UTC).isoformat()
        paid_id = self.paid["entity_id"]
        new_id = uuid.uuid4()
        if entity == "payment":
            return payment(self.counter, self.sample, 2, 14550)
        if entity == "credit_note":
            fresh = self._note(3, "Active")
            return fresh
        payloads: dict[str, tuple[str, dict[str, Any]]] = {
            "payment_void": (
                paid_id,
                {
                    "payment_id": paid_id,
                    "status": "Voided",
                    "reason": "wrong account",
                    "voided_at": at,
                    "voided_by": someone,
                },
            ),
            "payment_verification": (
                paid_id,
                {
                    "payment_id": paid_id,
                    "verification": "Verified",
                    "verified_at": at,
                    "verified_by": someone,
                },
            ),
            "credit_note_application": (
                str(new_id),
                {
                    "id": str(new_id),
                    "credit_note_id": self.active["entity_id"],
                    "target_kind": "bill",
                    "target_id": str(self.sample.bill_id),
                    "amount_minor": 500,
                    "applied_at": at,
                    "applied_by": someone,
                },
            ),
            "credit_note_decision": (
                str(new_id),
                {
                    "id": str(new_id),
                    "credit_note_id": self.pending["entity_id"],
                    "number": "CN-T01-00002",
                    "decision": "approved",
                    "status": "Active",
                    "reason": None,
                    "decided_by": someone,
                    "decided_at": at,
                },
            ),
            "shift": (
                str(new_id),
                {
                    "id": str(new_id),
                    "terminal_id": str(self.counter.terminal_id),
                    "number": "SH-T01-0001",
                    "cashier_id": someone,
                    "status": "closed",
                    "currency": "USD",
                    "opening_float_minor": 10000,
                    "opened_at": "2025-04-20T08:00:00+00:00",
                    "closed_at": "2025-04-20T14:00:00+00:00",
                    "closed_by": None,
                    "approved_by": None,
                    "approval_reasons": None,
                    "expected_cash_minor": 12000,
                    "counted_cash_minor": 12000,
                },
            ),
            "flag_resolution": (
                self.flag_id,
                {
                    "flag_id": self.flag_id,
                    "resolution": "No action",
                    "note": "checked with the consumer",
                    "credit_note_number": None,
                    "resolved_by": "mbrown",
                    "resolved_at": at,
                },
            ),
        }
        subject, payload = payloads[entity]
        return record(entity, uuid.UUID(subject), payload)

    def footprint(self) -> tuple[int, int]:
        with self.server.engine.connect() as conn:
            kept = conn.scalar(select(func.count()).select_from(received_records))
            return kept, conn.scalar(select(feed_head.c.last_seq))


def _mutate(base: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(base)
    payload = broken["payload"]
    if field == "allocations" and isinstance(value, list):
        value = [{**payload["allocations"][0], **change} for change in value]
    if value is _DROP:
        payload.pop(field, None)
    else:
        payload[field] = value
    return broken


_DROP = object()


def test_every_invalid_record_of_every_entity_is_rejected_and_never_published(server, sample):
    world = World(server, sample)
    fields = _entity_fields(14550)

    @st.composite
    def invalid_records(draw: st.DrawFn) -> dict[str, Any]:
        entity = draw(st.sampled_from(sorted(fields)), label="entity")
        field = draw(st.sampled_from(sorted(fields[entity])), label="field")
        value = draw(st.one_of(st.just(_DROP), fields[entity][field]), label="value")
        return _mutate(world.valid(entity), field, value)

    @settings(
        max_examples=160,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(broken=invalid_records())
    def pushed(broken: dict[str, Any]) -> None:
        before = world.footprint()

        answer = world.counter.push([broken])

        note(str(answer))
        assert outcomes(answer) == ["rejected"]
        assert answer["results"][0]["reason"].strip()
        assert not answer["results"][0]["reason"].startswith(UNCHECKED)  # foreseen, in words
        assert world.footprint() == before

    pushed()

    newcomer = server.register("T02")
    changes = newcomer.pull_all()  # a brand-new counter's first pull goes through
    for change in changes:
        if change["entity"] == "payment":
            check_payment(change["data"], currency="USD", now=datetime.now(UTC))
        if change["entity"] == "credit_note":
            check_credit_note(change["data"], currency="USD", now=datetime.now(UTC))


def test_the_valid_bases_are_stored_so_each_rejection_is_the_mutations_doing(server, sample):
    world = World(server, sample)

    for entity in sorted(_entity_fields(14550)):
        answer = world.counter.push([world.valid(entity)])
        assert outcomes(answer) == ["stored"], (entity, answer)
