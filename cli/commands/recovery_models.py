"""`tilldesk recovery models ...`: the prediction models, trained, compared and promoted."""

from argparse import _SubParsersAction


def register(verbs: _SubParsersAction, common: list) -> None:
    """Add this area's verbs under `tilldesk recovery`."""
