"""A supervisor's PIN approving what a cashier may not do alone (a back-dated payment ...)."""

from app.domain.errors import PermissionDenied, UserFacingError
from app.domain.roles import PERMISSIONS
from app.services.actors import Actor, authenticate
from app.services.unit_of_work import UnitOfWork


class SupervisorApprovalRequired(UserFacingError):
    """The use case needs a supervisor's PIN; the screen asks for it and tries again."""

    def __init__(self, message: str, reasons: tuple[str, ...]) -> None:
        super().__init__(message)
        self.reasons = reasons  # one sentence per reason, for the approval dialog


def approving_supervisor(
    uow: UnitOfWork,
    username: str | None,
    pin: str | None,
    actor: Actor,
    *,
    action: str,
    not_self: str = "A supervisor other than the person asking must approve.",
) -> Actor:
    """The supervisor whose PIN approves `action`: checked with the sign-in lockout, and never
    the person asking for the approval."""
    if not (username or "").strip() or not pin:
        raise UserFacingError("Enter the supervisor's user name and PIN.")
    try:
        approver = authenticate(uow, username or "", pin)
    except UserFacingError as refused:  # the lockout's wait, if any, stays in the message
        raise UserFacingError(
            refused.message.replace("user name", "supervisor user name", 1)
        ) from None
    if approver.role not in PERMISSIONS[action]:
        raise PermissionDenied(
            f"{approver.full_name} is a {approver.role.label.lower()}: a supervisor must approve."
        )
    if approver.user_id == actor.user_id:
        raise PermissionDenied(not_self)
    return approver
