"""The world's referee counts each breach of the recovery rules, each on a hand-made portfolio."""

from datetime import UTC, datetime, timedelta

from tests.recovery.world_fixtures import TinyCase, tiny_world

T0 = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def hours(n: float) -> str:
    return iso(T0 + timedelta(hours=n))


def declining(case_id: str, **fields) -> TinyCase:
    """A case whose card always declines (expired, no updater), so retries keep coming."""
    fields.setdefault("code", "223")
    return TinyCase(case_id, failed_at=iso(T0), instrument="expired", **fields)


# -- cards -------------------------------------------------------------------------------


def test_a_retry_after_a_stop_code_is_a_breach_until_a_new_card_is_on_file(tmp_path):
    lost = TinyCase(
        "LOST", failed_at=iso(T0), code="251", instrument="expired", traits={"updater_days": 3}
    )
    with tiny_world(tmp_path, [lost]) as world:
        world.attempt("LOST", hours(24), 5_000)
        assert world.breaches() == {"retry_after_stop_code": 1}
        assert world.events(hours(73))[1][0]["type"] == "payment_method_updated"
        after = world.attempt("LOST", hours(73), 5_000)
        assert world.breaches() == {"retry_after_stop_code": 1}

    assert after[1]["approved"] is True


def test_mastercard_advice_03_and_21_stop_retries_on_any_gateway(tmp_path):
    cases = [
        declining(
            "MAC03", gateway="stripe", card_network="mastercard", code="do_not_honor", advice="03"
        ),
        declining("MAC21", gateway="nmi", card_network="mastercard", code="201", advice="21"),
        declining("STRIPE", gateway="stripe", code="previously_declined_do_not_retry"),
        declining("RZP", country="IN", gateway="razorpay", card_network="rupay", code="R1"),
        declining("SOFT", gateway="nmi", code="201"),
    ]
    with tiny_world(tmp_path, cases) as world:
        for case in cases:
            world.attempt(case.case_id, hours(48), 5_000)
        details = world.stats()["breach_details"]

    assert sorted(d["case_id"] for d in details) == ["MAC03", "MAC21", "RZP", "STRIPE"]
    assert {d["rule"] for d in details} == {"retry_after_stop_code"}


def test_visa_allows_15_attempts_per_card_in_30_days_the_failed_one_included(tmp_path):
    with tiny_world(tmp_path, [declining("VISA")]) as world:
        for n in range(1, 15):  # with the failure: 15 attempts
            world.attempt("VISA", hours(30 * n), 5_000)
        assert world.breaches() == {}
        world.attempt("VISA", hours(30 * 15), 5_000)
        assert world.breaches() == {"visa_30d": 1}
        # 30 days after the first retry, the failure and that retry have left the window.
        world.attempt("VISA", hours(24 * 30 + 31), 5_000)
        assert world.breaches() == {"visa_30d": 1}


def test_mastercard_allows_10_attempts_in_24_hours(tmp_path):
    card = declining("MC24", card_network="mastercard")
    with tiny_world(tmp_path, [card]) as world:
        for n in range(1, 10):
            world.attempt("MC24", hours(2 * n), 5_000)
        assert world.breaches() == {}
        world.attempt("MC24", hours(20), 5_000)
        assert world.breaches() == {"mastercard_24h": 1}


def test_mastercard_allows_35_attempts_in_30_days(tmp_path):
    card = declining("MC30", card_network="mastercard")
    with tiny_world(tmp_path, [card]) as world:
        for n in range(1, 35):
            world.attempt("MC30", hours(18 * n), 5_000)
        assert world.breaches() == {}
        world.attempt("MC30", hours(18 * 35), 5_000)
        assert world.breaches() == {"mastercard_30d": 1}


def test_mastercard_advice_02_waits_72_hours_and_24_to_30_wait_as_they_say(tmp_path):
    cases = [
        declining("EARLY02", card_network="mastercard", code="202", advice="02"),
        declining("LATE02", card_network="mastercard", code="202", advice="02"),
        declining("EARLY27", card_network="mastercard", code="202", advice="27"),
        declining("LATE27", card_network="mastercard", code="202", advice="27"),
    ]
    with tiny_world(tmp_path, cases) as world:
        world.attempt("EARLY02", hours(71), 5_000)
        world.attempt("LATE02", hours(72), 5_000)
        world.attempt("EARLY27", hours(95), 5_000)  # 27: after 4 days
        world.attempt("LATE27", hours(96), 5_000)
        details = world.stats()["breach_details"]

    assert [(d["case_id"], d["rule"]) for d in details] == [
        ("EARLY02", "mastercard_mac02_72h"),
        ("EARLY27", "mastercard_retry_after"),
    ]


# -- e-NACH and UPI AutoPay --------------------------------------------------------------


def test_enach_allows_3_presentations_per_case_per_calendar_month(tmp_path):
    nach = declining("NACH", country="IN", method="enach", gateway="razorpay", code="21")
    with tiny_world(tmp_path, [nach]) as world:
        world.attempt("NACH", hours(24), 5_000)
        world.attempt("NACH", hours(48), 5_000)
        assert world.breaches() == {}
        world.attempt("NACH", hours(72), 5_000)  # the 4th in January
        assert world.breaches() == {"enach_month": 1}
        # 1 February in India begins at 18:30 UTC on 31 January.
        world.attempt("NACH", "2027-01-31T18:29:00Z", 5_000)
        world.attempt("NACH", "2027-01-31T18:31:00Z", 5_000)
        assert world.breaches() == {"enach_month": 2}


def test_upi_autopay_needs_a_pre_debit_message_after_the_last_attempt_and_24_hours_ahead(tmp_path):
    upi = declining("UPI", country="IN", method="upi_autopay", gateway="razorpay", code="B1")
    with tiny_world(tmp_path, [upi]) as world:
        world.attempt("UPI", "2027-01-05T21:00:00Z", 5_000)  # no notice at all
        assert world.breaches() == {"upi_pre_debit": 1}
        notice = world.message("UPI", "2027-01-06T05:00:00Z", "sms")  # 10:30 IST
        assert notice[1]["accepted"] is True
        world.attempt("UPI", "2027-01-07T04:00:00Z", 5_000)  # only 23 h after the notice
        assert world.breaches() == {"upi_pre_debit": 2}
        notice = world.message("UPI", "2027-01-07T05:00:00Z", "email")
        assert notice[1]["accepted"] is True
        world.attempt("UPI", "2027-01-08T05:00:00Z", 5_000)  # 24 h after a fresh notice
        assert world.breaches() == {"upi_pre_debit": 2}


# -- messages ----------------------------------------------------------------------------


def test_messages_keep_to_8_to_21_in_the_consumers_own_zone(tmp_path):
    cases = [
        TinyCase("NY", failed_at=iso(T0)),
        TinyCase("ADL", country="AU", failed_at=iso(T0)),  # Adelaide: UTC+10:30 in January
        TinyCase("DERIVED", country="IN", timezone="", failed_at=iso(T0)),  # from +91
    ]
    with tiny_world(tmp_path, cases) as world:
        world.message("ADL", "2027-01-04T21:29:00Z", "sms")  # 07:59 Tue Adelaide: breach
        world.message("NY", "2027-01-05T01:59:00Z", "sms")  # 20:59 Mon New York: fine
        world.message("DERIVED", "2027-01-05T15:31:00Z", "sms")  # 21:01 Tue India: breach
        world.message("ADL", "2027-01-06T10:29:00Z", "sms")  # 20:59 Wed Adelaide: fine
        details = world.stats()["breach_details"]

    assert [(d["case_id"], d["rule"]) for d in details] == [
        ("ADL", "message_quiet_hours"),
        ("DERIVED", "message_quiet_hours"),
    ]


def test_no_messages_on_sundays_or_the_public_holidays_of_the_consumers_state(tmp_path):
    cases = [
        TinyCase("TX", subdivision="TX", timezone="America/Chicago", failed_at=iso(T0)),
        TinyCase("NY", failed_at=iso(T0)),
        TinyCase("MH", country="IN", failed_at=iso(T0)),
        TinyCase("SUN", failed_at=iso(T0)),
    ]
    with tiny_world(tmp_path, cases) as world:
        world.message("SUN", "2027-01-10T15:00:00Z", "sms")  # Sunday
        world.message("TX", "2027-01-19T16:00:00Z", "sms")  # Confederate Memorial Day (TX)
        world.message("NY", "2027-01-19T16:00:00Z", "sms")  # an ordinary Tuesday in NY
        world.message("MH", "2027-02-19T06:00:00Z", "sms")  # Shivaji Jayanti (Maharashtra)
        details = world.stats()["breach_details"]

    assert [(d["case_id"], d["rule"]) for d in details] == [
        ("SUN", "message_sunday"),
        ("TX", "message_holiday"),
        ("MH", "message_holiday"),
    ]


def test_one_message_per_local_day_and_three_per_seven_days_across_channels(tmp_path):
    quiet = {"opt_out_mult": 0.0}
    with tiny_world(tmp_path, [TinyCase("CAP", failed_at=iso(T0), traits=quiet)]) as world:
        world.message("CAP", "2027-01-05T14:00:00Z", "sms")  # Tue
        world.message("CAP", "2027-01-05T20:00:00Z", "email")  # Tue again
        assert world.breaches() == {"message_daily_cap": 1}
        world.message("CAP", "2027-01-07T14:00:00Z", "email")  # Thu: 3 in 7 days
        world.message("CAP", "2027-01-08T14:00:00Z", "whatsapp")  # Fri: a 4th
        assert world.breaches() == {"message_daily_cap": 1, "message_weekly_cap": 1}


def test_no_message_on_a_channel_after_opting_out_of_it(tmp_path):
    leaver = {"opt_out_mult": 1000.0}
    with tiny_world(tmp_path, [TinyCase("OPT", failed_at=iso(T0), traits=leaver)]) as world:
        world.message("OPT", "2027-01-05T14:00:00Z", "sms")
        events = world.events("2027-01-06T14:00:00Z")[1]
        refused = world.message("OPT", "2027-01-06T14:00:00Z", "sms")
        other_channel = world.message("OPT", "2027-01-07T14:00:00Z", "email")
        assert world.breaches() == {"message_after_opt_out": 1}

    assert [e["type"] for e in events] == ["delivered", "opted_out"]
    assert refused[1] == {"accepted": False, "error": "the consumer opted out of sms"}
    assert other_channel[1]["accepted"] is True


def test_no_message_after_the_case_is_paid(tmp_path):
    with tiny_world(tmp_path, [TinyCase("DONE", failed_at=iso(T0))]) as world:
        assert world.attempt("DONE", hours(24), 5_000)[1]["approved"] is True
        world.message("DONE", hours(25), "sms")
        assert world.breaches() == {"message_after_paid": 1}


def test_urgent_only_for_high_value_cases_and_once_per_case(tmp_path):
    cases = [
        TinyCase("LOW1", amount_minor=1_000, failed_at=iso(T0)),
        TinyCase("LOW2", amount_minor=1_000, failed_at=iso(T0)),
        TinyCase("HIGH", amount_minor=10_000, failed_at=iso(T0)),  # 10x the median
    ]
    with tiny_world(tmp_path, cases) as world:
        world.message("HIGH", "2027-01-05T03:00:00Z", "sms", urgent=True)  # 22:00 NY: allowed
        world.message("LOW1", "2027-01-05T03:00:00Z", "sms", urgent=True)
        world.message("HIGH", "2027-01-07T03:00:00Z", "sms", urgent=True)
        details = world.stats()["breach_details"]

    assert [(d["case_id"], d["rule"]) for d in details] == [
        ("LOW1", "urgent_not_high_value"),
        ("LOW1", "message_quiet_hours"),
        ("HIGH", "urgent_more_than_once"),
        ("HIGH", "message_quiet_hours"),
    ]
