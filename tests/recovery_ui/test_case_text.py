"""The Case screen speaks plainly: a planned retry reads "Retry planned for Tue 8 Dec 10:00"
(the branch's zone), a decline category reads "Insufficient funds", never the engine's codes;
the note dialog's OK says what it does to a screen reader."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from app.db.recovery_tables import recovery_decisions
from app.domain.money import format_money
from app.services.recovery_database import shared_recovery_database
from app.services.recovery_intake import Failure, intake, save_consumers
from app.services.recovery_portfolio import CaseRow, Consumer
from ui.recovery.case_action_dialogs import NoteDialog
from ui.recovery.case_screen import CaseScreen, TimelineColumn
from ui.recovery.case_text import amounts_as_money, timeline_text

RETRY_AT = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # 10:00 in New York, the branch's zone


def _short_of_funds_case(url: str) -> str:
    engine = shared_recovery_database(url)
    now = datetime.now(UTC)
    save_consumers(engine, [Consumer("WU-10001", "john@example.com", "", "US", "NY", "", "en",
                                     False)])  # fmt: skip
    row = CaseRow(
        case_id="K-5001", consumer_id="WU-10001", amount_minor=14_550, currency="USD",
        method="card", gateway="nmi", network="visa", card_type="debit",
        failed_at=now - timedelta(hours=30), code="202", advice_code="", product="bill",
        due_date=None,
    )  # fmt: skip
    intake(engine, "test", [Failure(row, "vault-K-5001")])
    with engine.begin() as connection:
        connection.execute(recovery_decisions.insert().values(
            case_id="K-5001", decided_at=now - timedelta(hours=2), policy="smart",
            kind="retry_at", act_at=RETRY_AT, amount_minor=14_550,
            reason="after the consumer's payday", score=0.62))  # fmt: skip
    return "K-5001"


def _shown(screen: CaseScreen) -> list[str]:
    model = screen.model
    return [
        model.data(model.index(r, TimelineColumn.TEXT), Qt.ItemDataRole.DisplayRole)
        for r in range(model.rowCount())
    ]


def test_the_case_screen_shows_planned_retries_and_categories_in_words(
    qtbot, empty_recovery, executive
):
    case_id = _short_of_funds_case(empty_recovery)
    screen = CaseScreen(executive)
    qtbot.addWidget(screen)
    screen.show()
    screen.show_case(case_id)
    qtbot.waitUntil(lambda: screen.note_button.isEnabled(), timeout=20_000)

    shown = _shown(screen)
    # The branch's clock (en_US: 12-hour), as on the timeline's other times.
    planned = "Retry planned for Tue 8 Dec 10:00\u202fAM"
    assert any(line.startswith(planned) for line in shown), shown
    assert "Insufficient funds" in screen.facts.text()
    everything = " ".join([screen.facts.text(), *shown])
    assert "retry_at" not in everything and "insufficient_funds" not in everything


def test_the_note_dialogs_ok_button_says_what_it_does(qtbot) -> None:
    dialog = NoteDialog("K-5001")
    qtbot.addWidget(dialog)
    assert dialog.ok.accessibleName() == "Add the note to the case"
    assert dialog.buttons.button(dialog.buttons.StandardButton.Cancel).accessibleName()


def test_timeline_lines_lose_their_codes() -> None:
    def when(at: datetime) -> str:
        return f"{at:%a %d %b %H:%M}"

    assert timeline_text("event", "counter_payment paid 50.00 USD", when) == (
        "Counter payment: paid 50.00 USD"
    )
    assert timeline_text(
        "attempt", "charge 145.50 USD: declined, code 202 (insufficient_funds)", when
    ) == ("charge 145.50 USD: declined, code 202 (Insufficient funds)")
    assert timeline_text("decision", "wait at 2026-12-08 15:00Z (smart): no channel", when) == (
        "Waiting until Tue 08 Dec 15:00 (smart): no channel"
    )
    assert timeline_text("note", "note by rpatel: retry_at tomorrow", when) == (
        "note by rpatel: retry_at tomorrow"  # what a person typed is left as typed
    )


def test_the_server_copys_intake_line_says_the_category_once_and_no_empty_source() -> None:
    # The published copy has the category where the decline code was, and "-" for no source.
    line = "1300.00 USD failed at stripe, code insufficient_funds (insufficient_funds), from -"
    assert timeline_text("intake", line, str) == (
        "1300.00 USD failed at stripe, code Insufficient funds"
    )
    assert timeline_text("intake", "9.00 USD failed at nmi, code 202 (hard), from test", str) == (
        "9.00 USD failed at nmi, code 202 (Hard decline), from test"
    )


def test_the_engines_amounts_read_as_money_and_other_codes_stay() -> None:
    def money(minor: int, currency: str) -> str:
        return format_money(minor, currency, "en_US")

    assert amounts_as_money("1300.00 USD failed at stripe", money) == "$1,300.00 failed at stripe"
    assert amounts_as_money("paid 500 JPY", money) == "paid ¥500"
    assert amounts_as_money("sent 2 SMS, code 202 ABC", money) == "sent 2 SMS, code 202 ABC"


def test_a_last_action_reads_as_its_kind_without_a_dangling_until() -> None:
    """'wait: ...' read 'Waiting until: ...' (the time is not in that line)."""
    untimed = timeline_text("decision", "wait: expired card: ask for a new card", str)

    assert untimed == "Waiting: expired card: ask for a new card"


def test_a_category_already_said_in_words_is_not_said_twice() -> None:
    """The rich demo's 'hard decline' read 'Hard decline decline'; the code alone still
    becomes the name."""
    said = timeline_text("decision", "wait: demo: hard decline: ask for a new payment method", str)

    assert said == "Waiting: demo: hard decline: ask for a new payment method"
    assert timeline_text("event", "declined 05 (hard)", str) == "declined 05 (Hard decline)"


def test_a_message_reads_as_what_was_sent_how_and_whether_it_went() -> None:
    sent = timeline_text("message", "payment_failed on whatsapp with a payment link: accepted", str)
    bounced = timeline_text("message", "reminder_vip on email: refused: bounced (550)", str)

    assert sent == "Payment failed notice by WhatsApp with a payment link: sent"
    assert bounced == "Reminder (VIP) by e-mail: not sent: bounced (550)"
