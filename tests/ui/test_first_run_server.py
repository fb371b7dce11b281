"""The first-run wizard's server step against the real central server (uvicorn on loopback over
a throwaway PostgreSQL, HTTPS with a self-signed certificate pinned by its fingerprint): the
registration runs on a worker while the wizard shows progress, and a bad address, a server out
of reach or a wrong admin password is named in the wizard with nothing set up."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import socket
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.db.database import open_database
from cli.wiring.first_run import first_run_registrar
from sync.client import state, tokens
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.support.ui import replace_text, shot
from tests.sync_client.support import (
    ADMIN,
    ADMIN_PASSWORD,
    LiveServer,
    MemoryKeyring,
    https_live_server,
)
from ui.counter_file import needs_first_run
from ui.first_run import FirstRunWizard

Key = Qt.Key


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Tests only: an in-memory keyring the token store accepts as an OS keyring."""
    for name in ("TILLDESK_KEYRING", "TILLDESK_KEYRING_KEY_FILE", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(
        tokens, "SECURE_MODULES", (*tokens.SECURE_MODULES, MemoryKeyring.__module__)
    )
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def https_server(server_db_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:  # noqa: F811
    with https_live_server(server_db_url, tmp_path) as served:
        yield served


def _wizard_at_server_page(qtbot, path: Path) -> FirstRunWizard:
    wizard = FirstRunWizard(path, registrar=first_run_registrar)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    replace_text(qtbot, wizard.code, "T02")
    qtbot.keyClick(wizard, Key.Key_Return)
    replace_text(qtbot, wizard.currency, "USD")
    replace_text(qtbot, wizard.locale, "en_US")
    replace_text(qtbot, wizard.timezone, "America/Chicago")
    qtbot.keyClick(wizard, Key.Key_Return)
    replace_text(qtbot, wizard.pin, "482913")
    replace_text(qtbot, wizard.pin_again, "482913")
    qtbot.keyClick(wizard, Key.Key_Return)
    assert wizard.currentPage().title() == "Central server (optional)"
    return wizard


def _fill_server(qtbot, wizard, url: str, fingerprint: str = "", password=ADMIN_PASSWORD) -> None:
    replace_text(qtbot, wizard.server_url, url)
    replace_text(qtbot, wizard.fingerprint, fingerprint)
    replace_text(qtbot, wizard.admin_user, ADMIN)
    replace_text(qtbot, wizard.admin_password, password)


def _finish_and_wait(qtbot, wizard: FirstRunWizard) -> None:
    if wizard.currentPage().title() != "Ready":
        qtbot.keyClick(wizard, Key.Key_Return)  # Next to the summary
    assert wizard.currentPage().title() == "Ready"
    qtbot.keyClick(wizard, Key.Key_Return)  # Finish
    qtbot.waitUntil(lambda: not wizard.busy, timeout=60_000)


def _nothing_set_up(path: Path) -> None:
    assert needs_first_run(path)
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == []
    assert not list(path.parent.glob("server-*.pem"))


def _terminals(server: LiveServer) -> list[tuple]:
    return [tuple(r) for r in server.query("SELECT code, status FROM terminals ORDER BY code")]


def test_a_wrong_password_is_named_then_the_counter_registers_over_pinned_https(
    qtbot, tmp_path: Path, https_server
):
    server, fingerprint = https_server
    path = tmp_path / "counter.sqlite"
    wizard = _wizard_at_server_page(qtbot, path)
    _fill_server(qtbot, wizard, server.url, fingerprint, password="not the password")
    qtbot.keyClick(wizard, Key.Key_Return)
    assert f"registers it with {server.url} as terminal T02" in wizard.summary.text()

    _finish_and_wait(qtbot, wizard)

    assert wizard.isVisible() and wizard.currentPage().title() == "Ready"
    assert wizard.failure.text().startswith(
        "The server did not accept this admin user name and password."
    )
    assert "Nothing was set up" in wizard.failure.text()
    qtbot.wait(50)  # the page lays the message out
    shot(wizard, "first_run_server_refused")
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    _nothing_set_up(path)
    assert _terminals(server) == []

    wizard.back()  # the password was wrong: correct it on the server page
    replace_text(qtbot, wizard.admin_password, ADMIN_PASSWORD)
    _finish_and_wait(qtbot, wizard)

    assert wizard.created_terminal == "T02"
    assert not needs_first_run(path)
    assert _terminals(server) == [("T02", "active")]
    db = open_database(path)
    try:
        kept = state.connection(db)
    finally:
        db.close()
    assert (kept.server_url, kept.terminal_code) == (server.url, "T02")
    assert Path(kept.ca_file) == (tmp_path / f"server-127.0.0.1-{server.port}.pem").resolve()
    assert Path(kept.ca_file).read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_a_server_out_of_reach_shows_progress_then_says_so_and_sets_nothing_up(
    qtbot, tmp_path: Path
):
    path = tmp_path / "counter.sqlite"
    # Listens but never answers, until closed: the registration is in flight meanwhile.
    silent = socket.create_server(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    wizard = _wizard_at_server_page(qtbot, path)
    _fill_server(qtbot, wizard, f"http://127.0.0.1:{port}")
    wizard.insecure_http.setChecked(True)
    qtbot.keyClick(wizard, Key.Key_Return)
    qtbot.keyClick(wizard, Key.Key_Return)  # Finish

    assert wizard.busy and wizard.progress.isVisible()
    assert wizard.status.text() == f"Registering with http://127.0.0.1:{port}..."
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    wizard.reject()  # Esc/Cancel half-way: the wizard waits for the answer
    assert wizard.isVisible()
    accepted, _ = silent.accept()
    accepted.close()
    silent.close()
    qtbot.waitUntil(lambda: not wizard.busy, timeout=60_000)

    assert not wizard.progress.isVisible()
    assert "out of reach" in wizard.failure.text()
    assert "Check the address and that the server is running" in wizard.failure.text()
    _nothing_set_up(path)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sync.example:8443", "is not a server address"),
        ("http://sync.example:8443", "plain http:// address"),
    ],
)
def test_a_bad_address_is_named_on_the_server_page(qtbot, tmp_path: Path, url, message):
    wizard = _wizard_at_server_page(qtbot, tmp_path / "counter.sqlite")
    _fill_server(qtbot, wizard, url)
    qtbot.keyClick(wizard, Key.Key_Return)
    page = wizard.currentPage()
    assert page.title() == "Central server (optional)"
    assert message in page.error.text()


def test_the_server_step_can_be_left_empty(qtbot, tmp_path: Path):
    path = tmp_path / "counter.sqlite"
    wizard = _wizard_at_server_page(qtbot, path)
    _finish_and_wait(qtbot, wizard)
    assert wizard.created_terminal == "T02"
    assert not needs_first_run(path)
    assert not list(tmp_path.glob("*.setting-up*")) and not list(tmp_path.glob("*.pem"))
