"""`tilldesk recovery smart-collect|segments|queue ...`: Smart Collect and segments."""

from argparse import _SubParsersAction


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
