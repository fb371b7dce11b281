"""The sign-in screen's first frame does not wait for the counter's database: it opens right
after, a sign-in typed meanwhile completes once it is open, and the first-run wizard and the
migration (with its backup) still happen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import ui.app
from app.db.engine import make_engine
from app.db.migrate import alembic_config
from app.db.schema_revision import HEAD_REVISION
from tests.support.first_frame import loaded_at_first_frame
from ui.app import CounterAfterFirstFrame, open_context, start_client, window_before_counter
from ui.main_window import MainWindow
from ui.ops import wait_for_all

OLDER_REVISION = "0018"


@pytest.fixture
def counter_file(sample_counter: Path, tmp_path: Path) -> Path:
    """The sample counter (jsmith / 1234), on its own file, closed."""
    path = tmp_path / "counter.sqlite"
    shutil.copyfile(sample_counter, path)
    return path


@pytest.fixture
def opens(monkeypatch) -> list[bool]:
    """ui.app's open_counter, spied: for each call, whether the window was already shown."""
    seen: list[bool] = []
    real = ui.app.open_counter

    def spy(path: Path):
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.append(any(w.isVisible() for w in shown))
        return real(path)

    monkeypatch.setattr(ui.app, "open_counter", spy)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # start_client installs its own
    return seen


@pytest.fixture
def started(qtbot) -> Iterator[list[CounterAfterFirstFrame]]:
    """Clients started by a test: closed, with their counters, afterwards."""
    openers: list[CounterAfterFirstFrame] = []
    yield openers
    wait_for_all()
    for opener in openers:
        opener.finish()  # an opening still under way ends (and a counter never attached closes)
        opener.window.close()
        if opener.window.context.counter is not None:
            opener.window.context.counter.close()


def start(qtbot, started, path: Path) -> MainWindow:
    opener = start_client(path)
    started.append(opener)
    qtbot.addWidget(opener.window)
    return opener.window


def test_the_sign_in_window_is_shown_before_the_database_is_opened(
    qtbot, counter_file, opens, started
) -> None:
    window = start(qtbot, started, counter_file)

    assert opens == []  # nothing opened while the window was built
    assert window.stack.currentWidget() is window.sign_in
    qtbot.waitUntil(lambda: window.context.counter is not None)
    assert opens == [True]  # opened once, the window already on screen
    assert window.sign_in.subtitle.text() == "Terminal T01"
    assert window.windowTitle() == "Tilldesk — Terminal T01"
    assert window.sign_in.username.hasFocus()


def test_a_sign_in_typed_before_the_database_is_open_completes_once_it_is(
    qtbot, counter_file, started
) -> None:
    window = window_before_counter()
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.sign_in.username, "jsmith")
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.sign_in.secret, "1234")
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)

    assert window.sign_in.waiting_for_counter
    assert window.sign_in.subtitle.text() == "Opening the counter..."
    assert window.sign_in.error.text() == ""  # a wait, never an error
    assert not window.sign_in.button.isEnabled()
    assert window.sign_in.cursor().shape() == Qt.CursorShape.BusyCursor

    context = open_context(counter_file)
    try:
        window.attach_counter(context)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.screens.get("landing"))
        assert window.context.username == "jsmith"
        assert window.sign_in.cursor().shape() != Qt.CursorShape.BusyCursor
    finally:
        wait_for_all()
        window.close()
        context.counter.close()


def test_a_wrong_pin_typed_before_the_database_is_open_is_refused_once_it_is(
    qtbot, counter_file
) -> None:
    window = window_before_counter()
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.sign_in.username, "jsmith")
    qtbot.keyClicks(window.sign_in.secret, "9999")
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)

    context = open_context(counter_file)
    try:
        window.attach_counter(context)
        qtbot.waitUntil(lambda: window.sign_in.error.text() != "")
        assert window.sign_in.error.text() == "Wrong user name or PIN."
        assert window.sign_in.button.isEnabled()
        assert window.stack.currentWidget() is window.sign_in
    finally:
        wait_for_all()
        window.close()
        context.counter.close()


def test_a_missing_database_still_opens_the_first_run_wizard(
    qtbot, tmp_path, opens, monkeypatch
) -> None:
    from ui.first_run import FirstRunWizard

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # the client's log
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    asked: list[Path] = []

    def cancelled(wizard: FirstRunWizard) -> int:
        asked.append(wizard.db_path)
        return FirstRunWizard.DialogCode.Rejected

    monkeypatch.setattr(FirstRunWizard, "exec", cancelled)
    missing = tmp_path / "nowhere" / "counter.sqlite"

    assert ui.app.run_client(missing) == 1

    assert asked == [missing]
    assert opens == []  # cancelled: no counter opened, no file made
    assert not missing.exists()


def test_a_schema_behind_head_is_backed_up_and_migrated_after_the_first_frame(
    qtbot, counter_file, opens, started
) -> None:
    engine = make_engine(counter_file)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, OLDER_REVISION)
    finally:
        engine.dispose()

    window = start(qtbot, started, counter_file)
    qtbot.waitUntil(lambda: window.context.counter is not None, timeout=20_000)

    assert opens == [True]  # the window was shown first
    backups = list(counter_file.parent.glob(f"counter.before-{OLDER_REVISION}.*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(counter_file) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == HEAD_REVISION
    qtbot.keyClicks(window.sign_in.username, "jsmith")
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.sign_in.secret, "1234")
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.screens.get("landing"))


def test_the_first_frame_of_tilldesk_client_comes_before_sqlalchemy_loads(
    counter_file: Path, tmp_path: Path
) -> None:
    loaded, milliseconds = loaded_at_first_frame(
        counter_file, ("sqlalchemy", "app.services"), tmp_path
    )

    assert loaded == "loaded:"
    assert milliseconds > 0


def test_the_first_run_check_names_the_table_the_models_use(
    counter_file: Path, tmp_path: Path
) -> None:
    from app.db.tables import LocalState
    from ui.counter_file import LOCAL_STATE_TABLE

    assert LocalState.__tablename__ == LOCAL_STATE_TABLE  # the check loads no table model
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()  # created, never set up
    assert ui.app.needs_first_run(tmp_path / "missing.sqlite")
    assert ui.app.needs_first_run(empty)
    assert not ui.app.needs_first_run(counter_file)


def test_a_counter_that_cannot_be_opened_ends_the_client_with_its_message(
    qtbot, counter_file, tmp_path, monkeypatch
) -> None:
    from app.domain.errors import UserFacingError

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # the client's log
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def refused(path: Path):
        raise UserFacingError(f"{path.name} is not a Tilldesk counter.")

    monkeypatch.setattr(ui.app, "open_counter", refused)

    try:
        with pytest.raises(UserFacingError, match=r"counter\.sqlite is not a Tilldesk counter"):
            ui.app.run_client(counter_file)
    finally:
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow):
                window.close()
                window.deleteLater()


def test_the_window_answers_while_the_counter_opens(qtbot, counter_file, monkeypatch, started):
    """The counter opens on a thread: what the cashier types shows at once, not after the
    file is open (it used to open on the GUI thread, the window frozen for about 0.4 s)."""
    may_open = threading.Event()
    real = ui.app.open_counter

    def slow(path: Path):
        may_open.wait(5)
        return real(path)

    monkeypatch.setattr(ui.app, "open_counter", slow)
    window = start(qtbot, started, counter_file)
    qtbot.waitUntil(lambda: started[0].thread is not None)  # opening, after the first frame

    qtbot.keyClicks(window.sign_in.username, "jsmith")
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.sign_in.secret, "1234")
    qtbot.keyClick(window.sign_in.secret, Qt.Key.Key_Return)

    assert window.context.counter is None  # still opening
    assert window.sign_in.username.text() == "jsmith"
    assert window.sign_in.subtitle.text() == "Opening the counter..."
    may_open.set()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.screens.get("landing"))
    assert window.context.username == "jsmith"


def test_a_counter_opened_after_the_client_ended_is_closed(counter_file, monkeypatch, started):
    from app.services.runtime import Counter

    closed: list[str] = []
    close = Counter.close

    def recorded(counter: Counter) -> None:
        closed.append(counter.database.path.name)
        close(counter)

    monkeypatch.setattr(Counter, "close", recorded)
    opener = CounterAfterFirstFrame(window_before_counter(), counter_file)
    opener.open()  # as on the first frame; the event loop never runs again: the client ended
    opener.finish()
    opener.window.deleteLater()

    assert closed == ["counter.sqlite"]
    assert opener.window.context.counter is None  # it never reached the window
