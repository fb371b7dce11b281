"""The HTML of a recovery executive's plan offer on the payment link page, and of the answer
once the consumer accepted it: the terms, the schedule, the "Accept this plan" form.

Every value is escaped; money and dates read as the rest of the link page (payment_pages).
"""

from datetime import date
from html import escape

from app.domain.counter_plans import ScheduledInstallment
from app.recovery.links import LinkPage, LinkPlanOffer
from sync.server.payment_pages import amount_text, day_text, page_html

_EVERY = {"Weekly": "weekly", "Fortnightly": "every two weeks", "Monthly": "monthly"}


def offer_html(page: LinkPage, token: str, offer: LinkPlanOffer, problem: str, name: str) -> str:
    """The open offer: its terms, its schedule and the form that accepts it."""
    alert = f'<p class="problem" role="alert" id="problem">{escape(problem)}</p>' if problem else ""
    return (
        '<section class="card" id="plan-offer" '
        'aria-labelledby="offer-title"><h2 id="offer-title">A payment plan offered to you</h2>'
        f"{_terms(page, offer)}{_schedule(page, offer, accepted=False)}{alert}"
        f'<form method="post" action="/pay/{escape(token)}/plan-offer">'
        f'<input type="hidden" name="offer" value="{escape(offer.offer_id)}">'
        '<label for="accepted-by">Your full name</label>'
        '<input type="text" id="accepted-by" name="name" autocomplete="name" maxlength="120" '
        f'required value="{escape(name)}">'
        '<label class="agree"><input type="checkbox" id="agree" name="agree" value="yes" '
        "required><span>I agree to pay the amounts above on these dates.</span></label>"
        '<button class="primary" id="accept-plan" type="submit">Accept this plan</button></form>'
        f'<p class="small">This offer is open until {escape(day_text(page, offer.first_due))}.'
        "</p></section>"
    )


def plan_accepted_html(page: LinkPage, plan: LinkPlanOffer) -> str:
    """The answer: the plan's number and the schedule the consumer agreed to."""
    name = f", {escape(page.first_name)}" if page.first_name else ""
    body = (
        f"<h1>Thank you{name}</h1>"
        '<section class="card"><p class="status" role="status" id="plan-made">Your payment plan '
        f'<strong id="plan-number">{escape(plan.plan_number or "")}</strong> is set up. '
        "Pay each amount by its date at any of our service centers, quoting the plan number."
        f"</p></section>"
        f'<section class="card" aria-labelledby="plan-title"><h2 id="plan-title">Your plan</h2>'
        f"{_terms(page, plan)}{_schedule(page, plan, accepted=True)}</section>"
        '<p class="small">Nothing more is due through this link.</p>'
    )
    return page_html("Your payment plan", body)


def _terms(page: LinkPage, offer: LinkPlanOffer) -> str:
    def money(minor: int) -> str:
        return escape(amount_text(minor, offer.currency, page.locale))

    every = _EVERY.get(offer.frequency, offer.frequency.lower())
    rows = [("Total", money(offer.total_minor))]
    if offer.down_payment_minor:
        rows.append(("Down payment", money(offer.down_payment_minor)))
    rows += [
        ("Installments", f"{offer.installment_count}, {escape(every)}"),
        ("First installment", escape(day_text(page, offer.first_due))),
    ]
    items = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<dl id="plan-terms">{items}</dl>'


def _schedule(page: LinkPage, offer: LinkPlanOffer, accepted: bool) -> str:
    rows = []
    for item in offer.schedule:
        what = (
            "Down payment" if item.down_payment else f"Installment {_ordinal(item, offer.schedule)}"
        )
        when = _when(page, item.due_date, item.down_payment and not accepted)
        rows.append(
            f"<tr><td>{what}</td><td>{escape(when)}</td><td class='money'>"
            f"{escape(amount_text(item.amount_minor, offer.currency, page.locale))}"
            "</td></tr>"
        )
    return (
        '<table id="plan-schedule"><caption>Schedule</caption><thead><tr><th scope="col">'
        'Payment</th><th scope="col">Due</th><th scope="col" class="money">Amount</th></tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _when(page: LinkPage, day: date, on_accepting: bool) -> str:
    # Not accepted yet, the down payment falls due on the day the plan is accepted.
    return f"{day_text(page, day)}, on accepting" if on_accepting else day_text(page, day)


def _ordinal(item: ScheduledInstallment, schedule: tuple[ScheduledInstallment, ...]) -> int:
    """1, 2, 3 for the regular installments (the plan numbers the down payment first)."""
    return item.number - sum(1 for s in schedule if s.down_payment and s.number < item.number)
