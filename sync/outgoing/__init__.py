"""Outgoing webhooks: signing, the endpoints' secrets in the keyring, and the deliverer."""
