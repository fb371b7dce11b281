"""Loopback fakes of Stripe and NMI speaking the documented HTTP APIs, for adapter tests and
for the server's tests. Each runs an http.server in a thread on 127.0.0.1:<free port>.

Both can be told to fail: `fail_next(n, status)` answers the next n requests with an error and
does nothing; `lose_next_answer()` does the work and then hangs up without answering, as a
network cut after the gateway committed would; `delay_next_answer(s)` answers late.
"""

from tests.gateways.fake_http import FakeGateway, Reply, Seen
from tests.gateways.fake_nmi import FakeNmi
from tests.gateways.fake_stripe import STRIPE_DECLINES, FakeStripe

__all__ = ["STRIPE_DECLINES", "FakeGateway", "FakeNmi", "FakeStripe", "Reply", "Seen"]
