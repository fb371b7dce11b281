"""The Sync screen's "Connect to a server..." against the real central server (uvicorn on
loopback over a throwaway PostgreSQL) and the real counter file: an admin on a counter that runs
on its own connects it with the keyboard, the counter keeps the server and terminal (the token
in the keyring) and the client's background sync starts without a restart - a payment taken
before connecting reaches the server; a refusal is said in the dialog and changes nothing."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.db.database import Database, open_database
from app.services.actors import authenticate
from app.services.runtime import counter_for
from app.services.settings import current_settings
from app.services.sync_status import sync_status
from cli.commands.client import SyncAfterFirstFrame, connect_registrar
from sync.client.register import register_terminal
from sync.client.tokens import TokenStore
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401
from tests.support.ui import (
    SCREEN_HEIGHT,
    SCREEN_WIDTH,
    fits,
    main_window,
    on,
    replace_text,
    shot,
    sign_in,
)
from tests.sync_client.support import (
    ADMIN,
    ADMIN_PASSWORD,
    LiveServer,
    MemoryKeyring,
    https_live_server,
    pay,
)
from ui.context import ClientContext
from ui.dialogs.connect_server import ConnectServerDialog
from ui.main_window import MainWindow
from ui.ops import wait_for_all
from ui.screens.sync import SyncScreen
from ui.server_link import ServerLink, install

Key, Alt = Qt.Key, Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def memory_keyring(sync_keyring: MemoryKeyring) -> MemoryKeyring:
    return sync_keyring


@pytest.fixture
def counter(sample_counter: Path, tmp_path: Path) -> Iterator[Database]:
    """Terminal T01 with the spec's sample (jsmith's shift open), never registered, on the
    wall clock."""
    path = tmp_path / "counter.sqlite"
    shutil.copyfile(sample_counter, path)
    db = open_database(path)
    yield db
    wait_for_all()
    db.close()


@pytest.fixture
def client_sync(counter: Database) -> Iterator[SyncAfterFirstFrame]:
    """What `tilldesk client` composes: the sync started after the first frame (it finds the
    counter unregistered) and the link the Sync screen connects through."""
    sync = SyncAfterFirstFrame(counter.path)
    sync.start()
    install(ServerLink(connect_registrar, sync.start_registered))
    yield sync
    install(None)
    sync.stop()


@pytest.fixture
def window(qtbot, counter: Database, client_sync, styled) -> Iterator[MainWindow]:
    yield from main_window(qtbot, counter, idle_lock_ms=600_000, size=(SCREEN_WIDTH, SCREEN_HEIGHT))


def _sync_screen(qtbot, window: MainWindow, username: str, pin: str) -> SyncScreen:
    sign_in(qtbot, window, username, pin)
    qtbot.keyClick(window, Key.Key_F7)
    qtbot.waitUntil(lambda: on(window, "sync"))
    screen = window.screens["sync"]
    qtbot.waitUntil(lambda: bool(screen.empty.text()) or screen.table.rowCount() > 0)
    wait_for_all()
    return screen  # type: ignore[return-value]


def _open_dialog(qtbot, window: MainWindow, screen: SyncScreen) -> ConnectServerDialog:
    qtbot.waitUntil(screen.connect_button.isVisible)
    qtbot.keyClick(QApplication.focusWidget() or screen, Key.Key_C, Alt)  # the mnemonic
    qtbot.waitUntil(lambda: screen.findChild(ConnectServerDialog) is not None)
    dialog = screen.findChild(ConnectServerDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def _keys(qtbot, *steps: str | Key) -> None:
    """Text or keys, each to whatever has the focus: the keyboard alone drives the dialog."""
    for step in steps:
        focused = QApplication.focusWidget()
        if isinstance(step, str):
            qtbot.keyClicks(focused, step)
        else:
            qtbot.keyClick(focused, step)


def _terminals(server: LiveServer) -> list[tuple]:
    return [tuple(r) for r in server.query("SELECT code, status FROM terminals ORDER BY code")]


def test_an_admin_connects_by_keyboard_and_the_sync_sends_an_earlier_payment(
    qtbot, window, counter, sync_server, memory_keyring
):
    payment = pay(counter, "INV-2025-001234", "7.00")  # taken while on its own
    screen = _sync_screen(qtbot, window, "admin", "0000")
    assert "not connected to a server" in screen.empty.text()
    assert fits(window)[:2] <= (SCREEN_WIDTH, SCREEN_HEIGHT)
    dialog = _open_dialog(qtbot, window, screen)
    pending = sync_status(counter.read()).pending_count
    assert pending and f"the {pending} record" in dialog.explanation.text()
    assert "consumers, bills, staff and settings are loaded" in dialog.explanation.text()
    assert dialog.code.text() == "T01"  # this counter's own code

    assert QApplication.focusWidget() is dialog.fields.url
    _keys(qtbot, sync_server.url, Key.Key_Tab, Key.Key_Tab, ADMIN, Key.Key_Tab, ADMIN_PASSWORD)
    _keys(qtbot, Key.Key_Return)  # plain http:// not allowed yet: the wizard's message
    assert "plain http:// address" in dialog.error.text()
    assert _terminals(sync_server) == []
    _keys(qtbot, Key.Key_Tab, Key.Key_Space)  # Allow plain HTTP
    assert dialog.fields.insecure_http.isChecked() and dialog.error.text() == ""
    qtbot.wait(50)  # the dialog grows to the message
    shot(dialog, "connect_server_dialog")
    assert dialog.sizeHint().height() <= SCREEN_HEIGHT and dialog.width() <= SCREEN_WIDTH
    _keys(qtbot, Key.Key_Tab, Key.Key_Return)  # the terminal code as it is; Connect

    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)
    assert _terminals(sync_server) == [("T01", "active")]
    status = sync_status(counter.read())
    assert (status.registered, status.server_url, status.terminal_code) == (
        True,
        sync_server.url,
        "T01",
    )
    assert TokenStore().load(sync_server.url, "T01")  # kept in the (test) keyring
    assert memory_keyring.secrets
    qtbot.waitUntil(
        lambda: (
            sync_server.query(
                "SELECT amount_minor FROM payments WHERE id = :id", id=payment.payment_id
            )
            == [(700,)]
        ),
        timeout=60_000,
    )
    qtbot.waitUntil(lambda: window.status_sync.text().startswith("Online"), timeout=30_000)
    qtbot.waitUntil(lambda: f"Server {sync_server.url} as terminal T01" in screen.detail.text())
    qtbot.waitUntil(lambda: screen.summary.text().startswith("Online · 0 pending"), timeout=30_000)
    assert screen.empty.text() == "Nothing to review: every record reached the server."
    assert not screen.connect_button.isVisible()
    assert screen.notice.text() == f"Connected to {sync_server.url} as terminal T01."
    width, height, shown_width, shown_height = fits(window)
    assert width <= SCREEN_WIDTH and height <= SCREEN_HEIGHT
    assert (shown_width, shown_height) == (SCREEN_WIDTH, SCREEN_HEIGHT)
    shot(window, "sync_after_connect")


def test_a_wrong_password_is_said_in_the_dialog_and_the_counter_stays_on_its_own(
    qtbot, window, counter, sync_server, memory_keyring
):
    screen = _sync_screen(qtbot, window, "admin", "0000")
    dialog = _open_dialog(qtbot, window, screen)
    replace_text(qtbot, dialog.fields.url, sync_server.url)
    replace_text(qtbot, dialog.fields.admin_user, ADMIN)
    replace_text(qtbot, dialog.fields.admin_password, "not the password")
    dialog.fields.insecure_http.setChecked(True)
    _keys(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)

    assert dialog.isVisible()
    assert dialog.error.text() == (
        "The server did not accept this admin user name and password. "
        "Nothing was changed on this counter."
    )
    qtbot.wait(50)
    shot(dialog, "connect_server_refused")
    assert not sync_status(counter.read()).registered
    assert _terminals(sync_server) == []
    assert not list(counter.path.parent.glob("server-*.pem"))
    _keys(qtbot, Key.Key_Escape)  # Esc cancels
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert screen.connect_button.isVisible()
    assert window.status_sync.text().startswith("Not connected to a server")


@pytest.fixture
def https_server(server_db_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:  # noqa: F811
    with https_live_server(server_db_url, tmp_path) as served:
        yield served


def test_a_fingerprint_that_does_not_match_is_refused_then_the_right_one_connects(
    qtbot, window, counter, https_server
):
    server, fingerprint = https_server
    screen = _sync_screen(qtbot, window, "admin", "0000")
    dialog = _open_dialog(qtbot, window, screen)
    replace_text(qtbot, dialog.fields.url, server.url)
    replace_text(qtbot, dialog.fields.fingerprint, "AB" * 32)
    replace_text(qtbot, dialog.fields.admin_user, ADMIN)
    replace_text(qtbot, dialog.fields.admin_password, ADMIN_PASSWORD)
    _keys(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)

    assert dialog.error.text().startswith(
        f"The certificate of {server.url} does not have the fingerprint given"
    ), dialog.error.text()
    assert dialog.error.text().endswith("Nothing was changed on this counter.")
    assert not sync_status(counter.read()).registered
    assert not list(counter.path.parent.glob("server-*.pem"))

    replace_text(qtbot, dialog.fields.fingerprint, fingerprint)
    _keys(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=60_000)
    assert sync_status(counter.read()).server_url == server.url
    assert _terminals(server) == [("T01", "active")]
    assert list(counter.path.parent.glob("server-*.pem"))


def test_a_terminal_code_taken_on_the_server_is_refused_with_the_servers_words(
    qtbot, window, counter, sync_server, sync_counters
):
    sync_counters("T01")  # another counter already is T01 there
    screen = _sync_screen(qtbot, window, "admin", "0000")
    dialog = _open_dialog(qtbot, window, screen)
    replace_text(qtbot, dialog.fields.url, sync_server.url)
    replace_text(qtbot, dialog.fields.admin_user, ADMIN)
    replace_text(qtbot, dialog.fields.admin_password, ADMIN_PASSWORD)
    dialog.fields.insecure_http.setChecked(True)
    _keys(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)

    assert dialog.error.text() == (
        "The server refused the request (409): Terminal code T01 is already registered to "
        "another terminal. Nothing was changed on this counter."
    )
    assert not sync_status(counter.read()).registered


def test_another_terminal_code_is_refused_as_the_command_line_refuses_it(
    qtbot, window, counter, sync_server
):
    screen = _sync_screen(qtbot, window, "admin", "0000")
    dialog = _open_dialog(qtbot, window, screen)
    replace_text(qtbot, dialog.fields.url, sync_server.url)
    replace_text(qtbot, dialog.fields.admin_user, ADMIN)
    replace_text(qtbot, dialog.fields.admin_password, ADMIN_PASSWORD)
    dialog.fields.insecure_http.setChecked(True)
    replace_text(qtbot, dialog.code, "T09")
    _keys(qtbot, Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)

    assert dialog.error.text().startswith(
        "This counter was set up as terminal T01, not T09: register it as T01"
    ), dialog.error.text()
    assert _terminals(sync_server) == []
    assert not sync_status(counter.read()).registered


def test_a_billing_manager_is_not_offered_to_connect(qtbot, window):
    screen = _sync_screen(qtbot, window, "mbrown", "2345")

    assert not screen.connect_button.isVisible()


def test_a_cashier_is_not_offered_to_connect(qtbot, counter, client_sync):
    db_counter = counter_for(counter)
    with db_counter.read() as uow:
        actor = authenticate(uow, "jsmith", "1234")
    context = ClientContext(
        counter=db_counter,
        settings=current_settings(db_counter.read()),
        actor=actor,
        terminal_code="T01",
    )
    screen = SyncScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: bool(screen.summary.text()))

    assert not screen.can_connect() and not screen.connect_button.isVisible()


def test_an_admin_on_a_registered_counter_is_not_offered_to_connect(
    qtbot, window, counter, sync_server
):
    register_terminal(
        counter, server_url=sync_server.url, code="T01", username=ADMIN, password=ADMIN_PASSWORD
    )
    screen = _sync_screen(qtbot, window, "admin", "0000")

    assert f"Server {sync_server.url} as terminal T01" in screen.detail.text()
    assert not screen.connect_button.isVisible()
