"""Loopback Stripe and NMI fakes, and adapters pointed at them that back off without sleeping."""

from collections.abc import Iterator

import pytest

from sync.gateways.adapters.nmi import NmiAdapter
from sync.gateways.adapters.stripe import StripeAdapter
from tests.gateways.fakes import FakeNmi, FakeStripe


class Sleeps(list):
    """Records back-off delays instead of waiting them out."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def fake_nmi() -> Iterator[FakeNmi]:
    with FakeNmi() as fake:
        yield fake


@pytest.fixture
def stripe(fake_stripe: FakeStripe, sleeps: Sleeps) -> StripeAdapter:
    return StripeAdapter(fake_stripe.secret_key, base_url=fake_stripe.url, sleep=sleeps)


@pytest.fixture
def nmi(fake_nmi: FakeNmi, sleeps: Sleeps) -> NmiAdapter:
    return NmiAdapter(fake_nmi.security_key, base_url=f"{fake_nmi.url}/api", sleep=sleeps)
