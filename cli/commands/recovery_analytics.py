"""`tilldesk recovery analytics|alerts ...`: payment-method analytics and alerts."""

from argparse import _SubParsersAction


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
