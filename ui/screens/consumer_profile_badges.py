"""The profile header's "Open dispute" badge: shown while the consumer has a dispute open or
under review, its tooltip naming each one (tone from the stylesheet, like every badge)."""

from collections.abc import Sequence

from PySide6.QtWidgets import QLabel, QWidget

from app.services.disputes import DisputeView
from ui.widgets.badge import set_badge

TONE = "warn"  # QLabel[role="badge"][tone="warn"] in resources/styles/tilldesk.qss


def dispute_badge_text(disputes: Sequence[DisputeView]) -> tuple[str, str]:
    """(badge text, tooltip) for the consumer's active disputes; ("", "") when none."""
    active = [d for d in disputes if d.active]
    if not active:
        return "", ""
    text = "Open dispute" if len(active) == 1 else f"Open disputes ({len(active)})"
    lines = [
        f"Dispute on {d.subject_number} ({d.status_words.lower()}): {d.reason}"
        + (f" - owner {d.owner}" if d.owner else "")
        for d in active
    ]
    return text, "\n".join(lines)


class DisputeBadge(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileDisputeBadge")
        set_badge(self, "Open dispute", TONE)
        self.setVisible(False)

    def show_disputes(self, disputes: Sequence[DisputeView]) -> None:
        text, tooltip = dispute_badge_text(disputes)
        if text:
            set_badge(self, text, TONE)
        self.setToolTip(tooltip)
        self.setAccessibleDescription(tooltip)
        self.setVisible(bool(text))
