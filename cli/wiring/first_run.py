"""The first-run wizard's server step, composed here and handed to the client (screens do not
reach the sync client's database layer): register the new counter with the central server as
`tilldesk terminal register` does, with the refusals worded for the wizard. Runs on the
wizard's worker thread, never on the GUI thread."""

import contextlib
from pathlib import Path
from urllib.parse import urlsplit

from app.db.database import Database
from app.domain.errors import UserFacingError
from app.services.first_run import Registrar, ServerAnswers

NOTHING_SET_UP = "Nothing was set up: correct it and press Finish again, or leave the server empty."


def first_run_registrar(server: ServerAnswers, code: str, folder: Path) -> Registrar:
    """What registers the new counter (terminal `code`) with `server`. A self-signed certificate
    pinned by its fingerprint is kept in `folder` (beside the counter), as the CLI keeps it."""

    def register(db: Database) -> object:
        pinned: list[Path] = []
        try:
            return _register(db, server, code, folder, pinned)
        except BaseException:
            for path in pinned:  # nothing of a failed registration stays behind
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            raise

    return register


def _register(
    db: Database, server: ServerAnswers, code: str, folder: Path, pinned: list[Path]
) -> object:
    from sync.client.errors import ServerRefused, ServerUnavailable
    from sync.client.register import register_terminal  # requests and keyring only when asked

    try:
        ca_file = None
        if server.fingerprint.strip():
            pinned.append(_pin(server, folder))
            ca_file = str(pinned[0])
        return register_terminal(
            db,
            server_url=server.url.strip(),
            code=code,
            username=server.admin_user.strip(),
            password=server.admin_password,
            ca_file=ca_file,
        )
    except ServerUnavailable as error:  # no answer, a time-out, a 5xx
        raise UserFacingError(
            f"{error} Check the address and that the server is running. {NOTHING_SET_UP}"
        ) from None
    except ServerRefused as error:
        raise UserFacingError(f"{_refusal(error.message)} {NOTHING_SET_UP}") from None
    except UserFacingError as error:  # no safe keyring, the token not kept...
        raise UserFacingError(f"{error.message} {NOTHING_SET_UP}") from None


def _pin(server: ServerAnswers, folder: Path) -> Path:
    from sync.client.http import pinned_certificate

    pem = pinned_certificate(server.url.strip(), server.fingerprint)
    where = urlsplit(server.url.strip())
    path = folder / f"server-{where.hostname}-{where.port or 443}.pem"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(pem)
    return path.resolve()


def _refusal(message: str) -> str:
    """The server's wording is for the sync log; the wizard's person typed a name and password."""
    if "Server admin credentials are required" in message:
        return "The server did not accept this admin user name and password."
    return message
