"""The Recovery menu's entries of the analytics area."""

from ui.recovery.entries import RecoveryEntry


def entries() -> list[RecoveryEntry]:
    return []
