"""The same failed payment from a webhook, a poll and a CSV import opens exactly one case."""

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.db.recovery_migrate import make_recovery_engine, migrate_recovery_engine
from app.db.recovery_tables import recovery_cases
from app.services.recovery_intake import import_csv
from sync.gateways.adapters.stripe import StripeAdapter
from sync.gateways.errors import GatewayError
from sync.gateways.testing import sign_stripe, stripe_event_body
from sync.gateways.webhooks import verify_stripe
from sync.recovery.intake import intake_events, intake_failed_since
from tests.gateways.fakes import FakeStripe

SECRET = "whsec_test"
CONSUMERS = (
    "consumer_id,name,email,phone,country,subdivision,timezone,language,customer_since,vip\n"
    "C1,Ann,ann@example.com,,US,NY,,en,2020-01-01,0\n"
)


def test_webhook_poll_and_import_of_one_failure_make_one_case(tmp_path) -> None:
    engine = make_recovery_engine(f"sqlite:///{tmp_path / 'recovery.sqlite'}")
    migrate_recovery_engine(engine)
    with FakeStripe() as fake:
        stripe = StripeAdapter(fake.secret_key, base_url=fake.url, sleep=lambda _s: None)
        declined = stripe.charge(
            4_200, "USD", "pm_card_chargeDeclinedInsufficientFunds", "bill 7", "key-1",
            account_number="C1",
        )  # fmt: skip
        assert not declined.approved
        [intent_id] = list(fake.intents)
        polled = stripe.list_failed(datetime.now(UTC) - timedelta(hours=1))
    assert [e.external_id for e in polled] == [intent_id]

    body = stripe_event_body(
        "payment_intent.payment_failed", intent_id, 4_200, account_number="C1",
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds"},
    )  # fmt: skip
    t = int(time.time())
    webhook = verify_stripe(body, sign_stripe(body, SECRET, t), SECRET, datetime.now(UTC))

    first = intake_events(engine, "stripe-webhook", [webhook])
    again = intake_events(engine, "stripe-webhook", [webhook])  # Stripe delivers twice
    by_poll = intake_events(engine, "stripe-poll", polled)
    (tmp_path / "consumers.csv").write_text(CONSUMERS)
    (tmp_path / "cases.csv").write_text(
        "case_id,consumer_id,amount_minor,currency,method,gateway,card_network,card_type,"
        "failed_at,code,merchant_advice_code,product,due_date,external_id\n"
        f"BO-1,C1,4200,USD,card,stripe,visa,debit,2027-01-03T10:00:00Z,insufficient_funds,,"
        f"bill,,{intent_id}\n"
    )
    imported = import_csv(engine, tmp_path / "cases.csv", tmp_path / "consumers.csv")

    assert first.added == [intent_id]
    assert again.added == [] and by_poll.added == [] and imported.added == []
    assert imported.refused == []
    with engine.connect() as connection:
        rows = connection.execute(select(recovery_cases)).all()
        assert connection.execute(select(func.count()).select_from(recovery_cases)).scalar() == 1
    [case] = rows
    assert (case.source, case.external_id, case.code) == ("stripe", intent_id, "insufficient_funds")
    assert case.category == "insufficient_funds"
    engine.dispose()


class _Down:
    def list_failed(self, since: datetime) -> list:
        raise GatewayError("connection refused", retryable=True)


def test_the_scheduled_query_of_failed_sales_opens_each_case_once(tmp_path) -> None:
    engine = make_recovery_engine(f"sqlite:///{tmp_path / 'recovery.sqlite'}")
    migrate_recovery_engine(engine)
    since = datetime.now(UTC) - timedelta(hours=1)
    with FakeStripe() as fake:
        stripe = StripeAdapter(fake.secret_key, base_url=fake.url, sleep=lambda _s: None)
        stripe.charge(
            9_900, "USD", "pm_card_chargeDeclinedInsufficientFunds", "bill 9", "key-9",
            account_number="C1",
        )  # fmt: skip
        first = intake_failed_since(engine, {"stripe": stripe, "nmi": _Down()}, since)
        again = intake_failed_since(engine, {"stripe": stripe}, since)  # the windows overlap
    assert first == {"stripe": 1, "nmi": -1}  # NMI did not answer: not taken as "none failed"
    assert again == {"stripe": 0}
    with engine.connect() as connection:
        [case] = connection.execute(select(recovery_cases)).all()
    assert (case.gateway, case.amount_minor, case.category) == (
        "stripe", 9_900, "insufficient_funds"
    )  # fmt: skip
    engine.dispose()
