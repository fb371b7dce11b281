"""The payment link service on a real SQLite recovery database: issue, open, checkout, settle."""

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from app.db.recovery_tables import recovery_cases
from app.domain.errors import UserFacingError
from app.recovery.links import LinkRefused
from app.services.payment_link_checkout import CheckoutPaid, CheckoutRequest, CheckoutSession
from app.services.payment_links import PaymentLinks
from app.services.recovery_database import open_recovery_database
from tests.payment_links.seed import LINK_SECRET, case_row, events, seed_case


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


class Gateway:
    """Stands in for Stripe Checkout: remembers the requests, hands out session URLs."""

    def __init__(self) -> None:
        self.requests: list[CheckoutRequest] = []

    def __call__(self, request: CheckoutRequest) -> CheckoutSession:
        self.requests.append(request)
        n = len(self.requests)
        return CheckoutSession(f"cs_{n}", f"https://checkout.example/cs_{n}")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = open_recovery_database(f"sqlite:///{tmp_path / 'recovery.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(engine: Engine, clock: Clock) -> PaymentLinks:
    return PaymentLinks(engine, lambda: LINK_SECRET, clock)


def paid(link, **changes) -> CheckoutPaid:  # type: ignore[no-untyped-def]
    values = dict(
        case_id=link.case_id, nonce=link.nonce, amount_minor=link.amount_minor,
        currency=link.currency, session_id="cs_1", payment_reference="pi_paid_1",
    )  # fmt: skip
    return CheckoutPaid(**(values | changes))


def test_the_page_shows_first_name_amount_due_date_and_a_plan_for_low_funds(
    engine: Engine, service: PaymentLinks
) -> None:
    case_id = seed_case(engine, "K1", amount_minor=14550, code="insufficient_funds")
    link = service.issue(case_id)
    page = service.page(link.token)
    assert (page.first_name, page.owed_minor, page.currency) == ("Asha", 14550, "USD")
    assert page.due_date is not None and page.due_date.isoformat() == "2026-12-20"
    assert page.alternatives == ("plan",) and page.locale == "en_US"
    service.page(link.token)
    assert events(engine, case_id) == [("clicked", 0)]  # the first opening only


def test_an_indian_consumer_is_offered_upi_and_an_expired_card_a_new_card(
    engine: Engine, service: PaymentLinks
) -> None:
    upi = seed_case(engine, "IN1", currency="INR", country="IN", code="do_not_honor",
                    language="hi", amount_minor=145000)  # fmt: skip
    card = seed_case(engine, "EX1", code="expired_card")
    assert service.page(service.issue(upi).token).alternatives == ("upi",)
    assert service.page(service.issue(upi).token).locale == "hi_IN"
    assert service.page(service.issue(card).token).alternatives == ("new_card",)


@pytest.mark.parametrize("status", ["paid", "stopped", "disputed"])
def test_no_link_is_issued_for_a_case_that_is_settled_or_closed(
    engine: Engine, service: PaymentLinks, status: str
) -> None:
    case_id = seed_case(engine, "K2")
    with engine.begin() as connection:
        connection.execute(update(recovery_cases).values(status=status))
    with pytest.raises(UserFacingError, match=f"is {status}"):
        service.issue(case_id)
    with pytest.raises(UserFacingError, match="no recovery case"):
        service.issue("nope")


def test_no_link_is_issued_for_an_open_case_that_owes_nothing(
    engine: Engine, service: PaymentLinks
) -> None:
    case_id = seed_case(engine, "K2b", amount_minor=500)
    with engine.begin() as connection:
        connection.execute(update(recovery_cases).values(recovered_minor=500))
    with pytest.raises(UserFacingError, match="owes nothing"):
        service.issue(case_id)


def test_checkout_asks_the_gateway_once_for_the_amount_and_the_link(
    engine: Engine, service: PaymentLinks
) -> None:
    case_id = seed_case(engine, "K3", amount_minor=9900)
    link = service.issue(case_id)
    gateway = Gateway()
    url = service.start_checkout(link.token, gateway, "https://s/done", "https://s/back")
    again = service.start_checkout(link.token, gateway, "https://s/done", "https://s/back")
    assert url == again == "https://checkout.example/cs_1"
    [request] = gateway.requests  # the same session is shown again, not a second one
    assert (request.case_id, request.nonce, request.amount_minor) == (case_id, link.nonce, 9900)
    assert request.idempotency_key == f"tilldesk-link-{link.nonce}"
    assert request.expires_at <= link.expires_at


def test_settling_records_one_paid_event_and_recovers_the_case_once(
    engine: Engine, service: PaymentLinks
) -> None:
    case_id = seed_case(engine, "K4", amount_minor=14550)
    link = service.issue(case_id)
    service.start_checkout(link.token, Gateway(), "https://s/done", "https://s/back")
    with engine.begin() as connection:  # a worker holds the case right now
        connection.execute(update(recovery_cases).values(claimed_by="w1"))
    first = service.settle(paid(link))
    repeated = service.settle(paid(link))  # Stripe retries webhooks
    assert (first.settled, first.case_status) == (True, "paid")
    assert repeated.settled is False
    case = case_row(engine, case_id)
    assert (case["status"], case["recovered_minor"], case["next_at"]) == ("paid", 14550, None)
    assert case["claimed_by"] is None  # the worker's stale view cannot be written back
    assert events(engine, case_id) == [("paid", 14550)]


def test_a_used_link_is_refused_on_the_page_and_at_checkout(
    engine: Engine, service: PaymentLinks
) -> None:
    link = service.issue(seed_case(engine, "K5"))
    service.settle(paid(link))
    gateway = Gateway()
    for use in (lambda: service.page(link.token),
                lambda: service.start_checkout(link.token, gateway, "a", "b")):  # fmt: skip
        with pytest.raises(LinkRefused) as refused:
            use()
        assert refused.value.reason == "used"
    assert gateway.requests == []
    assert service.receipt(link.token).paid  # the thank-you page still shows


def test_a_second_payment_through_a_used_link_is_flagged_for_a_refund(
    engine: Engine, service: PaymentLinks
) -> None:
    link = service.issue(case_id := seed_case(engine, "K6"))
    service.settle(paid(link))
    assert not service.settle(paid(link, payment_reference="pi_other")).settled
    assert [kind for kind, _ in events(engine, case_id)] == ["paid", "paid_again"]
    assert case_row(engine, case_id)["recovered_minor"] == 14550


def test_a_payment_of_another_amount_is_refused_and_changes_nothing(
    engine: Engine, service: PaymentLinks
) -> None:
    link = service.issue(case_id := seed_case(engine, "K7", amount_minor=5000))
    with pytest.raises(LinkRefused) as refused:
        service.settle(paid(link, amount_minor=1))
    assert refused.value.reason == "mismatch"
    assert case_row(engine, case_id)["status"] == "open" and events(engine, case_id) == []
    with pytest.raises(LinkRefused) as unknown:
        service.settle(paid(link, nonce="not-a-link"))
    assert unknown.value.reason == "unknown"


def test_an_expired_link_is_refused_and_nothing_is_recorded(
    engine: Engine, service: PaymentLinks, clock: Clock
) -> None:
    link = service.issue(case_id := seed_case(engine, "K8"))
    clock.now += timedelta(days=7)
    with pytest.raises(LinkRefused) as refused:
        service.page(link.token)
    assert refused.value.reason == "expired"
    assert events(engine, case_id) == []


def test_a_link_to_a_case_paid_elsewhere_is_refused(engine: Engine, service: PaymentLinks) -> None:
    link = service.issue(case_id := seed_case(engine, "K9"))
    with engine.begin() as connection:
        connection.execute(
            update(recovery_cases)
            .where(recovery_cases.c.id == case_id)
            .values(status="paid", recovered_minor=14550)
        )
    with pytest.raises(LinkRefused) as refused:
        service.page(link.token)
    assert refused.value.reason == "settled"


def test_a_plan_request_is_recorded_once_and_only_where_plans_are_offered(
    engine: Engine, service: PaymentLinks
) -> None:
    link = service.issue(case_id := seed_case(engine, "P1", code="insufficient_funds"))
    assert service.request_plan(link.token).plan_requested
    service.request_plan(link.token)
    assert events(engine, case_id) == [("plan_requested", 14550)]
    expired_card = service.issue(seed_case(engine, "P2", code="expired_card"))
    with pytest.raises(LinkRefused, match="not offered"):
        service.request_plan(expired_card.token)


def test_two_webhooks_at_once_settle_the_case_once(engine: Engine, service: PaymentLinks) -> None:
    link = service.issue(case_id := seed_case(engine, "K10"))
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def settle() -> None:
        barrier.wait()
        results.append(service.settle(paid(link)).settled)

    threads = [threading.Thread(target=settle) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert events(engine, case_id) == [("paid", 14550)]
