"""What the client writes outside the database is private too: its log and saved PDFs."""

import os
import stat
from pathlib import Path

from cli.wiring.printing import save_file
from ui.errors import log_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_client_log_and_its_folder_are_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    previous = os.umask(0o022)
    try:
        path = log_file()
    finally:
        os.umask(previous)
    assert path.is_relative_to(tmp_path) and path.name == "client.log"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_an_existing_open_log_is_tightened(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = log_file()
    path.chmod(0o644)
    path.parent.chmod(0o755)
    assert log_file() == path
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)


def test_a_saved_pdf_is_readable_by_its_user_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        saved = save_file(b"%PDF-1.4 receipt", tmp_path / "R-T01-0001.pdf")
    finally:
        os.umask(previous)
    assert saved.read_bytes() == b"%PDF-1.4 receipt"
    assert mode(saved) == 0o600
