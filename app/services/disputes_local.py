"""A single site's disputes and circumstances reach its own recovery database: a counter with
no central server has nobody to pass them on, so the counter does it itself, right after it
saved them - the same holds, releases and preferences the server's bridge applies
(disputes_recovery, circumstances_recovery). Only where a recovery database already exists:
a counter that never ran the recovery service gets none created."""

import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from app.db.tables import ConsumerCircumstances, Dispute
from app.services.circumstances_recovery import CircumstancesNotice, record_circumstances
from app.services.disputes_recovery import DisputeNotice, record_dispute
from app.services.recovery_database import recovery_db_url, shared_recovery_database
from app.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
SQLITE = "sqlite:///"


def local_recovery(uow: UnitOfWork) -> str | None:
    """The recovery database URL of a standalone counter (inside the caller's `with uow`), or
    None: a registered counter's server passes things on, and no database means no service.
    Opened (and migrated) only after the counter committed: no lock held on its file."""
    if uow.sync_state.server_url():
        return None
    counter_db = uow.sync_state.database_file()
    if not counter_db:
        return None  # an in-memory counter (tests of pure rules): no file beside it
    url = recovery_db_url(None, counter_db=Path(counter_db))
    if url.startswith(SQLITE) and not Path(url.removeprefix(SQLITE)).is_file():
        return None
    return url


def dispute_notice(dispute: Dispute, account_number: str) -> DisputeNotice:
    return DisputeNotice(
        id=str(dispute.id), consumer_id=account_number, subject=dispute.subject,
        subject_number=dispute.subject_number,
        external_id=None,  # a counter's own payment: no gateway id, no case charges it
        status=dispute.status, reason=dispute.reason, resolution=dispute.resolution,
        version=dispute.version, updated_at=dispute.updated_at,
    )  # fmt: skip


def pass_disputes(url: str | None, notices: Iterable[DisputeNotice], now: datetime) -> None:
    """Every dispute of the consumer, not only the one changed: versions only grow, so one
    that failed to pass earlier (the recovery database was busy) catches up now."""
    if url is None:
        return
    for notice in notices:
        try:
            record_dispute(shared_recovery_database(url), notice, now)
        except Exception:  # the dispute is saved; the consumer's next change passes it again
            log.exception("dispute %s not passed to the local recovery database", notice.id)


def pass_circumstances(url: str | None, row: ConsumerCircumstances, account_number: str) -> None:
    if url is None:
        return
    notice = CircumstancesNotice(
        consumer_id=account_number, circumstances=tuple(row.circumstances),
        preferred_channel=row.preferred_channel, preferred_from=row.preferred_from,
        preferred_until=row.preferred_until, language=row.language, set_by=row.set_by,
        set_at=row.set_at, version=row.version,
    )  # fmt: skip
    try:
        record_circumstances(shared_recovery_database(url), notice)
    except Exception:  # saved at the counter; the next change passes the newest version
        log.exception("circumstances of %s not passed to the local recovery", account_number)
