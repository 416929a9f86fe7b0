"""Profiles: which rules a format asks for. Thresholds per profile live in :mod:`options`."""

from __future__ import annotations

from dataclasses import dataclass

from postmortems.document.model import Document, SectionKind


@dataclass(frozen=True, slots=True)
class Profile:
    """A format: which rules it asks for."""

    name: str
    description: str
    select: tuple[str, ...]
    ignore: tuple[str, ...] = ()


GOOGLE_ONLY = ("PM107", "PM108", "PM109", "PM110")
OWNERS_AND_DATES = ("PM506", "PM507")
# cosmetic: heading names and form, timeline and task-list form, a picture (info in classic)
COSMETIC = ("PM112", "PM113", "PM301", "PM508", "PM604")

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "classic",
            "The reference format (DESIGN §1): issue summary, timeline, root cause and "
            "resolution, corrective and preventative measures, 400-600 words.",
            ("PM",),
            (*GOOGLE_ONLY, *OWNERS_AND_DATES),
        ),
        Profile(
            "google-sre",
            "The Google SRE book template: summary, impact, root causes, trigger, resolution, "
            "detection, action items with owners and due dates, lessons learned, timeline.",
            ("PM",),
            ("PM309", *COSMETIC),
        ),
        Profile(
            "minimal",
            "The least a postmortem needs: summary, timeline, root cause, resolution and "
            "follow-up tasks, consistent times.",
            ("PM10", "PM115", "PM116", "PM302", "PM304", "PM401", "PM402", "PM501", "PM7", "PM8"),
            (*GOOGLE_ONLY, *COSMETIC),
        ),
    )
}

DEFAULT_PROFILE = "classic"

# Sections only the Google SRE template has: a document with two of them follows it.
_GOOGLE_SECTIONS = (
    SectionKind.IMPACT,
    SectionKind.TRIGGER,
    SectionKind.DETECTION,
    SectionKind.LESSONS,
)


def format_of(doc: Document) -> str:
    """The format ``doc`` is written in, read from its sections (for a server that has no
    config file to say): ``google-sre`` when it has two sections only that template has, else
    the default. Held to the classic format, a Google SRE postmortem would be told to rename
    its headings."""
    kinds = {s.kind for s in doc.sections}
    return "google-sre" if len(kinds.intersection(_GOOGLE_SECTIONS)) >= 2 else DEFAULT_PROFILE
