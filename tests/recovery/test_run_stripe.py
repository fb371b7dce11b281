"""Reconciling a Stripe charge whose answer a crash lost: the same key, one PaymentIntent."""

import threading
from datetime import UTC, datetime

from app.db.recovery_claims import start_attempt
from app.db.recovery_migrate import make_recovery_engine
from app.recovery.code_tables import load_decline_codes
from app.services.recovery_run import ChargeRequest, Worker
from sync.gateways.adapters.stripe import StripeAdapter
from sync.recovery.gateway import AdapterGateway, LoggingMessenger
from tests.gateways.fakes import FakeStripe
from tests.recovery.run_helpers import attempts, seed, statuses


def stripe_case(url: str) -> None:
    seed(url, [5_000])
    engine = make_recovery_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE recovery_cases SET gateway = 'stripe', instrument = 'pm_card_visa'"
        )
    engine.dispose()


def test_a_started_stripe_attempt_is_reconciled_without_a_second_charge(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'recovery.sqlite'}"
    stripe_case(url)
    engine = make_recovery_engine(url)
    with FakeStripe() as fake:
        adapter = StripeAdapter(fake.secret_key, base_url=fake.url, sleep=lambda _s: None)
        gateway = AdapterGateway({"stripe": adapter})
        key = "rcv-K001-lost-answer"
        now = datetime.now(UTC)
        start_attempt(engine, {
            "case_id": "K001", "instrument": "pm_card_visa", "at": now, "amount_minor": 5_000,
            "code": "", "idempotency_key": key,
        })  # fmt: skip
        # The charge reached Stripe, then the worker died before it read the answer.
        gateway.charge(ChargeRequest("stripe", "pm_card_visa", 5_000, "USD", "K001", key))
        worker = Worker(
            engine=engine, gateway=gateway, messenger=LoggingMessenger(),
            codes=load_decline_codes(), clock=lambda: datetime.now(UTC), worker_id="w1",
            policy="daily-3",
        )  # fmt: skip
        tally = worker.run(threading.Event(), once=True)
        intents = list(fake.intents.values())
    engine.dispose()
    assert tally.reconciled == 1
    assert len(intents) == 1 and intents[0]["status"] == "succeeded"
    [attempt] = attempts(url)
    assert (attempt["state"], attempt["approved"], attempt["external_id"]) == (
        "done", True, intents[0]["id"],
    )  # fmt: skip
    assert statuses(url) == {"K001": "paid"}
