"""End to end: a bill paid at two counters is flagged on both; a supervisor at one counter
resolves it with a credit note, and after a sync the other counter sees it resolved too."""

from app.services.credit_notes import create_credit_note
from app.services.sync_flags import resolve_flag
from app.services.sync_status import sync_issues, sync_status
from tests.sync_client.support import pay, sync


def test_a_flag_resolved_at_one_counter_is_resolved_at_the_other(counters, server):
    t01, t02 = counters("T01"), counters("T02")
    pay(t01, "INV-2025-001234", "145.50")
    second = pay(t02, "INV-2025-001234", "145.50")
    sync(t01)
    sync(t02)
    sync(t01)
    [flag] = [i for i in sync_issues(t02.read()) if i.resolvable]
    note = create_credit_note(
        t02.unit_of_work(),
        receipt=second.receipt_number,
        amount="45.50",
        reason="Other",
        username="mbrown",
    ).number

    resolve_flag(t02.unit_of_work(), "mbrown", flag.key, "Credit note", "", note)
    assert sync_issues(t02.read()) == []
    sync(t02)
    sync(t01)

    assert sync_issues(t01.read()) == [] and sync_issues(t02.read()) == []
    assert sync_status(t01.read()).server_flag_count == 0
    [(resolution, number)] = server.query(
        "SELECT detail->'resolution'->>'resolution', detail->'resolution'->>'credit_note_number'"
        " FROM flags WHERE resolved_at IS NOT NULL"
    )
    assert (resolution, number) == ("Credit note", note)
