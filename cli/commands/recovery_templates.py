"""`tilldesk recovery template list|preview|check`: the reminder templates."""

from argparse import _SubParsersAction


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
