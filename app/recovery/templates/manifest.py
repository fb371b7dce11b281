"""manifest.toml: which templates exist, for which channels, languages, tones and segments,
and the variables each one may use - read and validated once, with every problem named."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.recovery.channels import ChannelName
from app.recovery.templates.context import CONTEXT_VARIABLES, SEGMENT_TAGS, TONES
from app.recovery.templates.sms import DEFAULT_MAX_SEGMENTS

MANIFEST = "manifest.toml"
ANY_SEGMENT = "any"
# The files of one template on each channel, under <channel>/<name>.<part>.j2.
PARTS = {
    ChannelName.EMAIL: ("subject", "txt", "html"),
    ChannelName.SMS: ("txt",),
    ChannelName.WHATSAPP: ("txt",),
}
# Which segment a template is written for says how well it fits a case having that tag.
SEGMENT_WEIGHT = {"vip": 3, "high_value": 2, "first_time": 1, "repeat": 1, "standard": 0}


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    description: str
    channels: tuple[ChannelName, ...]
    languages: tuple[str, ...]
    tones: tuple[str, ...]
    segments: tuple[str, ...]
    variables: frozenset[str]
    # WhatsApp outside the 24-hour window: the approved template's name per tone, and the
    # variables that fill its {{1}}, {{2}} ... in order.
    whatsapp_approved: dict[str, str] = field(default_factory=dict)
    whatsapp_parameters: tuple[str, ...] = ()

    def files(self, channel: ChannelName) -> list[str]:
        return [f"{channel.value}/{self.name}.{part}.j2" for part in PARTS[channel]]

    def fit(self, tags: frozenset[str]) -> int | None:
        """How well this template suits a consumer with these segment tags; None: not at all."""
        if ANY_SEGMENT in self.segments:
            return 0
        matched = [SEGMENT_WEIGHT[s] for s in self.segments if s in tags]
        return max(matched) if matched else None


@dataclass(frozen=True)
class Manifest:
    templates: dict[str, TemplateSpec]
    sms_max_segments: int
    variables: dict[str, str]  # name: what it holds (documentation for template authors)
    problems: tuple[str, ...]


def read_manifest(root: Path) -> Manifest:
    path = root / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Manifest({}, DEFAULT_MAX_SEGMENTS, {}, (f"{path}: missing",))
    except tomllib.TOMLDecodeError as error:
        return Manifest({}, DEFAULT_MAX_SEGMENTS, {}, (f"{path}: {error}",))
    problems: list[str] = []
    documented = {str(k): str(v) for k, v in data.get("variables", {}).items()}
    for name in sorted(set(documented) - CONTEXT_VARIABLES):
        problems.append(f"{path}: [variables] {name!r} is not provided by the context builder")
    templates = {}
    for name, table in data.get("templates", {}).items():
        spec, found = _spec(name, table)
        problems += [f"{path}: templates.{name}: {p}" for p in found]
        templates[name] = spec
    if not templates:
        problems.append(f"{path}: declares no [templates.NAME]")
    segments = data.get("sms", {}).get("max_segments", DEFAULT_MAX_SEGMENTS)
    if not isinstance(segments, int) or segments < 1:
        problems.append(f"{path}: sms.max_segments must be a whole number of at least 1")
        segments = DEFAULT_MAX_SEGMENTS
    return Manifest(templates, segments, documented, tuple(problems))


def _spec(name: str, table: dict[str, Any]) -> tuple[TemplateSpec, list[str]]:
    problems: list[str] = []
    known = {c.value for c in ChannelName}
    channels = _strings(table, "channels", problems)
    for bad in [c for c in channels if c not in known]:
        problems.append(f"unknown channel {bad!r} (choose from {', '.join(sorted(known))})")
    tones = _strings(table, "tones", problems)
    for bad in [t for t in tones if t not in TONES]:
        problems.append(f"unknown tone {bad!r} (choose from {', '.join(TONES)})")
    segments = _strings(table, "segments", problems)
    for bad in [s for s in segments if s not in (*SEGMENT_TAGS, ANY_SEGMENT)]:
        problems.append(f"unknown segment {bad!r} (choose from any, {', '.join(SEGMENT_TAGS)})")
    languages = _strings(table, "languages", problems)
    variables = frozenset(_strings(table, "variables", problems))
    for bad in sorted(variables - CONTEXT_VARIABLES):
        problems.append(f"declares {bad!r}, which the context builder does not provide")
    whatsapp = table.get("whatsapp", {})
    approved = {str(k): str(v) for k, v in whatsapp.get("approved", {}).items()}
    parameters = tuple(str(p) for p in whatsapp.get("parameters", ()))
    if ChannelName.WHATSAPP.value in channels:
        for tone in [t for t in tones if not approved.get(t)]:
            problems.append(f"whatsapp.approved has no template name for tone {tone!r}")
        if not parameters:
            problems.append("whatsapp.parameters is empty")
    for bad in [p for p in parameters if p not in variables]:
        problems.append(f"whatsapp parameter {bad!r} is not among its declared variables")
    spec = TemplateSpec(
        name=name,
        description=str(table.get("description", "")),
        channels=tuple(ChannelName(c) for c in channels if c in known),
        languages=tuple(languages),
        tones=tuple(t for t in tones if t in TONES),
        segments=tuple(segments),
        variables=variables,
        whatsapp_approved=approved,
        whatsapp_parameters=parameters,
    )
    return spec, problems


def _strings(table: dict[str, Any], key: str, problems: list[str]) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(f"{key} must be a non-empty list of names")
        return []
    return value
