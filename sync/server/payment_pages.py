"""The HTML of the payment link pages: small, phone-first, plain HTML and CSS, nothing external.

Every value is escaped; money and dates are formatted with Babel in the consumer's locale.
"""

from datetime import date
from html import escape

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from app.domain.money import format_money
from app.recovery.links import LinkPage

FALLBACK_LOCALE = "en"

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 background:#f3f5f7;color:#1b2430}
main{max-width:28rem;margin:0 auto;padding:1.25rem 1rem 2rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;margin:0 0 1rem;
 box-shadow:0 1px 3px rgba(0,0,0,.12)}
.card>:first-child{margin-top:0}
.card>:last-child{margin-bottom:0}
.label{margin:0;color:#4a5563;font-size:.95rem}
.amount{margin:.25rem 0;font-size:2.25rem;font-weight:700;letter-spacing:-.01em}
.due{margin:0;color:#4a5563}
button{display:block;width:100%;min-height:3rem;border:0;border-radius:10px;
 font:inherit;font-weight:600;font-size:1.1rem;cursor:pointer;padding:.75rem 1rem}
.primary{background:#0b5cad;color:#fff}
.primary:focus-visible,.secondary:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.secondary{background:#fff;color:#0b5cad;border:2px solid #0b5cad;margin-top:.75rem}
.note{font-size:.95rem;color:#374151;margin:.75rem 0 0}
.small{font-size:.85rem;color:#4a5563}
.status{font-size:1.1rem}
h2{font-size:1.2rem;margin:0 0 .75rem}
#plan-offer{margin-top:1rem}
dl{display:grid;grid-template-columns:auto auto;gap:.25rem 1rem;margin:0 0 1rem}
dt{color:#4a5563}dd{margin:0;text-align:right;font-weight:600}
table{width:100%;border-collapse:collapse;margin:0 0 1rem;font-size:.95rem}
caption{text-align:left;font-weight:600;padding:0 0 .25rem}
th,td{padding:.35rem .25rem;border-bottom:1px solid #e3e7eb;text-align:left}
td.money,th.money{text-align:right;white-space:nowrap}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=text]{width:100%;font:inherit;padding:.6rem .75rem;border:2px solid #8a94a3;
 border-radius:8px;margin:0 0 .75rem}
input:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
label.agree{display:flex;gap:.6rem;align-items:flex-start;font-weight:400;margin:0 0 1rem}
label.agree input{width:1.4rem;height:1.4rem;margin:.1rem 0 0;flex:none}
.problem{background:#fdecea;color:#8a1c12;border-radius:8px;padding:.6rem .75rem;margin:0 0 1rem}
"""


def page_html(title: str, body: str) -> str:
    # The words are English whatever the locale of the numbers, so the page says lang="en".
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def link_html(page: LinkPage, token: str, plan_offer: str = "", problem: str = "") -> str:
    """The page a consumer opens from a reminder: what is owed, and the ways to pay it.

    `plan_offer` is the executive's offer (payment_offer_pages): it takes the place of asking
    for a plan. `problem` says why the consumer's last answer was refused."""
    amount = money(page)
    hello = f"Hello {escape(page.first_name)}," if page.first_name else "Hello,"
    due = f'<p class="due">Due by {escape(date_text(page))}</p>' if page.due_date else ""
    if page.discount_minor > 0:
        off = format_money(page.discount_minor, page.currency, _locale(page.locale))
        due += f'<p class="due" id="discount">Includes a discount of {escape(off)}</p>'

    notes = []
    if "new_card" in page.alternatives:
        notes.append("Your card on file has expired. You can pay with a new card on the next page.")
    if "upi" in page.alternatives:
        notes.append("On the next page you can also pay by UPI from your bank app.")
    notes_html = "".join(f'<p class="note">{escape(n)}</p>' for n in notes)
    plan = plan_offer
    if not plan and "plan" in page.alternatives:
        plan = _plan_html(page, token)
    alert = f'<p class="problem" role="alert" id="problem">{escape(problem)}</p>' if problem else ""
    body = (
        f"<h1>{hello} your payment did not go through</h1>{alert}"
        '<section class="card" aria-labelledby="owed-label">'
        f'<p class="label" id="owed-label">Amount due</p>'
        f'<p class="amount" id="amount">{escape(amount)}</p>{due}</section>'
        f'<form method="post" action="/pay/{escape(token)}/checkout">'
        f'<button class="primary" id="pay" type="submit">Pay {escape(amount)}</button></form>'
        f"{notes_html}{plan}"
        '<p class="small">You pay on our payment provider\'s secure page. '
        "This link is for you only and works once.</p>"
    )
    return page_html("Pay your bill", body)


def _plan_html(page: LinkPage, token: str) -> str:
    if page.plan_requested:
        return (
            '<p class="note status" role="status">You asked for a payment plan. '
            "We will contact you soon.</p>"
        )
    return (
        f'<form method="post" action="/pay/{escape(token)}/plan">'
        '<button class="secondary" id="plan" type="submit">Ask for a payment plan</button>'
        "</form>"
    )


def thanks_html(page: LinkPage) -> str:
    name = f", {escape(page.first_name)}" if page.first_name else ""
    if page.paid:
        status = f"We received your payment of {escape(money(page))}. A receipt is on its way."
    else:
        status = (
            f"Your payment of {escape(money(page))} is being confirmed. "
            "You do not need to pay again."
        )
    body = (
        f"<h1>Thank you{name}</h1>"
        f'<section class="card"><p class="status" role="status">{status}</p></section>'
    )
    return page_html("Thank you", body)


def refusal_html(title: str, message: str) -> str:
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<section class="card"><p class="status" role="alert">{escape(message)}</p></section>'
        '<p class="small">If you think this is a mistake, contact our service center.</p>'
    )
    return page_html(title, body)


def money(page: LinkPage) -> str:
    return amount_text(page.owed_minor, page.currency, page.locale)


def amount_text(minor: int, currency: str, locale: str) -> str:
    """An amount as the page shows money, in the consumer's region."""
    try:
        return format_money(minor, currency, _locale(locale))
    except (UnknownLocaleError, ValueError):
        return format_money(minor, currency, FALLBACK_LOCALE)


def date_text(page: LinkPage) -> str:
    assert page.due_date is not None
    return day_text(page, page.due_date)


def day_text(page: LinkPage, day: date) -> str:
    """A date as the page shows dates: 'December 20, 2026' (long, the consumer's region)."""
    return format_date(day, format="long", locale=_locale(page.locale))


def _locale(name: str) -> str:
    """English in the consumer's region ('hi_IN' -> 'en_IN': ₹1,45,500.00, 20 December 2026).

    The page's words are English, so a month name in another script would read oddly in the
    middle of them; the region still decides digit grouping, currency symbol and date order."""
    territory = name.split("_")[1] if "_" in name else ""
    for candidate in (f"en_{territory}", FALLBACK_LOCALE):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return FALLBACK_LOCALE
