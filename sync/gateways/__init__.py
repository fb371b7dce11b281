"""Payment gateways (Stripe, NMI): webhook verification, status mapping, REST adapters.

The server imports this package; counters never talk to a gateway directly.
"""
