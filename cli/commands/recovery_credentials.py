"""`tilldesk recovery set-credential NAME`: a messaging credential (SMTP password, Twilio token,
WhatsApp tokens, the unsubscribe signing key...) into the keyring, never a file or the database.
The value comes from a prompt, or $TILLDESK_SECRET for scripted installs."""

import getpass
import os
from argparse import Namespace, _SubParsersAction

from app.domain.errors import UserFacingError
from sync.messaging.credentials import NAMES


def register(verbs: _SubParsersAction, common: list) -> None:
    setter = verbs.add_parser(
        "set-credential", parents=common, help="store a messaging credential in the keyring"
    )
    setter.add_argument("name", choices=NAMES)
    setter.set_defaults(run=run_set_credential)


def run_set_credential(args: Namespace) -> int:
    from sync.messaging.credentials import SERVICE, store_credential

    value = os.environ.get("TILLDESK_SECRET") or getpass.getpass(f"{args.name}: ")
    if not value:
        raise UserFacingError("An empty credential was not stored.")
    store_credential(args.name, value)
    print(f"{args.name} is in the keyring (service {SERVICE}).")
    return 0
