"""Messaging channel tests: an in-memory keyring (`memory_keyring`, tests/support/keyring.py),
and loopback HTTP fakes of the vendors (tests/support/vendors.py)."""
