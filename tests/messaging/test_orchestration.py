"""Which channel: the one the consumer reads, one at a time, falling back only after a failure."""

from hypothesis import given
from hypothesis import strategies as st

from app.recovery.orchestration import (
    ChannelHistory,
    Outcome,
    Sending,
    choose_channel,
    read_rates,
    usable_channels,
)

ALL = ["whatsapp", "sms", "email"]


def test_the_consumers_own_reading_beats_their_segments() -> None:
    segment = {"sms": ChannelHistory(sent=1000, read=900), "email": ChannelHistory(1000, 100)}
    assert read_rates(ALL, {}, segment)[0].channel == "sms"  # the segment reads SMS
    one_read = {"email": ChannelHistory(sent=1, read=1), "sms": ChannelHistory(sent=1, read=0)}
    assert read_rates(ALL, one_read, segment)[0].channel == "sms"  # one message proves little
    # This consumer read all ten e-mails and none of ten SMS: their own habit wins.
    own = {"email": ChannelHistory(sent=10, read=10), "sms": ChannelHistory(sent=10, read=0)}
    rates = read_rates(ALL, own, segment)
    assert rates[0].channel == "email" and rates[-1].channel == "sms"


def test_without_any_history_the_fallback_order_decides() -> None:
    assert [r.channel for r in read_rates(["email", "sms", "whatsapp"], {}, {})] == ALL


def test_a_failed_whatsapp_falls_back_to_sms_then_email() -> None:
    rates = read_rates(ALL, {}, {})
    first = choose_channel(ALL, rates)
    assert first.channel == "whatsapp"
    second = choose_channel(ALL, rates, [Sending("whatsapp", Outcome.FAILED)])
    assert second.channel == "sms"
    third = choose_channel(
        ALL, rates, [Sending("whatsapp", Outcome.FAILED), Sending("sms", Outcome.FAILED)]
    )
    assert third.channel == "email"
    tried = [Sending(c, Outcome.FAILED) for c in ALL]
    assert choose_channel(ALL, rates, tried).channel is None


def test_a_reminder_on_its_way_is_never_sent_on_a_second_channel() -> None:
    rates = read_rates(ALL, {}, {})
    for outcome in (Outcome.PENDING, Outcome.DELIVERED):
        choice = choose_channel(ALL, rates, [Sending("sms", outcome)])
        assert choice.channel is None and "already" in choice.reason


def test_a_paid_case_gets_no_reminder() -> None:
    assert choose_channel(ALL, read_rates(ALL, {}, {}), case_open=False).channel is None


def test_opted_out_and_bad_contact_channels_are_not_usable() -> None:
    usable = usable_channels(ALL, ["sms", "email", "whatsapp"], ["sms", "email"], ["email"])
    assert usable == ["sms"]


@given(
    histories=st.dictionaries(
        st.sampled_from(ALL),
        st.tuples(st.integers(0, 50), st.integers(0, 50)).map(
            lambda t: ChannelHistory(sent=max(t), read=min(t))
        ),
    ),
    usable=st.lists(st.sampled_from(ALL), unique=True),
    outcomes=st.lists(st.sampled_from(list(Outcome)), max_size=4),
)
def test_no_reminder_is_ever_on_two_channels_at_once_or_twice_on_one(
    histories, usable, outcomes
) -> None:
    """Play a reminder: each step sends on the chosen channel and gets a random outcome."""
    rates = read_rates(usable, histories, {})
    tried: list[Sending] = []
    for outcome in outcomes:
        choice = choose_channel(usable, rates, tried)
        live = [s for s in tried if s.outcome is not Outcome.FAILED]
        if choice.channel is None:
            continue
        assert live == [], "a second channel while the first is under way"
        assert choice.channel in usable
        assert choice.channel not in {s.channel for s in tried}
        if tried:  # a fallback follows the order after the channel that failed
            order = ALL[ALL.index(tried[-1].channel) + 1 :]
            expected = [c for c in order if c in usable and c not in {s.channel for s in tried}]
            if expected:
                assert choice.channel == expected[0]
        tried.append(Sending(choice.channel, outcome))
    assert sum(1 for s in tried if s.outcome is not Outcome.FAILED) <= 1
