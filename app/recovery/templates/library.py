"""The template library: loaded and checked once (a template using a variable its manifest
does not declare fails here, not at send), then selection and rendering of one message."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    meta,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from app.domain.errors import UserFacingError
from app.recovery.channels import ChannelName, OutgoingMessage
from app.recovery.templates.context import FALLBACK_LANGUAGE
from app.recovery.templates.manifest import Manifest, TemplateSpec, read_manifest
from app.recovery.templates.sms import SmsCount, count_segments

LANGUAGES_DIR = "languages"  # languages/<code>/phrases.j2, and per-language overrides


class TemplateProblems(UserFacingError):
    """The templates cannot be used as they are: every problem is listed, with its file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The reminder templates have problems:\n  " + "\n  ".join(problems))
        self.problems = problems


class TemplateRefused(UserFacingError):
    """This message may not be sent as rendered (empty, too long for SMS, no parameters)."""


@dataclass(frozen=True)
class RenderedMessage:
    template: str
    channel: ChannelName
    language: str
    tone: str
    text: str  # e-mail's text part, the SMS, WhatsApp's free text (inside the 24-hour window)
    subject: str = ""
    html: str = ""
    whatsapp_template: str = ""  # outside the window: the approved template ...
    parameters: tuple[str, ...] = ()  # ... and its parameters, in order
    sms: SmsCount | None = None
    unsubscribe_url: str = ""

    def outgoing(self, to: str, message_key: str) -> OutgoingMessage:
        return OutgoingMessage(
            channel=self.channel,
            to=to,
            text=self.text,
            message_key=message_key,
            subject=self.subject,
            html=self.html,
            unsubscribe_url=self.unsubscribe_url if self.channel is ChannelName.EMAIL else "",
            whatsapp_template=self.whatsapp_template,
            language=self.language,
            parameters=self.parameters,
        )


class TemplateLibrary:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest: Manifest = read_manifest(root)
        self.templates = self.manifest.templates
        languages = {lang for spec in self.templates.values() for lang in spec.languages}
        self._envs = {lang: _environment(root, lang) for lang in languages | {FALLBACK_LANGUAGE}}
        self._files: dict[tuple[str, str], tuple | str] = {}
        self.problems: list[str] = list(self.manifest.problems) + self._check()

    @classmethod
    def load(cls, root: Path) -> "TemplateLibrary":
        """The library, or TemplateProblems naming every broken file and variable."""
        library = cls(root)
        if library.problems:
            raise TemplateProblems(library.problems)
        return library

    # -- choosing -----------------------------------------------------------------------------
    def spec(self, name: str) -> TemplateSpec:
        if name not in self.templates:
            known = ", ".join(sorted(self.templates))
            raise UserFacingError(f"There is no template {name!r} (there are: {known}).")
        return self.templates[name]

    def select(
        self, channel: ChannelName, language: str, tone: str, tags: frozenset[str]
    ) -> tuple[TemplateSpec, str]:
        """The best template for the channel, tone and segment, and the language to use.

        A template in the consumer's language beats a closer segment fit in English: a
        reminder the consumer can read matters more than its opening line."""
        fitting = [
            (fit, spec)
            for spec in self.templates.values()
            if channel in spec.channels
            and tone in spec.tones
            and (fit := spec.fit(tags)) is not None
        ]
        if not fitting:
            raise UserFacingError(f"No template is written for {channel} in a {tone} tone.")
        for wanted in (language, FALLBACK_LANGUAGE):
            spoken = [(fit, spec) for fit, spec in fitting if wanted in spec.languages]
            if spoken:
                best = max(spoken, key=lambda pair: (pair[0], pair[1].name))
                return best[1], wanted
        raise UserFacingError(f"No template for {channel} in {language} or {FALLBACK_LANGUAGE}.")

    def language_for(self, spec: TemplateSpec, language: str) -> str:
        return language if language in spec.languages else FALLBACK_LANGUAGE

    # -- rendering ----------------------------------------------------------------------------
    def render(
        self,
        spec: TemplateSpec,
        channel: ChannelName,
        language: str,
        context: dict[str, Any],
        *,
        max_sms_segments: int | None = None,
    ) -> RenderedMessage:
        """One message, or TemplateRefused with the reason: nothing may be sent then."""
        if channel not in spec.channels:
            raise UserFacingError(f"Template {spec.name} is not written for {channel}.")
        tone = context["tone"]
        if tone not in spec.tones:
            raise UserFacingError(f"Template {spec.name} has no {tone} tone.")
        parts = {
            part: self._part(spec, channel, language, part, context)
            for part in _parts(spec, channel)
        }
        where = (
            f"the {channel} template {spec.name} ({language}, {tone}) for case {context['case_id']}"
        )
        for part, text in parts.items():
            if not text.strip():
                raise TemplateRefused(f"{where} renders an empty {_label(part)}: nothing sent.")
        text = parts["txt"]
        if channel is ChannelName.EMAIL:
            return RenderedMessage(
                spec.name, channel, language, tone, text,
                subject=" ".join(parts["subject"].split()), html=parts["html"],
                unsubscribe_url=context["unsubscribe_url"],
            )  # fmt: skip
        if channel is ChannelName.SMS:
            count = count_segments(text)
            allowed = max_sms_segments or self.manifest.sms_max_segments
            if count.segments > allowed:
                raise TemplateRefused(
                    f"{where} is too long for SMS: {count.describe()}, at most {allowed} "
                    "segments allowed. Nothing sent; shorten the template."
                )
            return RenderedMessage(spec.name, channel, language, tone, text, sms=count)
        # WhatsApp parameters may hold no newline, tab or run of spaces (Cloud API rules).
        parameters = tuple(" ".join(str(context[p]).split()) for p in spec.whatsapp_parameters)
        empty = [
            p for p, value in zip(spec.whatsapp_parameters, parameters, strict=True) if not value
        ]
        if empty:
            raise TemplateRefused(
                f"{where}: WhatsApp parameter(s) {', '.join(empty)} would be empty. Nothing sent."
            )
        return RenderedMessage(
            spec.name, channel, language, tone, text,
            whatsapp_template=spec.whatsapp_approved[tone], parameters=parameters,
        )  # fmt: skip

    def _part(
        self, spec: TemplateSpec, channel: ChannelName, language: str, part: str, context: dict
    ) -> str:
        name = f"{channel.value}/{spec.name}.{part}.j2"
        if part == "html":
            # The phrase macros are plain text, and a macro called from an autoescaped template
            # returns its output as safe: so every value goes in escaped already.
            context = {k: escape(v) if isinstance(v, str) else v for k, v in context.items()}
        try:
            rendered = self._envs[language].get_template(name).render(context)
        except TemplateError as error:
            # The load check makes this rare; a message that cannot render is never sent.
            raise TemplateRefused(f"{name} ({language}) did not render: {error}") from None
        return _tidy(rendered) if part != "html" else rendered.strip() + "\n"

    # -- the load check -----------------------------------------------------------------------
    def _check(self) -> list[str]:
        problems: list[str] = []
        for spec in self.templates.values():
            for language in spec.languages:
                env = self._envs[language]
                if not (self.root / LANGUAGES_DIR / language).is_dir():
                    problems.append(f"{self.root / LANGUAGES_DIR / language}: missing")
                    continue
                for channel in spec.channels:
                    for name in spec.files(channel):
                        problems += self._check_file(env, spec, language, name)
        return sorted(set(problems))

    def _check_file(
        self, env: SandboxedEnvironment, spec: TemplateSpec, language: str, name: str
    ) -> list[str]:
        used: dict[str, str] = {}  # variable: the file that uses it
        problems: list[str] = []
        pending, seen = [name], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            found = self._read(env, language, current)
            if isinstance(found, str):
                problems.append(found.replace("{spec}", spec.name))
                continue
            filename, variables, referenced = found
            for variable in variables:
                used.setdefault(variable, filename)
            for other in referenced:
                if other is None:
                    problems.append(f"{filename}: include/import/extends names must be literal")
                else:
                    pending.append(other)
        for variable in sorted(set(used) - spec.variables):
            problems.append(
                f"{used[variable]}: uses {variable!r}, which manifest.toml does not declare "
                f"for templates.{spec.name}"
            )
        return problems

    def _read(
        self, env: SandboxedEnvironment, language: str, name: str
    ) -> tuple[str, frozenset[str], tuple[str | None, ...]] | str:
        """A file's variables and the files it names, or its problem; each file read once
        (finding the variables runs Jinja's code generator, the slow part of loading)."""
        key = (language, name)
        loader = env.loader
        assert loader is not None  # every environment here comes from _environment, with one
        if key not in self._files:
            try:
                source, filename, _ = loader.get_source(env, name)
                tree = env.parse(source, name, filename)
            except TemplateNotFound:
                self._files[key] = f"{name} ({language}, templates.{{spec}}): file not found"
            except TemplateSyntaxError as error:
                self._files[key] = f"{error.filename or name}:{error.lineno}: {error.message}"
            else:
                variables = frozenset(meta.find_undeclared_variables(tree) - set(env.globals))
                referenced = tuple(meta.find_referenced_templates(tree))
                self._files[key] = (filename or name, variables, referenced)
        return self._files[key]


def _environment(root: Path, language: str) -> SandboxedEnvironment:
    # A language's own folder first: it may override any file; phrases.j2 lives only there.
    loader = FileSystemLoader([str(root / LANGUAGES_DIR / language), str(root)], encoding="utf-8")
    return SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def _parts(spec: TemplateSpec, channel: ChannelName) -> list[str]:
    return [name.rsplit(".", 2)[1] for name in spec.files(channel)]


def _label(part: str) -> str:
    return {"subject": "subject", "txt": "text", "html": "HTML part"}[part]


def _tidy(text: str) -> str:
    """Text as people read it: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)
