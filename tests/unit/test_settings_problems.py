"""Which field a settings change is wrong in: the screen puts each message beside its field."""

from app.domain.settings import Settings
from app.services.settings import settings_problems


def test_each_wrong_change_is_reported_under_its_own_key() -> None:
    problems = settings_problems(
        Settings(),
        {
            "credit_note_expiry_days": 0,
            "currency": "XYZ",
            "receipt_footer": "Thanks!",  # fine: not reported
        },
    )
    assert problems == {
        "credit_note_expiry_days": "Credit-note expiry must be between 1 and 3650 days.",
        "currency": "Unknown currency 'XYZ': use an ISO code like USD.",
    }


def test_a_format_without_the_terminal_is_a_number_formats_problem_when_standalone() -> None:
    formats = {**Settings().number_formats, "receipt": "R-{SEQ:4}"}
    problems = settings_problems(Settings(), {"number_formats": formats})
    assert list(problems) == ["number_formats"]
    assert "needs the {TERM} token" in problems["number_formats"]


def test_changes_wrong_only_together_are_reported_for_the_whole_form() -> None:
    """Each is fine alone; together the default channel is no longer in the list."""
    changes = {"channels": ["Walk-in", "Mail"], "default_channel": "Phone"}
    assert settings_problems(Settings(), changes) == {
        "": "The default channel 'Phone' is not in the list."
    }


def test_removing_the_default_channel_is_the_channel_lists_problem() -> None:
    problems = settings_problems(Settings(), {"channels": ["Phone", "Mail"]})
    assert problems == {"channels": "The default channel 'Walk-in' is not in the list."}


def test_nothing_changed_is_no_problem() -> None:
    assert settings_problems(Settings(), {}) == {}
