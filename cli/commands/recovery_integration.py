"""`tilldesk recovery export|webhooks ...`: exports and outgoing webhooks."""

from argparse import _SubParsersAction


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
