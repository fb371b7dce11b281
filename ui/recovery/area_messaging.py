"""The Recovery menu's entries of the messaging area."""

from ui.recovery.entries import RecoveryEntry


def entries() -> list[RecoveryEntry]:
    return []
