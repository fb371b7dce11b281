"""`tilldesk audit verify`: walk the hash chain and report the first broken event."""

from app.db.audit import ChainReport
from app.services.unit_of_work import UnitOfWork


def verify_audit_chain(uow: UnitOfWork) -> ChainReport:
    with uow:
        return uow.audit_log.verify()
