"""`tilldesk settings` and `tilldesk users`: what the Settings screen does, from a script."""

import json
from pathlib import Path

from PIL import Image

from app.db.database import Database
from app.services.settings import current_settings

from .test_cli import run


def test_settings_change_as_typed_and_refusals_change_nothing(db: Database, db_path: Path) -> None:
    out = run(
        db_path, "settings", "set", "idle_lock_minutes=10", "receipt_header=Cityville\\nWater"
    )
    assert out.stdout == "Changed: idle_lock_minutes, receipt_header.\n"
    refused = run(db_path, "settings", "set", 'channels=["Phone"]', "--user", "jsmith", check=False)
    assert refused.returncode == 3
    assert refused.stderr == "tilldesk: A cashier may not change settings.\n"
    refused = run(
        db_path, "settings", "set", 'number_formats={"receipt": "R-{SEQ:4}"}', check=False
    )
    assert refused.returncode == 3
    assert "needs the {TERM} token" in refused.stderr

    saved = current_settings(db.unit_of_work())
    assert (saved.idle_lock_minutes, saved.receipt_header) == (10, "Cityville\nWater")
    assert saved.channels[0] == "Walk-in"
    assert json.loads(run(db_path, "settings", "show", "--json").stdout)["idle_lock_minutes"] == 10


def test_the_receipt_logo_is_set_from_a_file_and_removed(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (100, 50), "black").save(logo)
    assert run(db_path, "settings", "logo", str(logo)).stdout == "Receipt logo set.\n"
    assert current_settings(db.unit_of_work()).receipt_logo != ""
    shown = json.loads(run(db_path, "settings", "show", "--json").stdout)["receipt_logo"]
    assert shown.startswith("(PNG, ") and shown.endswith(" bytes)")
    run(db_path, "settings", "logo", "--remove")
    assert current_settings(db.unit_of_work()).receipt_logo == ""


def test_users_are_managed_from_the_command_line(db: Database, db_path: Path) -> None:
    added = run(db_path, "users", "add", "kdavis", "--name", "Kim Davis", "--role", "cashier",
                "--pin", "4821")  # fmt: skip
    assert added.stdout == "User kdavis (Kim Davis) added.\n"
    run(db_path, "users", "disable", "kdavis")
    listed = json.loads(run(db_path, "users", "list", "--json").stdout)
    assert [(u["username"], u["active"]) for u in listed][-2:] == [
        ("rpatel", True),
        ("kdavis", False),  # disabled users are listed last
    ]
    refused = run(db_path, "users", "disable", "admin", check=False)
    assert (refused.returncode, refused.stderr) == (
        3,
        "tilldesk: You cannot disable yourself: ask another admin.\n",
    )
