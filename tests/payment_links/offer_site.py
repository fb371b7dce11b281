"""A recovery executive's plan offer on a payment link, served by the server as `tilldesk server
run` builds it (real PostgreSQL for it and the recovery database, real HTTP on loopback)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import requests
from babel.dates import format_date
from sqlalchemy import Engine, func, select

from app.db.recovery_tables import recovery_cases, recovery_events
from app.db.recovery_tables_plan_offers import recovery_plan_offers
from app.services.payment_links import IssuedLink, PaymentLinks
from app.services.recovery_plan_offers import OfferRequest, offer_plan
from sync.server.keys import KEYRING_SERVICE, PAYMENT_LINK_SECRET
from tests.payment_links.seed import LINK_SECRET
from tests.support.recovery_feed import FeedServer
from tests.sync_client.support import MemoryKeyring

TODAY = datetime.now(UTC).date()
FIRST_DUE = TODAY + timedelta(days=10)


def day(value: date) -> str:
    return format_date(value, format="long", locale="en_US")


@dataclass
class Site:
    server: FeedServer
    recovery: Engine
    links: PaymentLinks

    def link(self, case_id: str) -> IssuedLink:
        return self.links.issue(case_id)

    def address(self, link: IssuedLink) -> str:
        return link.url(self.server.url)

    def accept(self, link: IssuedLink, offer_id: str, name: str, agree: bool) -> requests.Response:
        form = {"offer": offer_id, "name": name, **({"agree": "yes"} if agree else {})}
        return requests.post(f"{self.address(link)}/plan-offer", data=form, allow_redirects=False)

    def written(self, case_id: str) -> tuple:
        """What accepting would change: the server's plans, the offer, the case, its timeline."""
        plans = self.server.query("SELECT count(*) AS n FROM payment_plans")[0].n
        accepted = self.server.query("SELECT count(*) AS n FROM plan_acceptances")[0].n
        with self.recovery.connect() as connection:
            offers = connection.execute(
                select(recovery_plan_offers.c.status).where(
                    recovery_plan_offers.c.case_id == case_id
                )
            ).all()
            case = connection.scalar(
                select(recovery_cases.c.status).where(recovery_cases.c.id == case_id)
            )
            timeline = connection.scalar(
                select(func.count()).where(recovery_events.c.case_id == case_id)
            )
        return plans, accepted, sorted(o.status for o in offers), case, timeline


def serve_links(server: FeedServer, recovery: Engine, keyring: MemoryKeyring) -> Site:
    """The site over the running server, its link secret in the (test) keyring."""
    keyring.set_password(KEYRING_SERVICE, PAYMENT_LINK_SECRET, LINK_SECRET.decode())
    return Site(server, recovery, PaymentLinks(recovery, lambda: LINK_SECRET,
                                               lambda: datetime.now(UTC)))  # fmt: skip


def offered(site: Site, case_id: str, down: str = "20.00") -> str:
    view = offer_plan(site.recovery, case_id, OfferRequest(3, "Monthly", down, FIRST_DUE),
                      user="rpatel", now=datetime.now(UTC))  # fmt: skip
    return view.offer_id
