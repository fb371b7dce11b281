"""`tilldesk recovery link CASE`: a signed, expiring payment link for one case, to send by hand
(a recovery executive on the phone) - the reminders carry their own."""

import os
from argparse import Namespace, _SubParsersAction
from datetime import UTC, datetime

from app.domain.errors import UserFacingError
from cli.commands.recovery_service import open_recovery_db
from cli.output import emit_json, emit_pairs, money
from cli.wiring.server_options import PUBLIC_URL_VARIABLE


def register(verbs: _SubParsersAction, common: list) -> None:
    link = verbs.add_parser(
        "link", parents=common, help="a signed payment link for a case (expires; single use)"
    )
    link.add_argument("case_id")
    link.add_argument(
        "--public-url",
        default=os.environ.get(PUBLIC_URL_VARIABLE, ""),
        help=f"the central server as consumers reach it (default: ${PUBLIC_URL_VARIABLE})",
    )
    link.set_defaults(run=run_link)


def run_link(args: Namespace) -> int:
    from app.services.payment_links import PaymentLinks

    if not args.public_url.startswith(("https://", "http://")):
        raise UserFacingError(
            "Give the server's public address: --public-url https://... "
            f"(or ${PUBLIC_URL_VARIABLE})."
        )
    engine = open_recovery_db(args)
    try:
        issued = PaymentLinks(engine, _secret, lambda: datetime.now(UTC)).issue(args.case_id)
    finally:
        engine.dispose()
    url = issued.url(args.public_url)
    if args.json:
        emit_json(
            {
                "case_id": issued.case_id,
                "url": url,
                "amount_minor": issued.amount_minor,
                "currency": issued.currency,
                "expires_at": issued.expires_at.isoformat(),
            }
        )
        return 0
    emit_pairs(
        [
            ("case", issued.case_id),
            ("owed", money(issued.amount_minor, issued.currency) or ""),
            ("expires", issued.expires_at.isoformat(timespec="minutes")),
            ("link", url),
        ]
    )
    return 0


def _secret() -> bytes:
    from cli.wiring.server_payment_links import keyring_link_secret

    try:
        return keyring_link_secret()
    except RuntimeError as error:
        raise UserFacingError(str(error)) from None
