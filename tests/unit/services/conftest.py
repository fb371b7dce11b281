"""A counter in memory: users of each role, one consumer with a bill, a service and a plan."""

import pytest
from argon2 import PasswordHasher

from app.domain.roles import Role
from app.services import actors
from app.services.shifts import open_shift
from tests.support.counter import Counter  # also imported from here by the tests
from tests.support.fake_uow import FakeUnitOfWork, seed_consumer, seed_item, seed_user


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest: its cost is not what these tests check, and a PIN hashed with
    the real parameters takes a good part of a second on a busy machine."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(actors, "_hasher", cheap)
    monkeypatch.setattr(actors, "_dummy_hash", lambda: cheap.hash("not anyone's PIN"))


@pytest.fixture
def counter() -> Counter:
    uow = FakeUnitOfWork()
    store = uow.store
    seed_user(store, "admin", Role.ADMIN, "Administrator")
    seed_user(store, "cashier", Role.CASHIER, "Carla Cashier")
    seed_user(store, "manager", Role.BILLING_MANAGER, "Maya Manager")
    consumer = seed_consumer(store, "ACC-1001", "Jane Doe")
    return Counter(
        uow,
        consumer,
        seed_item(store, consumer, "bill", "INV-2026-000001", 12_000, description="March 2026"),
        seed_item(store, consumer, "service", "SC-2026-000001", 2_500, description="Late Fee"),
        seed_item(store, consumer, "installment", "PP-2026-0001/1", 5_000),
    )


@pytest.fixture
def open_counter(counter: Counter) -> Counter:
    """The same counter with the cashier's shift open and 100.00 in the drawer."""
    open_shift(counter.uow, opening_float="100.00", username="cashier")
    return counter
