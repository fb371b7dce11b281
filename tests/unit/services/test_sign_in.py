"""Signing in and supervisor PINs on a fake unit of work: the lockout and what is audited."""

from datetime import date

import pytest

from app.domain.errors import UserFacingError
from app.services.actors import hash_secret, sign_in
from app.services.record_payment import PaymentRequest, record_payment
from app.services.shifts import open_shift
from app.services.supervisor_approval import SupervisorApprovalRequired
from tests.support.counter import Counter

PIN = "4821"


@pytest.fixture
def pins(counter: Counter) -> Counter:
    """Every user's PIN is 4821."""
    secret_hash = hash_secret(PIN)
    for user in counter.store.users:
        user.secret_hash = secret_hash
    return counter


def test_the_right_pin_signs_in_and_is_audited(pins: Counter) -> None:
    actor = sign_in(pins.uow, "Cashier", PIN)

    assert actor.full_name == "Carla Cashier"
    assert pins.uow.actions() == ["user.signed_in"]


def test_a_wrong_pin_is_refused_and_kept_in_the_audit(pins: Counter) -> None:
    with pytest.raises(UserFacingError, match=r"^Wrong user name or PIN\.$"):
        sign_in(pins.uow, "cashier", "0000")

    assert pins.uow.actions() == ["user.sign_in_failed"]
    assert pins.uow.committed  # the failure survives the refusal


def test_an_unknown_user_gets_the_same_answer(pins: Counter) -> None:
    with pytest.raises(UserFacingError, match=r"^Wrong user name or PIN\.$"):
        sign_in(pins.uow, "nobody", PIN)


def test_repeated_wrong_pins_lock_out_even_the_right_one(pins: Counter) -> None:
    for _ in range(5):
        with pytest.raises(UserFacingError):
            sign_in(pins.uow, "cashier", "0000")

    with pytest.raises(UserFacingError, match="Try again"):
        sign_in(pins.uow, "cashier", PIN)


def test_a_right_pin_resets_the_count(pins: Counter) -> None:
    for _ in range(2):
        with pytest.raises(UserFacingError):
            sign_in(pins.uow, "cashier", "0000")

    sign_in(pins.uow, "cashier", PIN)

    assert pins.store.lockouts == []


def backdated(counter: Counter, **kw: object) -> PaymentRequest:
    values: dict[str, object] = {
        "account_number": "ACC-1001",
        "payment_type": "Bill",
        "items": ("INV-2026-000001",),
        "method": "Cash",
        "amount": "120.00",
        "paid_on": date(2026, 3, 1),  # nine days back: more than the three allowed
        "username": "cashier",
        **kw,
    }
    return PaymentRequest(**values)  # type: ignore[arg-type]


def test_a_payment_dated_far_back_needs_a_supervisor(pins: Counter) -> None:
    open_shift(pins.uow, opening_float="0", username="cashier")

    with pytest.raises(SupervisorApprovalRequired, match="9 days back"):
        record_payment(pins.uow, backdated(pins))

    assert pins.store.payments == []


def test_a_supervisors_pin_approves_the_back_dated_payment(pins: Counter) -> None:
    open_shift(pins.uow, opening_float="0", username="cashier")

    paid = record_payment(pins.uow, backdated(pins, approver="manager", approver_pin=PIN))

    assert pins.store.payments[0].payment_date == date(2026, 3, 1)
    assert "payment.backdating_approved" in pins.uow.actions()
    assert paid.status == "Posted"


def test_a_wrong_supervisor_pin_records_nothing(pins: Counter) -> None:
    open_shift(pins.uow, opening_float="0", username="cashier")

    with pytest.raises(UserFacingError, match="Wrong supervisor user name or PIN"):
        record_payment(pins.uow, backdated(pins, approver="manager", approver_pin="0000"))

    assert pins.store.payments == []
    assert "user.sign_in_failed" in pins.uow.actions()
