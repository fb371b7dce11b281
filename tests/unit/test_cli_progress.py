"""Progress of long commands: plain lines in a log, a bar on a terminal, nothing for --json."""

import io

from cli.progress import progress_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_the_first_and_the_last_count_of_each_stage() -> None:
    log = io.StringIO()
    with progress_for(quiet=False, stream=log) as progress:
        for done in range(0, 1001, 100):
            progress("Loading consumers", done, 1000)
        progress("Writing the database", 0)

    assert log.getvalue().splitlines() == [
        "Loading consumers: 0 of 1,000 (0 %)",
        "Loading consumers: 1,000 of 1,000 (100 %)",
        "Writing the database…",
    ]


def test_json_output_gets_no_progress_at_all() -> None:
    log = io.StringIO()
    with progress_for(quiet=True, stream=log) as progress:
        progress("Loading consumers", 5, 10)

    assert log.getvalue() == ""


def test_a_terminal_gets_a_bar_with_counts() -> None:
    screen = Terminal()
    with progress_for(quiet=False, stream=screen) as progress:
        progress("Loading consumers", 412, 1000)

    assert "Loading consumers" in screen.getvalue()
    assert "412/1000" in screen.getvalue()
