"""Reminder templates as a use case: the checked library, one case's message, previews."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from app.db.recovery_tables import recovery_cases, recovery_consumers
from app.domain.errors import UserFacingError
from app.recovery.channels import ChannelName
from app.recovery.codes import Category
from app.recovery.templates.context import (
    DEFAULT_SENDER,
    PRODUCTS,
    SAMPLE_CASE,
    SAMPLE_CONSUMER,
    SAMPLE_LINK,
    SAMPLE_UNSUBSCRIBE,
    Segment,
    build_context,
    language_of,
    segment_of,
)
from app.recovery.templates.library import (
    RenderedMessage,
    TemplateLibrary,
    TemplateProblems,
)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "resources" / "recovery" / "templates"
# A site may keep its own wording: a copy of the folder, named here (or with --templates).
TEMPLATES_VARIABLE = "TILLDESK_RECOVERY_TEMPLATES"
# Previews show a link as long as a real signed one, so the SMS segment count is honest.
PREVIEW_LINK = SAMPLE_LINK
PREVIEW_UNSUBSCRIBE = SAMPLE_UNSUBSCRIBE

__all__ = ["RenderedMessage", "TemplateProblems", "render_message", "template_library"]


def templates_dir(explicit: Path | str | None = None) -> Path:
    """The templates folder: the one named, else $TILLDESK_RECOVERY_TEMPLATES, else ours."""
    chosen = explicit or os.environ.get(TEMPLATES_VARIABLE)
    return Path(chosen).resolve() if chosen else TEMPLATES_DIR


def template_library(root: Path | str | None = None) -> TemplateLibrary:
    """The library, checked once per process; TemplateProblems lists every broken file."""
    return _checked_library(templates_dir(root))


@cache
def _checked_library(root: Path) -> TemplateLibrary:
    return TemplateLibrary.load(root)


def check_templates(root: Path | str | None = None) -> list[str]:
    """Every problem of the templates: the load check, then a trial render of every template
    on every channel, language and tone it declares, for every decline category and product."""
    library = TemplateLibrary(templates_dir(root))
    if library.problems:
        return library.problems
    problems = []
    for spec in library.templates.values():
        for channel in spec.channels:
            for language in spec.languages:
                for tone in spec.tones:
                    for category in Category:
                        for product in PRODUCTS:
                            case = {**SAMPLE_CASE, "category": category.value, "product": product}
                            try:
                                render_message(
                                    case, SAMPLE_CONSUMER, channel=channel, tone=tone,
                                    template=spec.name, language=language,
                                    payment_link_url=SAMPLE_LINK,
                                    unsubscribe_url=SAMPLE_UNSUBSCRIBE, library=library,
                                )  # fmt: skip
                            except UserFacingError as error:
                                problems.append(f"{category}, {product}: {error.message}")
    return sorted(set(problems))


def render_message(
    case: Mapping[str, Any],
    consumer: Mapping[str, Any],
    *,
    channel: ChannelName | str,
    tone: str,
    payment_link_url: str,
    unsubscribe_url: str = "",
    segment: Segment | None = None,
    template: str | None = None,
    language: str | None = None,
    earlier_cases: int | None = None,
    sender_name: str = DEFAULT_SENDER,
    offer_percent: int = 0,
    plan_offered: bool | None = None,
    max_sms_segments: int | None = None,
    library: TemplateLibrary | None = None,
) -> RenderedMessage:
    """The reminder for one case (rows of recovery_cases and recovery_consumers), ready for
    `.outgoing(to, message_key)`. The best template for the channel, tone, language and
    segment unless one is named; TemplateRefused when it must not be sent. Give
    `earlier_cases` (see case_for_message) for the first-time / repeat templates to apply."""
    library = library or template_library()
    channel = _channel(channel)
    segment = segment or segment_of(case, consumer, earlier_cases)
    wanted = language or language_of(consumer)
    if template is None:
        spec, used = library.select(channel, wanted, tone, segment.tags)
    else:
        spec = library.spec(template)
        used = library.language_for(spec, wanted)
    if not payment_link_url:
        raise UserFacingError("A reminder needs its payment link: nothing sent.")
    if channel is ChannelName.EMAIL and not unsubscribe_url:
        raise UserFacingError("A reminder e-mail needs an unsubscribe link: nothing sent.")
    context = build_context(
        case, consumer, language=used, tone=tone, segment=segment,
        payment_link_url=payment_link_url, unsubscribe_url=unsubscribe_url,
        sender_name=sender_name, offer_percent=offer_percent, plan_offered=plan_offered,
    )  # fmt: skip
    return library.render(spec, channel, used, context, max_sms_segments=max_sms_segments)


# -- the case's real data --------------------------------------------------------------------
@dataclass(frozen=True)
class CaseForMessage:
    case: dict[str, Any]
    consumer: dict[str, Any]
    earlier_cases: int  # the consumer's cases that failed before this one (0: first time)


def case_for_message(engine: Engine, case_id: str) -> CaseForMessage:
    c = recovery_cases.c
    with engine.connect() as connection:
        row = connection.execute(select(recovery_cases).where(c.id == case_id)).first()
        if row is None:
            raise UserFacingError(f"There is no recovery case {case_id}.")
        case = dict(row._mapping)
        person = connection.execute(
            select(recovery_consumers).where(recovery_consumers.c.id == case["consumer_id"])
        ).first()
        earlier = connection.execute(
            select(func.count())
            .select_from(recovery_cases)
            .where(c.consumer_id == case["consumer_id"], c.failed_at < case["failed_at"])
        ).scalar_one()
    consumer = dict(person._mapping) if person else {"id": case["consumer_id"], "country": ""}
    return CaseForMessage(case, consumer, int(earlier))


def first_open_case_id(engine: Engine) -> str | None:
    c = recovery_cases.c
    query = select(c.id).where(c.status == "open").order_by(c.failed_at, c.id).limit(1)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one_or_none()


# -- previews --------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplatePreview:
    case_id: str
    message: RenderedMessage
    wanted_language: str  # the consumer's (or the asked) language; message.language is used


def preview_template(
    engine: Engine,
    name: str,
    case_id: str | None,
    *,
    channel: str | None = None,
    language: str | None = None,
    tone: str | None = None,
    payment_link_url: str = PREVIEW_LINK,
    library: TemplateLibrary | None = None,
) -> TemplatePreview:
    """Template NAME rendered with a case's real data (the first open case when none is
    named), exactly as it would be sent; TemplateRefused when it would not be."""
    library = library or template_library()
    spec = library.spec(name)
    case_id = case_id or first_open_case_id(engine)
    if case_id is None:
        raise UserFacingError("There is no open recovery case to preview with: give --case ID.")
    facts = case_for_message(engine, case_id)
    chosen = _channel(channel) if channel else spec.channels[0]
    tone = tone or ("professional" if "professional" in spec.tones else spec.tones[0])
    wanted = (language or language_of(facts.consumer)).lower()
    message = render_message(
        facts.case, facts.consumer, channel=chosen, tone=tone, template=name, language=wanted,
        earlier_cases=facts.earlier_cases, payment_link_url=payment_link_url,
        unsubscribe_url=PREVIEW_UNSUBSCRIBE, library=library,
    )  # fmt: skip
    return TemplatePreview(case_id, message, wanted)


@dataclass(frozen=True)
class TemplateSummary:
    name: str
    description: str
    channels: tuple[str, ...]
    languages: tuple[str, ...]
    tones: tuple[str, ...]
    segments: tuple[str, ...]
    variables: tuple[str, ...]
    whatsapp_approved: dict[str, str]
    whatsapp_parameters: tuple[str, ...]


def template_summaries(library: TemplateLibrary | None = None) -> list[TemplateSummary]:
    library = library or template_library()
    return [
        TemplateSummary(
            name=spec.name,
            description=spec.description,
            channels=tuple(c.value for c in spec.channels),
            languages=spec.languages,
            tones=spec.tones,
            segments=spec.segments,
            variables=tuple(sorted(spec.variables)),
            whatsapp_approved=dict(spec.whatsapp_approved),
            whatsapp_parameters=spec.whatsapp_parameters,
        )
        for spec in sorted(library.templates.values(), key=lambda s: s.name)
    ]


def _channel(value: ChannelName | str) -> ChannelName:
    try:
        return ChannelName(value)
    except ValueError:
        known = ", ".join(c.value for c in ChannelName)
        raise UserFacingError(f"Unknown channel {value!r}: choose one of {known}.") from None
