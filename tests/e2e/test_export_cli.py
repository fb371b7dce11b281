"""`tilldesk payments export` / `credit-notes export`: the format follows the file name."""

import csv
import json
from pathlib import Path

import pytest

from tests.e2e.cli import PAY_MARCH_BILL, run, sample_counter


@pytest.fixture(scope="module")
def counter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One counter for the module: exports only read it."""
    db = sample_counter(tmp_path_factory.mktemp("export") / "cli.sqlite")
    run(db, *PAY_MARCH_BILL, "--user", "jsmith")
    return db


def test_payments_export_to_csv_writes_every_row(counter: Path, tmp_path: Path) -> None:
    target = tmp_path / "payments.csv"

    out = json.loads(run(counter, "payments", "export", str(target), "--json").stdout)

    assert out == {"file": str(target), "format": "csv", "rows": 1}
    (row,) = csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines())
    assert (row["Receipt No."], row["Amount"], row["Cashier"]) == ("R-T07-0001", "145.50", "jsmith")


def test_an_unknown_extension_is_refused_and_writes_nothing(counter: Path, tmp_path: Path) -> None:
    target = tmp_path / "payments.txt"

    refused = run(counter, "payments", "export", str(target), check=False)

    assert refused.returncode == 3
    assert "--format csv, xlsx or pdf" in refused.stderr
    assert not target.exists()


def test_credit_notes_export_to_pdf(counter: Path, tmp_path: Path) -> None:
    target = tmp_path / "notes.pdf"

    done = run(counter, "credit-notes", "export", str(target))

    assert done.returncode == 0
    assert target.read_bytes().startswith(b"%PDF")
