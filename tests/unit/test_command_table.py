"""`tilldesk WORD ...` imports WORD's command module alone: the table that says which module
registers which word must match what the modules register, and a command line must not load
the other commands, their services or the heavy libraries they use."""

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import ALL_MODULES, COMMAND_MODULES, build_parser
from tests.e2e.cli import sample_counter


def command_words(parser: argparse.ArgumentParser) -> list[str]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


@pytest.mark.parametrize("module", ALL_MODULES)
def test_each_module_registers_exactly_the_words_the_table_gives_it(module: str) -> None:
    wanted = [word for word, owner in COMMAND_MODULES.items() if owner == module]
    assert command_words(build_parser(modules=(module,))) == wanted


def test_the_full_parser_lists_the_commands_in_the_tables_order() -> None:
    assert command_words(build_parser()) == list(COMMAND_MODULES)


LOADED_PROBE = """
import sys
from cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as done:  # --help, --version
    code = done.code
heavy = ("fastapi", "numpy", "scipy", "sklearn", "jinja2", "alembic", "requests", "keyring",
         "reportlab", "escpos", "arro3", "PySide6", "sqlalchemy", "babel")
print("commands:" + ",".join(sorted(m for m in sys.modules if m.startswith("cli.commands."))))
print("heavy:" + ",".join(m for m in heavy if m in sys.modules))
print("code:", code)
"""


def loaded(*argv: str) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED_PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)


def test_version_loads_neither_the_other_commands_nor_the_database() -> None:
    seen = loaded("--version")
    assert seen["commands"] == "cli.commands.client"  # argparse's list of commands
    assert seen["heavy"] == ""


def test_a_consumer_search_loads_its_command_and_the_database_alone(tmp_path: Path) -> None:
    db = sample_counter(tmp_path / "counter.sqlite")
    seen = loaded("consumers", "search", "doe", "--db", str(db))
    assert seen["code"].strip() == "0"
    assert seen["commands"] == "cli.commands.consumers"
    assert seen["heavy"] == "sqlalchemy,babel"  # the database and money formatting only


def test_a_recovery_verb_loads_neither_the_counter_commands_nor_the_models_or_web_server() -> None:
    seen = loaded("recovery", "cases", "--help")
    assert "cli.commands.recovery" in seen["commands"].split(",")
    assert "cli.commands.payments" not in seen["commands"]
    assert not {"fastapi", "numpy", "scipy", "sklearn", "requests"} & set(seen["heavy"].split(","))


def test_any_service_wires_the_follow_ups_without_loading_what_they_run() -> None:
    """The receipt a payment queues is wired with the services package, but the print queue
    (documents, printers, every table) loads only when a follow-up first runs."""
    probe = (
        "import sys; import app.services.recovery_database; from app.db import follow_up; "
        "from app.domain.events import PaymentRecorded; "
        "print(bool(follow_up._HANDLERS.get(PaymentRecorded)), "
        "'app.services.print_queue' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["True", "False", "False"]
