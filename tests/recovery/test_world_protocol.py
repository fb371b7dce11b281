"""The simulated world speaks the `recovery simulate` protocol over real HTTP on loopback."""

import subprocess
import sys

import requests

from tests.recovery.world_fixtures import TinyCase, tiny_world


def test_an_approved_charge_answers_each_gateways_own_approval_code(tmp_path):
    cases = [
        TinyCase("NMI", gateway="nmi"),
        TinyCase("STRIPE", gateway="stripe", code="insufficient_funds"),
        TinyCase("NACH", country="IN", method="enach", gateway="razorpay", code="04"),
        TinyCase("RZP", country="IN", gateway="razorpay", card_network="rupay", code="51"),
    ]
    with tiny_world(tmp_path, cases, seed=3) as world:
        answers = {
            c.case_id: world.attempt(c.case_id, "2027-01-05T10:00:00Z", 5_000) for c in cases
        }

    assert answers["NMI"] == (200, {"approved": True, "code": "100", "merchant_advice_code": None})
    assert answers["STRIPE"] == (200, {"approved": True, "code": "", "merchant_advice_code": None})
    assert answers["NACH"][1]["code"] == "00"
    assert answers["RZP"][1]["code"] == "00"


def test_a_paid_case_is_never_charged_again_and_the_world_counts_the_try(tmp_path):
    with tiny_world(tmp_path, [TinyCase("PAID")]) as world:
        first = world.attempt("PAID", "2027-01-05T15:00:00Z", 5_000)
        again = world.attempt("PAID", "2027-01-06T15:00:00Z", 100)
        stats = world.stats()

    assert first[1]["approved"] is True
    assert again[0] == 400
    assert stats["breaches"]["charge_after_paid"] == 1
    assert stats["recovered_minor"] == {"USD": 5_000}
    assert stats["attempts"] == 1


def test_a_partial_charge_leaves_the_rest_owed_and_more_than_owed_is_refused(tmp_path):
    with tiny_world(tmp_path, [TinyCase("PART", amount_minor=10_000)]) as world:
        part = world.attempt("PART", "2027-01-05T15:00:00Z", 4_000)
        too_much = world.attempt("PART", "2027-01-05T16:00:00Z", 6_001)
        rest = world.attempt("PART", "2027-01-05T17:00:00Z", 6_000)
        stats = world.stats()

    assert part[1]["approved"] is True
    assert too_much[0] == 400
    assert "6000" in too_much[1]["error"]
    assert rest[1]["approved"] is True
    assert stats["recovered_minor"] == {"USD": 10_000}
    assert stats["breaches"]["charge_more_than_owed"] == 1


def test_the_clock_never_goes_back_across_every_kind_of_request(tmp_path):
    with tiny_world(tmp_path, [TinyCase("CLOCK", instrument="expired", code="223")]) as world:
        assert world.attempt("CLOCK", "2027-01-06T10:00:00Z", 5_000)[0] == 200
        assert world.events("2027-01-06T09:59:59Z")[0] == 400
        assert world.message("CLOCK", "2027-01-05T10:00:00Z")[0] == 400
        assert world.attempt("CLOCK", "2027-01-06T09:00:00Z", 5_000)[0] == 400
        assert world.attempt("CLOCK", "2027-01-06T10:00:00Z", 5_000)[0] == 200  # same instant
        stats = world.stats()

    assert stats["breaches"]["clock_backwards"] == 3
    assert stats["attempts"] == 2


def test_events_come_once_each_and_never_from_the_future(tmp_path):
    # A reader who always reads and pays through the link at once.
    eager = {"read_mult": 5.0, "link_propensity": 1.0, "opt_out_mult": 0.0}
    with tiny_world(tmp_path, [TinyCase("EVT", traits=eager)], seed=5) as world:
        world.message("EVT", "2027-01-05T15:00:00Z", "sms", link=True)
        at_send = world.events("2027-01-05T15:00:00Z")[1]
        later = world.events("2027-01-07T15:00:00Z")[1]
        again = world.events("2027-01-07T15:00:00Z")[1]
        charge = world.attempt("EVT", "2027-01-07T15:00:00Z", 5_000)

    assert at_send == []
    assert [e["type"] for e in later] == ["delivered", "read", "paid"]
    assert all(e["at"] <= "2027-01-07T15:00:00Z" and e["channel"] == "sms" for e in later)
    assert [e["at"] for e in later] == sorted(e["at"] for e in later)
    assert later[-1]["amount_minor"] == 5_000
    assert again == []
    assert charge[0] == 400  # paid through the link: nothing left to charge


def test_a_card_updater_puts_a_new_card_on_file_with_no_channel(tmp_path):
    case = TinyCase("UPD", code="223", instrument="expired", traits={"updater_days": 2.0})
    with tiny_world(tmp_path, [case]) as world:
        before = world.attempt("UPD", "2027-01-05T15:00:00Z", 5_000)
        events = world.events("2027-01-06T16:00:00Z")[1]
        after = world.attempt("UPD", "2027-01-06T16:00:00Z", 5_000)

    assert before[1]["approved"] is False
    assert before[1]["code"] in ("223", "263")
    assert events == [
        {
            "case_id": "UPD",
            "at": "2027-01-06T15:00:00Z",
            "type": "payment_method_updated",
            "channel": None,
            "amount_minor": None,
        }
    ]
    assert after[1]["approved"] is True


def test_bad_requests_are_refused_with_a_reason(tmp_path):
    with tiny_world(tmp_path, [TinyCase("BAD")]) as world:
        unknown = world.attempt("NOPE", "2027-01-05T10:00:00Z", 100)
        negative = world.attempt("BAD", "2027-01-05T10:00:00Z", -5)
        channel = world.message("BAD", "2027-01-05T10:00:00Z", "pigeon")
        no_time = requests.post(f"{world.url}/attempt", json={"case_id": "BAD"}, timeout=5)

    assert unknown[0] == 404
    assert negative[0] == 400
    assert channel[0] == 400 and "channel" in channel[1]["error"]
    assert no_time.status_code == 400


def test_the_same_seed_gives_the_same_answers(tmp_path):
    cases = [TinyCase(f"R{n}", code="202", traits={"base_approval": 0.5}) for n in range(6)]
    times = [f"2027-01-{day:02d}T{hour:02d}:00:00Z" for day in (5, 6, 7) for hour in (3, 15)]

    def run(seed: int, folder: str) -> list:
        with tiny_world(tmp_path / folder, cases, seed=seed) as world:
            return [world.attempt(c.case_id, t, 1)[1] for t in times for c in cases]

    assert run(11, "a") == run(11, "b")
    assert run(11, "c") != run(12, "d")


def test_the_command_line_prints_the_url_it_listens_on(tmp_path):
    from tests.recovery.world_fixtures import write_tiny_portfolio

    directory = write_tiny_portfolio(tmp_path / "p", [TinyCase("CLI")])
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.simulation.world", "--portfolio", str(directory),
         "--port", "0", "--seed", "4"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        stats = requests.get(f"{url}/stats", timeout=5).json()
        assert stats["cases"] == 1 and stats["attempts"] == 0
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_charge_fails_for_want_of_funds_before_payday_and_goes_through_after_it(tmp_path):
    paid_on_the_15th = {
        "pay": {"kind": "monthly", "day": 15, "anchor": "", "salt": 0},
        "buffer": 0.0,
        "income_ratio": 2.0,
        "cover": 0.5,
    }
    with tiny_world(tmp_path, [TinyCase("PAYDAY", traits=paid_on_the_15th)], seed=2) as world:
        broke = world.attempt("PAYDAY", "2027-01-14T15:00:00Z", 5_000)  # 10:00 in New York
        flush = world.attempt("PAYDAY", "2027-01-15T15:00:00Z", 5_000)

    assert broke[1] == {"approved": False, "code": "202", "merchant_advice_code": None}
    assert flush[1]["approved"] is True


def test_a_gateway_outage_answers_technical_codes_until_it_is_over(tmp_path):
    from datetime import date

    from sync.simulation.behaviour import gateway_outage

    assert gateway_outage("stripe", date(2027, 1, 16)) == (8, 9)  # 08:00-09:00 UTC
    cases = [TinyCase("DOWN", country="GB", gateway="stripe", code="insufficient_funds")]
    with tiny_world(tmp_path, cases, seed=4) as world:
        during = world.attempt("DOWN", "2027-01-16T08:30:00Z", 5_000)
        after = world.attempt("DOWN", "2027-01-16T09:30:00Z", 5_000)

    assert during[1]["approved"] is False
    assert during[1]["code"] in ("processing_error", "try_again_later")
    assert after[1] == {"approved": True, "code": "", "merchant_advice_code": None}
