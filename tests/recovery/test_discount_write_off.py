"""A discount offer is honoured for real: the engine charges the discounted price through the
gateway (a loopback NMI), and once it is paid the rest is written off - the case closes paid
with recovered + written off = owed, the write-off is on record (who, which offer, how much,
why) and on the case's timeline, and analytics, the A/B test's results, the counters' feed and
the CLI all show it, so the consumer no longer owes the discount."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_webhooks import webhook_events
from app.services.experiments import create_experiment
from app.services.experiments_results import experiment_results
from app.services.recovery_case_analytics import case_analytics
from app.services.recovery_cases import case_timeline
from app.services.recovery_discounts import write_offs_of
from app.services.recovery_feed import case_snapshots
from sync.gateways.adapters.nmi import NmiAdapter
from sync.recovery.gateway import AdapterGateway
from tests.gateways.fakes import FakeNmi
from tests.segment_rules.helpers import FAILED_AT, configure, one_case

ROOT = Path(__file__).resolve().parents[2]
THREE_WEEKS = FAILED_AT + timedelta(days=21)
ALL_IN_FIRST = "0.9999999,0.0000001"  # C1 lands in the first arm (a 1 in 10 million miss)
OWED = 12_500


@pytest.fixture
def nmi():
    with FakeNmi() as fake:
        yield fake


def nmi_case(tmp_path: Path, fake: FakeNmi):
    """One open card case of 125.00 at NMI, charged through the real adapter on loopback."""
    drive = one_case(tmp_path, gateway="nmi", code="202", instrument="vault-001")
    adapter = NmiAdapter(fake.security_key, base_url=f"{fake.url}/api", sleep=lambda s: None)
    drive.gateway = AdapterGateway({"nmi": adapter})  # type: ignore[assignment]
    return drive


def in_arm(engine, variant: str) -> int:
    made = create_experiment(
        engine, name="retention offers", strategy="retention_offers",
        variant_names=[variant, "control"], allocation=ALL_IN_FIRST, control="control",
        now=FAILED_AT - timedelta(days=1), by="mbrown",
    )  # fmt: skip
    return int(made["id"])


def sales(fake: FakeNmi) -> list[int]:
    return [
        t["actions"][0]["amount"]
        for t in fake.transactions.values()
        if t["actions"][0]["action_type"] == "sale"
    ]


def case_row(engine) -> dict:
    with engine.connect() as connection:
        return dict(connection.execute(select(recovery_cases)).one()._mapping)


def test_a_discount_arm_charges_the_price_and_writes_the_rest_off(tmp_path, nmi):
    drive = nmi_case(tmp_path, nmi)
    test_id = in_arm(drive.engine, "small_discount")  # 10 % off

    drive.run_until(THREE_WEEKS)

    assert sales(nmi) == ["112.50"]  # the discounted price, charged once, approved
    case = case_row(drive.engine)
    assert case["status"] == "paid"
    assert (case["recovered_minor"], case["written_off_minor"]) == (11_250, 1_250)
    assert case["recovered_minor"] + case["written_off_minor"] == OWED
    [written] = write_offs_of(drive.engine, "K1")
    assert written["amount_minor"] == 1_250 and written["percent"] == 10
    assert (written["source"], written["experiment_id"], written["variant"]) == (
        "experiment", test_id, "small_discount",
    )  # fmt: skip
    assert written["written_by"] == "recovery worker w1"
    assert "112.50 USD of 125.00 USD" in written["reason"]
    assert "12.50 USD written off" in written["reason"]
    assert "12.50 USD written off" in case["status_reason"]
    _, timeline = case_timeline(drive.engine, "K1")
    assert any(e.text.startswith("discount_written_off paid 112.50") for e in timeline)

    # Analytics: recovered amount against the amount written off.
    everyone = case_analytics(drive.engine, FAILED_AT.date(), THREE_WEEKS.date()).groups["segment"][
        -1
    ]
    assert everyone.recovered == 1
    assert everyone.recovered_minor == (("USD", 11_250),)
    assert everyone.written_off_minor == (("USD", 1_250),)

    # The A/B test's results: the arm's recovered amount and what its discount cost.
    results = experiment_results(drive.engine, test_id, THREE_WEEKS)
    arms = {v["name"]: v for v in results["variants"]}
    assert arms["small_discount"]["recovered_amount_minor"] == 11_250
    assert arms["small_discount"]["written_off_minor"] == 1_250
    assert arms["control"]["written_off_minor"] == 0

    # What the counters get through the change feed: paid, nothing left to owe.
    snapshot = case_snapshots(drive.engine, ["K1"], THREE_WEEKS)["K1"]
    assert snapshot["status"] == "paid"
    assert snapshot["amount_minor"] - snapshot["recovered_minor"] == snapshot["written_off_minor"]
    assert any(e["text"].startswith("discount_written_off") for e in snapshot["timeline"])

    # The case.recovered webhook tells integrators the same.
    with drive.engine.connect() as connection:
        [recovered_event] = connection.execute(
            select(webhook_events.c.payload).where(webhook_events.c.kind == "case.recovered")
        ).scalars()
    assert (recovered_event["recovered_minor"], recovered_event["written_off_minor"]) == (
        11_250, 1_250,
    )  # fmt: skip


def test_the_control_arm_charges_all_that_is_owed_and_writes_nothing_off(tmp_path, nmi):
    drive = nmi_case(tmp_path, nmi)
    in_arm(drive.engine, "no_offer")

    drive.run_until(THREE_WEEKS)

    assert sales(nmi) == ["125.00"]
    case = case_row(drive.engine)
    assert (case["status"], case["recovered_minor"], case["written_off_minor"]) == (
        "paid", OWED, 0,
    )  # fmt: skip
    assert write_offs_of(drive.engine, "K1") == []


def test_a_segment_that_offers_a_discount_takes_ten_percent_off(tmp_path, nmi):
    drive = nmi_case(tmp_path, nmi)
    configure(drive.engine, offers=["discount", "new_method"])

    drive.run_until(THREE_WEEKS)

    assert sales(nmi) == ["112.50"]
    [written] = write_offs_of(drive.engine, "K1")
    assert (written["source"], written["segment"], written["amount_minor"]) == (
        "segment", "standard", 1_250,
    )  # fmt: skip
    assert written["experiment_id"] is None


def test_the_price_paid_through_a_link_closes_the_case_without_a_charge(tmp_path, nmi):
    drive = nmi_case(tmp_path, nmi)
    in_arm(drive.engine, "medium_discount")  # 25 % off: the price is 93.75
    with drive.engine.begin() as connection:  # as a payment link records a payment
        connection.execute(
            insert(recovery_events).values(
                case_id="K1", at=FAILED_AT + timedelta(minutes=5), type="paid",
                amount_minor=9_375, detail={"reason": "payment link"},
            )
        )  # fmt: skip

    drive.run_until(THREE_WEEKS)

    assert sales(nmi) == []  # nothing more is charged
    case = case_row(drive.engine)
    assert (case["status"], case["recovered_minor"], case["written_off_minor"]) == (
        "paid", 9_375, 3_125,
    )  # fmt: skip


def test_a_part_of_the_price_is_not_enough_to_write_anything_off(tmp_path, nmi):
    drive = nmi_case(tmp_path, nmi)
    in_arm(drive.engine, "small_discount")
    with drive.engine.begin() as connection:
        connection.execute(
            insert(recovery_events).values(
                case_id="K1", at=FAILED_AT + timedelta(minutes=5), type="paid",
                amount_minor=5_000, detail={"reason": "payment link"},
            )
        )  # fmt: skip

    drive.run_until(THREE_WEEKS)

    assert sales(nmi) == ["62.50"]  # the rest of the price, not the rest of what was owed
    case = case_row(drive.engine)
    assert (case["recovered_minor"], case["written_off_minor"]) == (11_250, 1_250)


def test_the_cli_shows_the_write_off_and_nothing_owed(tmp_path, nmi):
    drive = nmi_case(tmp_path, nmi)
    in_arm(drive.engine, "small_discount")
    drive.run_until(THREE_WEEKS)
    url = str(drive.engine.url)

    def cli(*words: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", "recovery", *words, "--db", url],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    shown = cli("case", "K1")
    assert "written off" in shown and "12.50" in shown
    [listed] = json.loads(cli("cases", "--json"))
    assert listed["amount_minor"] - listed["recovered_minor"] - listed["written_off_minor"] == 0


def test_a_no_offer_arm_overrides_the_segments_discount(tmp_path, nmi):
    """The test measures its arms: a consumer in its control gets no discount from elsewhere."""
    drive = nmi_case(tmp_path, nmi)
    configure(drive.engine, offers=["discount"])
    in_arm(drive.engine, "no_offer")

    drive.run_until(THREE_WEEKS)

    assert sales(nmi) == ["125.00"]
    assert write_offs_of(drive.engine, "K1") == []


def test_a_payment_link_asks_for_the_discounted_price_and_paying_it_closes_the_case(tmp_path, nmi):
    from app.services.payment_link_checkout import CheckoutPaid
    from app.services.payment_links import PaymentLinks
    from sync.server.payment_pages import link_html
    from tests.payment_links.seed import LINK_SECRET

    drive = nmi_case(tmp_path, nmi)
    in_arm(drive.engine, "medium_discount")  # 25 % off: the price is 93.75
    links = PaymentLinks(drive.engine, lambda: LINK_SECRET, drive.clock)

    link = links.issue("K1")
    page = links.page(link.token)
    assert (link.amount_minor, page.owed_minor, page.discount_minor) == (9_375, 9_375, 3_125)
    html = link_html(page, link.token)
    assert "Pay $93.75" in html and "Includes a discount of $31.25" in html

    links.settle(CheckoutPaid(
        case_id="K1", nonce=link.nonce, amount_minor=9_375, currency="USD",
        session_id="cs_1", payment_reference="pi_1",
    ))  # fmt: skip
    drive.run_until(FAILED_AT + timedelta(hours=1))

    assert sales(nmi) == []  # the link paid the price: the engine charges nothing
    case = case_row(drive.engine)
    assert (case["status"], case["recovered_minor"], case["written_off_minor"]) == (
        "paid", 9_375, 3_125,
    )  # fmt: skip
