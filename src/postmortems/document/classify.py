"""Telling postmortems from files that are not: link-only, placeholder, assignment copy, guide
(a runbook too), template, index of other postmortems, notes (a hand-off, a meeting's notes).

A postmortem tells one incident: it states times of day, or at least narrates what happened.
A file without any time that speaks in general terms ("a postmortem is", "this section should")
or reads like a project README is a guide (or, with empty sections, a template); that test
lives in :mod:`postmortems.document.guide`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.document.guide import GUIDE, speaks_in_general
from postmortems.document.markup import URL, prose_words
from postmortems.document.model import DocKind, Section, SectionKind, TimelineEntry
from postmortems.document.textscan import folded
from postmortems.document.timeparse import find_times
from postmortems.document.wording import any_word

# These two run on every file, so they are written for a fast scan: they read the text in lower
# case (``folded``, position for position as IGNORECASE compares) and every branch starts with a
# plain character, which lets the regular expression engine skip ahead in C instead of trying
# every branch at every character (10x faster). "(?<!\wy)" after a first "y" is "\b" before it.
_PLACEHOLDER = re.compile(
    r"\[(?:insert|enter|add|describe|your|date|time|name|xx)[^\[\]]*\]|<(?:insert|date|time|"
    r"service|name|description)[^<>]*>|\{\{[^{}]*\}\}|y(?<!\wy)yyy-mm-dd\b|h(?<!\wh)h:mm\b|"
    r"x(?<!\wx)x:xx\b|t(?<!\wt)bd\b|lorem ipsum"
)
_ASSIGNMENT = re.compile(
    r"using one of the web stack debugging project issue|requirements?:\s*$|"
    r"your post-?mortem must|issue summary section|be brief and straight to the point|"
    r"make people want to read your postmortem|this is an optional task|"
    r"must (?:contain|include|have) (?:an? )?(?:issue summary|timeline)|"
    r"should (?:contain|include|have) (?:an? )?(?:issue summary|timeline)",
    re.MULTILINE,
)


def _placeholders(low: str) -> int:
    """Placeholders left to fill, outside code (a log line's ``<name:"job">`` is none); a
    template filled in keeps its braces around real values (``{{ 06:10 }}``), which are none."""
    prose = _FENCE.sub(" ", low)
    return sum(1 for m in _PLACEHOLDER.finditer(prose) if _is_slot(prose, m))


def _is_slot(low: str, match: re.Match[str]) -> bool:
    """Whether a placeholder is a slot left to fill. A filled template keeps its braces around
    real values (``{{ 06:10 }}``); a written postmortem marks a time it does not know after the
    date it does (``2022-06-02 HH:mm``, ``2022-05-?? HH:mm``): neither is a slot."""
    found = match.group()
    if found.startswith("{{"):
        return _EMPTY_SLOT.match(found) is not None
    if found == "hh:mm":
        return _DATED.search(low, max(0, match.start() - 12), match.start()) is None
    return True


# A date with at least its year written, right before a placeholder time ("2022-05-?? ").
_DATED = re.compile(r"\d{4}[-/][\d?]{1,2}(?:[-/][\d?]{1,2})?[ t]$")


# "{{ summary }}", "{{ service name }}": a slot with a name and nothing in it
_EMPTY_SLOT = re.compile(r"^\{\{\s*[a-z_.-]+(?:\s+[a-z_.-]+){0,2}\s*\}\}$")


_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
_LINK_LINE = re.compile(r"^.*(?:\]\(https?://|<https?://|https?://).*$", re.MULTILINE)


def _index_like(text: str) -> bool:
    """Most lines of the file are links to write-ups elsewhere."""
    # Every linked line holds "http" and every item starting with a link "](": count first.
    if text.count("http") >= 15:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        linked = len(_LINK_LINE.findall(text))
        if linked >= 15 and linked * 5 >= len(lines) * 2:
            return True
    if text.count("](") < 10:
        return False
    items = _TOP_ITEM.findall(text)
    starting_with_link = sum(1 for item in items if _LINK_START.match(item))
    return starting_with_link >= 10 and starting_with_link * 5 >= len(items) * 3


_TOP_ITEM = re.compile(r"^[-*+]\s+(.*)$", re.MULTILINE)
_LINK_START = re.compile(r"^\[[^\]]+\]\((?:https?:)?//")


_EXAMPLE_REASON = "the file explains incident reports; its only timeline is an example of one"
_EXAMPLE_TITLE = any_word(r"examples?|samples?")


def _only_examples(sections: Sequence[Section], timeline: Sequence[TimelineEntry]) -> bool:
    """Every timeline entry stands under a timeline heading that calls it an example or a sample
    ("Example Incident Timeline"): the file shows what a report looks like and tells no incident
    of its own."""
    spans = [
        s.span
        for s in sections
        if s.kind is SectionKind.TIMELINE and _EXAMPLE_TITLE.search(s.title)
    ]
    return bool(spans) and all(
        any(span.start <= e.line <= span.end for span in spans) for e in timeline
    )


GENERAL = "the file explains postmortems in general; it describes no incident"
_TOLD = {SectionKind.ROOT_CAUSE, SectionKind.SUMMARY}
# The parts that tell an incident: a file with none of them, titled as another kind of document
# a team writes, is that document.
_TELLS = _TOLD | {SectionKind.IMPACT, SectionKind.RESOLUTION, SectionKind.ROOT_CAUSE_AND_RESOLUTION}
_RUNBOOK = re.compile(r"^#[ \t]+(?:[^\n]*\b)?(?:run-?book|play-?book|how[ -]to|procedure)\b", re.I)
_NOTES = re.compile(
    r"^#[ \t]+(?:[^\n]*\b)?(?:hand-?off|hand-?over|stand-?up|agenda|meeting (?:notes|minutes)|"
    r"(?:weekly|daily|team|sre|ops) (?:sync|meeting|review|report)|on-?call (?:report|summary))\b",
    re.I,
)


def classify(
    text: str, sections: Sequence[Section], timeline: Sequence[TimelineEntry]
) -> tuple[DocKind, str]:
    """The kind of file and, when it is not a postmortem, why.

    A postmortem tells one incident: it states times, or at least narrates what happened. A file
    that states no time of day and mostly speaks in general terms ("a postmortem is", "this
    section should") is a guide, a template or a copy of the assignment.
    """
    words = prose_words(text)
    links = len(URL.findall(text))
    kinds = {s.kind for s in sections}
    if words < 25 and links:
        return DocKind.LINK_ONLY, "the file only holds a link to a postmortem written elsewhere"
    low = folded(text)
    if "lorem ipsum" in low or _placeholders(low) >= 3:
        return DocKind.TEMPLATE, "the file is a template: it has placeholders to fill in"
    if words < 40:
        return DocKind.PLACEHOLDER, "the file has too little text to be a postmortem"
    if len(_ASSIGNMENT.findall(low)) >= 2:
        return DocKind.ASSIGNMENT, "the file is a copy of the postmortem assignment"
    if (links >= 15 and links * 12 > words) or _index_like(text):
        return DocKind.INDEX, "the file is a list of links to other postmortems"
    if timeline and _only_examples(sections, timeline):
        return DocKind.GUIDE, _EXAMPLE_REASON
    if not kinds & _TELLS and (found := _other_genre(text)) is not None:
        return found
    if any(e.when is not None for e in timeline):
        return DocKind.POSTMORTEM, ""
    prose = _FENCE.sub(" ", text)
    if not find_times(prose) and speaks_in_general(text, prose, sections, timeline):
        if not any(s.body.strip() for s in sections if s.kind is not SectionKind.OTHER):
            return DocKind.TEMPLATE, "the file is a template: its sections are empty"
        return DocKind.GUIDE, GENERAL
    if timeline or SectionKind.TIMELINE in kinds or kinds & _TOLD:
        return DocKind.POSTMORTEM, ""
    return (DocKind.GUIDE, GENERAL) if GUIDE.search(text) else (DocKind.POSTMORTEM, "")


def _other_genre(text: str) -> tuple[DocKind, str] | None:
    """A runbook, a hand-off or a meeting's notes, by the title it opens with ("# Runbook: …",
    "# On-call handoff — week 19", "# SRE weekly sync"), when no part of it tells an incident."""
    title = next((ln for ln in text.splitlines() if ln.startswith("#")), "")
    if _RUNBOOK.match(title):
        return DocKind.GUIDE, "the file is a runbook: it says what to do, not what happened"
    if _NOTES.match(title):
        return DocKind.NOTES, (
            "the file is notes (a hand-off, a meeting's): no summary or root cause of one incident"
        )
    return None
