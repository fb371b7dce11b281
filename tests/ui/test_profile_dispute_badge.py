"""The profile header says "Open dispute" while the consumer has a dispute open or under
review (its tooltip names it), and says nothing once the dispute is resolved."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services.disputes import open_dispute, update_dispute
from tests.support.ui import shot


def test_the_badge_shows_for_an_open_dispute_and_not_for_a_resolved_one(
    qtbot, styled, profile, context
):
    assert not profile.dispute_badge.isVisible()
    dispute = open_dispute(
        context.counter.write(), account_number="WU-10001", subject="bill",
        number="INV-2025-001234", reason="Meter read twice in March", owner="rpatel",
        username="jsmith",
    )  # fmt: skip

    profile.resize(1024, 768)
    profile.show_consumer("WU-10001")
    qtbot.waitUntil(profile.dispute_badge.isVisible)
    badge = profile.dispute_badge
    assert badge.text() == "Open dispute"
    assert badge.property("tone") == "warn"  # its colours are the stylesheet's
    assert badge.toolTip() == (
        "Dispute on INV-2025-001234 (open): Meter read twice in March - owner rpatel"
    )
    shot(profile, "profile_open_dispute_1024x768")

    update_dispute(
        context.counter.write(), dispute_ref=str(dispute.id), status="under_review",
        username="jsmith",
    )  # fmt: skip
    profile.holds.reload()
    qtbot.waitUntil(lambda: "under review" in badge.toolTip())
    assert badge.isVisible()

    update_dispute(
        context.counter.write(), dispute_ref=str(dispute.id), status="resolved",
        resolution="Second read removed", username="mbrown",
    )  # fmt: skip
    profile.holds.reload()
    qtbot.waitUntil(lambda: not badge.isVisible())
    assert badge.toolTip() == ""
