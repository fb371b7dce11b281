"""`tilldesk audit verify`: walk the hash chain and report the first broken event."""

from app.db import audit
from app.db.audit import ChainReport
from app.db.unit_of_work import UnitOfWork


def verify_audit_chain(uow: UnitOfWork) -> ChainReport:
    with uow:
        return audit.verify(uow.session)
