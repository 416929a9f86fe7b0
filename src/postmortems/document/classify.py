"""Telling postmortems from files that are not: link-only, placeholder, assignment copy, guide,
template, index of other postmortems."""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.document.model import DocKind, Section, SectionKind, TimelineEntry

_URL = re.compile(r"https?://\S+|www\.\S+")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_PLACEHOLDER = re.compile(
    r"\[(?:insert|enter|add|describe|your|date|time|name|xx)[^\]]*\]|<(?:insert|date|time|"
    r"service|name|description)[^>]*>|\{\{[^}]*\}\}|\bYYYY-MM-DD\b|\bHH:MM\b|\bXX:XX\b|"
    r"\bTBD\b|lorem ipsum",
    re.IGNORECASE,
)
_ASSIGNMENT = re.compile(
    r"using one of the web stack debugging project issue|requirements?:\s*$|"
    r"your post-?mortem must|issue summary section|be brief and straight to the point|"
    r"make people want to read your postmortem|this is an optional task|"
    r"(?:must|should) (?:contain|include|have) (?:an? )?(?:issue summary|timeline)",
    re.IGNORECASE | re.MULTILINE,
)
_GUIDE = re.compile(
    r"\b(?:a postmortem is|post-?mortems? (?:are|is) (?:a|an|the)|how to write|"
    r"writing (?:a|an|good) post-?mortems?|the purpose of a post-?mortem)\b",
    re.IGNORECASE,
)


def prose_words(text: str) -> int:
    return len(_WORD.findall(_URL.sub(" ", _MD_LINK.sub(r"\1", text))))


def classify(
    text: str, sections: Sequence[Section], timeline: Sequence[TimelineEntry]
) -> tuple[DocKind, str]:
    """The kind of file and, when it is not a postmortem, why."""
    words = prose_words(text)
    links = len(_URL.findall(text))
    kinds = {s.kind for s in sections}
    if words < 25 and links:
        return DocKind.LINK_ONLY, "the file only holds a link to a postmortem written elsewhere"
    if words < 40:
        return DocKind.PLACEHOLDER, "the file has too little text to be a postmortem"
    if len(_PLACEHOLDER.findall(text)) >= 3:
        return DocKind.TEMPLATE, "the file is a template: it has placeholders to fill in"
    if len(_ASSIGNMENT.findall(text)) >= 2:
        return DocKind.ASSIGNMENT, "the file is a copy of the postmortem assignment"
    if links >= 15 and links * 12 > words:
        return DocKind.INDEX, "the file is a list of links to other postmortems"
    has_incident = bool(timeline) or SectionKind.TIMELINE in kinds
    if (
        not has_incident
        and _GUIDE.search(text)
        and not (kinds & {SectionKind.ROOT_CAUSE, SectionKind.SUMMARY})
    ):
        return DocKind.GUIDE, "the file explains postmortems in general; it describes no incident"
    return DocKind.POSTMORTEM, ""
