"""`tilldesk payments show` as text: the labelled lines support staff read."""

import re
from pathlib import Path

from tests.e2e.cli import PAY_MARCH_BILL, run


def shown_labels(counter: Path, receipt: str) -> dict[str, str]:
    lines = run(counter, "payments", "show", receipt).stdout.splitlines()
    return dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in lines)


def test_the_details_show_the_notes_given_and_leave_out_what_was_never_set(
    counter: Path,
) -> None:
    run(counter, *PAY_MARCH_BILL[:-1], "10.00")
    run(counter, *PAY_MARCH_BILL[:-1], "135.50", "--notes", "Paid in coins")

    first, second = shown_labels(counter, "R-T07-0001"), shown_labels(counter, "R-T07-0002")
    assert "Notes" not in first  # no notes taken: no empty line for them
    assert second["Notes"] == "Paid in coins"
    assert "Void reason" not in first and "Void reason" not in second  # neither voided
    assert first["Receipt number"] == "R-T07-0001"
