"""`tilldesk recovery messages|optout|template ...`: reminders and their records."""

from argparse import _SubParsersAction


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
