"""Signed Stripe and NMI webhook posts to a live central server."""

import time

import requests

from sync.gateways.testing import sign_nmi, sign_stripe
from tests.support.keyring import NMI_KEY, STRIPE_SECRET


def _stripe(server, body, secret=STRIPE_SECRET, at=None):
    header = sign_stripe(body, secret, int(at if at is not None else time.time()))
    return requests.post(
        f"{server.url}/v1/webhooks/stripe",
        data=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        timeout=30,
    )


def _nmi(server, body, key=NMI_KEY):
    return requests.post(
        f"{server.url}/v1/webhooks/nmi",
        data=body,
        headers={"Webhook-Signature": sign_nmi(body, key), "Content-Type": "application/json"},
        timeout=30,
    )
