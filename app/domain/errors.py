"""The three kinds of failure the whole system speaks (see ARCHITECTURE.md, Errors)."""


class UserFacingError(Exception):
    """A rule said no. The message is shown to the user as is; nothing was written."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class NotFound(UserFacingError):
    """The record the user named does not exist."""


class PermissionDenied(UserFacingError):
    """The signed-in user's role may not do this."""


class UserCancelled(Exception):
    """The user backed out. Silent: nothing to show, nothing written."""
