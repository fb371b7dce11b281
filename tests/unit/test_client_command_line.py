"""`tilldesk` and `tilldesk client` build only the client's parser (the other commands' modules
take most of a second to import); `--help` and a mistyped command see them all."""

import pytest

from cli.commands.client import PrintingOnFirstUse
from cli.main import ALL_MODULES, build_parser, modules_for


@pytest.mark.parametrize(
    ("argv", "client"),
    [
        ([], True),
        (["client"], True),
        (["client", "--exit-after-startup"], True),
        (["--db", "counter.sqlite"], True),
        (["--db", "client", "init"], False),  # "client" is the file's name here
        (["--db", "init", "client"], True),
        (["client", "--help"], True),
        (["--help"], False),
        (["init", "--admin-pin", "0000"], False),
        (["recovery", "run"], False),
    ],
)
def test_only_the_client_command_lines_skip_the_other_commands(argv, client) -> None:
    assert (modules_for(argv) == ("client",)) is client


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["--db", "x", "--help"], ["--he"], ["bogus"]])
def test_help_and_a_mistyped_command_see_every_command(argv) -> None:
    assert modules_for(argv) == ALL_MODULES


def test_the_client_parser_reads_the_clients_options_and_knows_no_other_command() -> None:
    args = build_parser(modules=("client",)).parse_args(
        ["--db", "x.sqlite", "client", "--exit-after-startup"]
    )
    assert args.exit_after_startup and args.db == "x.sqlite"
    with pytest.raises(SystemExit):
        build_parser(modules=("client",)).parse_args(["init"])


def test_the_full_parser_still_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    listed = capsys.readouterr().out
    for command in ("client", "init", "pay", "receipt", "sync", "recovery", "server"):
        assert f"    {command}" in listed


def test_the_clients_printing_is_the_wiring_module_at_first_use() -> None:
    from cli.wiring import printing

    assert PrintingOnFirstUse().receipt_pdf is printing.receipt_pdf
