"""A recovery executive's plan offer on the consumer's payment link page, end to end: the server
as `tilldesk server run` builds it (real PostgreSQL for it and for the recovery database, real
HTTP on loopback). The page shows the offer and its schedule; accepting it there makes the PP-
plan on the server (channel "link", the typed name, what the page recorded) and puts the case on
the plan; a missing name or tick, a lapsed, withdrawn or outdated offer and a tampered link are
refused with a message and write nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from sqlalchemy import Engine, update

from app.db.recovery_tables import recovery_cases
from app.db.recovery_tables_plan_offers import recovery_plan_offers
from app.services.payment_links import IssuedLink
from app.services.recovery_plan_offers import OfferRequest, decline_offer, offer_plan
from tests.payment_links.offer_site import FIRST_DUE, TODAY, Site, day, offered, serve_links
from tests.recovery_feed.conftest import (  # noqa: F401
    feed_server,
    memory_keyring,
    recovery,
    recovery_url,
)
from tests.support.recovery_feed import FeedServer, open_case


@pytest.fixture
def site(feed_server: FeedServer, recovery: Engine, memory_keyring) -> Site:  # noqa: F811
    return serve_links(feed_server, recovery, memory_keyring)


def offer_id_on(page: str) -> str:
    return page.split('name="offer" value="')[1].split('"')[0]


def test_the_link_page_shows_the_executives_offer_with_its_schedule_instead_of_asking_for_one(
    site: Site,
) -> None:
    open_case(site.recovery, "L-1", 14_550)  # NMI 202, insufficient funds: a plan may be asked
    offer_id = offered(site, "L-1")
    page = requests.get(site.address(site.link("L-1")))

    assert page.status_code == 200
    text = page.text
    assert "A payment plan offered to you" in text and "Pay $145.50" in text
    assert "<dt>Total</dt><dd>$145.50</dd><dt>Down payment</dt><dd>$20.00</dd>" in text
    assert "<dt>Installments</dt><dd>3, monthly</dd>" in text
    schedule = [
        ("Down payment", f"{day(TODAY)}, on accepting", "$20.00"),
        ("Installment 1", day(FIRST_DUE), "$41.83"),
        ("Installment 2", day(date(FIRST_DUE.year + (FIRST_DUE.month == 12),
                                   FIRST_DUE.month % 12 + 1, FIRST_DUE.day)), "$41.83"),
    ]  # fmt: skip
    for what, when, amount in schedule:
        assert f"<tr><td>{what}</td><td>{when}</td><td class='money'>{amount}</td></tr>" in text
    assert "$41.84</td></tr></tbody>" in text  # the odd cent in the last installment
    assert f"This offer is open until {day(FIRST_DUE)}" in text
    assert 'id="accept-plan" type="submit">Accept this plan' in text
    assert offer_id_on(text) == offer_id
    assert "Ask for a payment plan" not in text  # the executive already offered one


def test_without_an_open_offer_the_page_is_as_before(site: Site) -> None:
    open_case(site.recovery, "L-2", 14_550)
    text = requests.get(site.address(site.link("L-2"))).text
    assert "Ask for a payment plan" in text and "Accept this plan" not in text


def test_accepting_on_the_page_makes_the_pp_plan_and_puts_the_case_on_it(site: Site) -> None:
    open_case(site.recovery, "L-3", 14_550)
    offer_id = offered(site, "L-3")
    link = site.link("L-3")
    requests.get(site.address(link))

    answer = site.accept(link, offer_id, "  John   Doe ", agree=True)

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{site.address(link)}/plan-offer"
    shown = requests.get(answer.headers["location"])
    [plan] = site.server.query(
        "SELECT p.plan_number, p.data, a.accepted_by, a.channel, a.evidence, a.recorded_by "
        "FROM payment_plans p JOIN plan_acceptances a ON a.plan_id = p.id"
    )
    assert plan.plan_number == f"PP-{TODAY.year}-0001"
    assert (plan.accepted_by, plan.channel, plan.recorded_by) == (
        "John Doe",
        "link",
        "payment link",
    )
    assert plan.evidence.startswith(f"Accepted on the payment link page on {TODAY.isoformat()} ")
    assert f"UTC (link {link.nonce}), agreeing to: 3 monthly installments of about" in plan.evidence
    amounts = site.server.query(
        "SELECT i.amount_minor FROM installments i JOIN payment_plans p ON p.id = i.plan_id "
        "WHERE p.plan_number = :number ORDER BY i.number", number=plan.plan_number,
    )  # fmt: skip
    assert [a.amount_minor for a in amounts] == [2000, 4183, 4183, 4184]
    assert plan.data["created_by"] == "payment link"
    assert site.written("L-3")[2:4] == (["accepted"], "plan")
    [case] = site.server.query(  # published to the counters at once, not at the next round
        "SELECT data FROM changes WHERE entity = 'recovery_case' AND key = 'L-3' "
        "ORDER BY seq DESC LIMIT 1"
    )
    assert case.data["status"] == "plan"

    assert shown.status_code == 200
    assert f'<strong id="plan-number">{plan.plan_number}</strong> is set up' in shown.text
    assert f"<tr><td>Down payment</td><td>{day(TODAY)}</td>" in shown.text
    assert f"<tr><td>Installment 1</td><td>{day(FIRST_DUE)}</td>" in shown.text

    # The link asks for nothing more: it shows the plan, its checkout is refused, and the same
    # form sent again (a double click) gets the same answer and no second plan.
    again = requests.get(site.address(link))
    assert again.status_code == 200 and plan.plan_number in again.text
    assert "Pay $145.50" not in again.text
    assert requests.post(f"{site.address(link)}/checkout", allow_redirects=False).status_code == 410
    made = site.written("L-3")
    twice = site.accept(link, offer_id, "John Doe", agree=True)
    assert twice.status_code == 303 and twice.headers["location"] == answer.headers["location"]
    assert site.written("L-3") == made and made[1] == 1  # one plan, one acceptance


@pytest.mark.parametrize(
    ("name", "agree", "message"),
    [
        ("", True, "Type your full name to accept the plan."),
        ("   ", True, "Type your full name to accept the plan."),
        ("John Doe", False, "Tick the box to confirm you agree to the payment schedule."),
    ],
)
def test_a_missing_name_or_tick_is_refused_on_the_page_and_writes_nothing(
    site: Site, name: str, agree: bool, message: str
) -> None:
    open_case(site.recovery, "L-4", 14_550)
    offer_id = offered(site, "L-4")
    link = site.link("L-4")
    requests.get(site.address(link))
    before = site.written("L-4")

    answer = site.accept(link, offer_id, name, agree)

    assert answer.status_code == 409
    assert f'<p class="problem" role="alert" id="problem">{message}</p>' in answer.text
    assert "Accept this plan" in answer.text  # the offer is still there to accept
    assert site.written("L-4") == before


def test_an_offer_that_lapsed_while_the_page_was_open_is_refused_and_writes_nothing(
    site: Site,
) -> None:
    open_case(site.recovery, "L-5", 14_550)
    offer_id = offered(site, "L-5")
    link = site.link("L-5")
    assert "Accept this plan" in requests.get(site.address(link)).text
    yesterday = TODAY - timedelta(days=1)
    with site.recovery.begin() as connection:  # its first due date went by unanswered
        connection.execute(update(recovery_plan_offers)
                           .where(recovery_plan_offers.c.id == offer_id)
                           .values(first_due=yesterday))  # fmt: skip
    before = site.written("L-5")

    answer = site.accept(link, offer_id, "John Doe", agree=True)

    assert answer.status_code == 409
    assert f"had to be accepted by {yesterday.isoformat()}" in answer.text
    assert "Accept this plan" not in answer.text and "Pay $145.50" in answer.text
    assert site.written("L-5") == before
    assert "Accept this plan" not in requests.get(site.address(link)).text


def test_an_offer_withdrawn_meanwhile_is_refused_and_writes_nothing(site: Site) -> None:
    open_case(site.recovery, "L-6", 14_550)
    offer_id = offered(site, "L-6")
    link = site.link("L-6")
    requests.get(site.address(link))
    decline_offer(site.recovery, "L-6", "the consumer phoned: no", user="rpatel",
                  now=datetime.now(UTC))  # fmt: skip
    before = site.written("L-6")

    answer = site.accept(link, offer_id, "John Doe", agree=True)

    assert answer.status_code == 409 and "no longer open" in answer.text
    assert site.written("L-6") == before


def test_an_offer_for_another_amount_than_owed_is_not_shown_nor_accepted(site: Site) -> None:
    open_case(site.recovery, "L-7", 14_550)
    offer_id = offered(site, "L-7")
    with site.recovery.begin() as connection:  # a part was paid at a counter since the offer
        connection.execute(update(recovery_cases).where(recovery_cases.c.id == "L-7")
                           .values(recovered_minor=4_550))  # fmt: skip
    link = site.link("L-7")  # a new link for the 100.00 now owed
    page = requests.get(site.address(link)).text
    assert "Pay $100.00" in page and "Accept this plan" not in page
    before = site.written("L-7")

    answer = site.accept(link, offer_id, "John Doe", agree=True)

    assert answer.status_code == 409 and "What you owe has changed" in answer.text
    assert site.written("L-7") == before


def test_a_tampered_link_cannot_accept_an_offer(site: Site) -> None:
    open_case(site.recovery, "L-8", 14_550)
    offer_id = offered(site, "L-8")
    link = site.link("L-8")
    body, signature = link.token.split(".")
    flipped = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    forged = IssuedLink(f"{body}.{flipped}", link.nonce, "L-8", link.amount_minor, "USD",
                        link.expires_at)  # fmt: skip
    before = site.written("L-8")

    answer = site.accept(forged, offer_id, "John Doe", agree=True)

    assert answer.status_code == 403 and "This link is not valid" in answer.text
    assert requests.get(f"{site.address(forged)}/plan-offer").status_code == 403
    assert site.written("L-8") == before


def test_an_offer_made_by_someone_who_may_not_make_plans_is_not_made_through_the_link(
    site: Site,
) -> None:
    # Nobody records a yes given on the link: the executive who offered answers for the plan.
    open_case(site.recovery, "L-9", 14_550)
    view = offer_plan(site.recovery, "L-9", OfferRequest(3, "Monthly", "", FIRST_DUE),
                      user="temp cover", now=datetime.now(UTC))  # fmt: skip
    link = site.link("L-9")
    requests.get(site.address(link))
    before = site.written("L-9")

    answer = site.accept(link, view.offer_id, "John Doe", agree=True)

    assert answer.status_code == 409 and "not an active user" in answer.text
    assert site.written("L-9") == before
