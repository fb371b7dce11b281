"""Hypothesis drives several terminals pushing, re-sending and losing answers against the real
server code and PostgreSQL: each payment is held exactly once, with the right sum."""

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select, text

from sync.protocol import Outcome, PushRequest
from sync.server.auth import TerminalIdentity
from sync.server.db import make_engine
from sync.server.push import store_push
from sync.server.registration import confirm_terminal, register_terminal
from sync.server.tables import payments
from tests.server.records import load_sample, payment

CODES = ("T01", "T02", "T03")
TABLES = "payment_allocations, payments, received_records, flags, changes, terminals"


class _Counter:
    """What store_push needs of a counter, plus its outbox."""

    def __init__(self, code: str, terminal_id: uuid.UUID) -> None:
        self.code, self.terminal_id = code, terminal_id
        self.identity = TerminalIdentity(terminal_id, code)
        self.pending: list[dict] = []  # written, answer not yet seen
        self.acknowledged: list[dict] = []
        self.next_number = 1


@pytest.mark.slow
def test_pushes_resends_and_lost_answers_never_lose_or_double_a_payment(server_db_url):
    engine = make_engine(server_db_url, pool_size=2)

    class Terminals(RuleBasedStateMachine):
        @initialize()
        def fresh_server(self):
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {TABLES}, bills, consumers CASCADE"))
            self.sample = load_sample(engine)
            self.counters = {}
            for code in CODES:
                terminal_id = uuid.uuid4()
                registered = register_terminal(
                    engine,
                    terminal_id=terminal_id,
                    code=code,
                    name="",
                    admin="t",
                    now=datetime.now(UTC),
                )
                confirm_terminal(engine, token=registered.token, now=datetime.now(UTC))
                self.counters[code] = _Counter(code, terminal_id)
            self.on_server: dict[str, int] = {}  # payment id -> amount

        @rule(code=st.sampled_from(CODES), amount=st.integers(1, 20_000))
        def take_payment_offline(self, code, amount):
            counter = self.counters[code]
            counter.pending.append(payment(counter, self.sample, counter.next_number, amount))
            counter.next_number += 1

        @rule(code=st.sampled_from(CODES), size=st.integers(1, 5), answer_lost=st.booleans())
        def push(self, code, size, answer_lost):
            counter = self.counters[code]
            batch = counter.pending[:size]
            request = PushRequest.model_validate(
                {"epoch": None, "client_time": datetime.now(UTC).isoformat(), "records": batch}
            )
            results = store_push(engine, counter.identity, request, datetime.now(UTC))
            for sent, result in zip(batch, results, strict=True):
                first_time = sent["entity_id"] not in self.on_server
                expected = Outcome.STORED if first_time else Outcome.DUPLICATE_SAME
                assert result.outcome == expected, result
                self.on_server[sent["entity_id"]] = sent["payload"]["amount_minor"]
            if not answer_lost:  # the counter saw the answers: those are no longer pending
                counter.pending = counter.pending[len(batch) :]
                counter.acknowledged += batch

        @rule(code=st.sampled_from(CODES))
        def resend_everything_after_a_restore(self, code):
            counter = self.counters[code]
            batch = counter.acknowledged[-5:]
            if not batch:
                return
            request = PushRequest.model_validate(
                {"epoch": "old", "client_time": datetime.now(UTC).isoformat(), "records": batch}
            )
            results = store_push(engine, counter.identity, request, datetime.now(UTC))
            assert {r.outcome for r in results} == {Outcome.DUPLICATE_SAME}

        @invariant()
        def the_server_holds_each_payment_once_with_the_right_sum(self):
            with engine.connect() as conn:
                count, total = conn.execute(
                    select(func.count(), func.coalesce(func.sum(payments.c.amount_minor), 0))
                ).one()
                receipts = conn.scalars(select(payments.c.receipt_number)).all()
            assert count == len(self.on_server)
            assert total == sum(self.on_server.values())
            assert len(receipts) == len(set(receipts))

    Terminals.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=20,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        Terminals.TestCase().runTest()
    finally:
        engine.dispose()
