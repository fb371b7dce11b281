"""How the messenger turns a reminder into one channel's message: a plain text for demos and
tests, or the template library's best template for the channel, language, segment and tone,
with its payment and unsubscribe links (a template refused - empty, too long for SMS - fails
that channel: nothing is sent on it)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.money import decimal_text
from app.recovery.channels import ChannelName, OutgoingMessage


@dataclass(frozen=True)
class RenderRequest:
    """Everything a template needs to become one channel's message."""

    template: str
    channel: ChannelName
    to: str
    message_key: str
    payment_link: bool
    case: Mapping[str, Any]
    consumer: Mapping[str, Any]
    local_at: datetime
    urgent: bool = False
    tone: str | None = None  # the case's segment tone; None: the renderer's own
    offer_percent: int = 0  # a retention offer's discount (an experiment arm); 0: none
    plan_offered: bool | None = None  # True: the reminder offers a plan; None: the rule


Render = Callable[[RenderRequest], OutgoingMessage]


def plain_render(request: RenderRequest) -> OutgoingMessage:
    """A plain reminder, for when no template renderer is given (demos, tests)."""
    currency = request.case.get("currency", "USD")
    owed = request.case.get("amount_minor", 0) - request.case.get("recovered_minor", 0)
    text = (
        f"Reminder ({request.template}): a payment of {decimal_text(owed, currency)} {currency} "
        f"for case {request.case.get('id', '')} is still due."
    )
    return OutgoingMessage(
        channel=request.channel,
        to=request.to,
        text=text,
        message_key=request.message_key,
        subject="Your payment is still due" if request.channel is ChannelName.EMAIL else "",
    )


PaymentLinkFor = Callable[[Mapping[str, Any]], str]  # the case -> a signed payment link URL
UnsubscribeFor = Callable[[ChannelName, str, str], str]  # channel, address, message key -> URL


def template_render(
    payment_link_for: PaymentLinkFor,
    unsubscribe_for: UnsubscribeFor,
    *,
    tone: str = "friendly",
) -> Render:
    """A `render` for RecoveryMessenger: reminders from resources/recovery/templates."""

    # The template library (Jinja2, Babel) loads only for a messenger that renders with it.
    from app.services.recovery_templates import render_message, template_library

    def render(request: RenderRequest) -> OutgoingMessage:
        library = template_library()
        named = request.template if request.template in library.templates else None
        message = render_message(
            request.case,
            request.consumer,
            channel=request.channel,
            tone="urgent" if request.urgent else request.tone or tone,
            template=named,
            payment_link_url=payment_link_for(request.case),
            unsubscribe_url=unsubscribe_for(request.channel, request.to, request.message_key),
            offer_percent=request.offer_percent,
            plan_offered=request.plan_offered,
            library=library,
        )
        return message.outgoing(request.to, request.message_key)

    return render
