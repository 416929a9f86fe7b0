"""What a line of a timeline is besides an entry: a template prompt, a phase label, a lead-in
paragraph, a new statement rather than a wrapped line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.document.lines import Line, LineKind
from postmortems.document.sections import is_phase_title, marker_of
from postmortems.document.timelinedraft import Context, _Draft
from postmortems.document.timelinetext import _TAG_PATTERN
from postmortems.document.timeparse import find_times, leading_time


def _is_prompt(text: str) -> bool:
    """A prompt left from a template ("When was the issue detected?")."""
    return text.endswith("?") or bool(_PROMPT.match(text))


_PHASE_LABEL = re.compile(r"^(?P<t>[^:]{2,60}?)\s*:\s*(?P<rest>.*)$")


def _phase_of(ln: Line) -> tuple[str, str] | None:
    """(title, text after it) when the line heads a phase of the incident or a bold entry."""
    if ln.kind not in (LineKind.HEADING, LineKind.TEXT, LineKind.LIST):
        return None
    m = marker_of(ln)
    if m is not None and (is_phase_title(m.title) or (m.kind is None and m.level >= 7)):
        return m.title, m.rest
    plain = " ".join(_EMPHASIS.sub("", ln.text).split())
    lm = _PHASE_LABEL.match(plain)
    if lm and is_phase_title(lm["t"]):
        return lm["t"].strip(), lm["rest"].strip()
    return None


_EMPHASIS = re.compile(r"\*\*|__|" + _TAG_PATTERN)


def _drop_lead_in(drafts: list[_Draft], paragraphs: list[_Draft]) -> list[_Draft]:
    """Paragraphs are entries only in a timeline made of paragraphs; there, a first paragraph
    saying when the work began is a lead-in, and one that only points elsewhere ("see the status
    page") is no entry."""
    if not paragraphs:
        return drafts
    if len(paragraphs) == len(drafts) and all(
        _POINTER.search(" ".join(d.parts)) and not find_times(" ".join(d.parts)) for d in paragraphs
    ):
        return []
    if len(paragraphs) < len(drafts):
        return [d for d in drafts if not d.paragraph]
    if len(paragraphs) < 2 or any(d.own_line for d in paragraphs):
        return drafts
    if any(d.found is not None for d in drafts):
        return drafts
    first = " ".join(paragraphs[0].parts)
    later = any(find_times(" ".join(d.parts)) for d in drafts[1:])
    if find_times(first) and not later:
        return drafts[1:]
    return drafts


_POINTER = re.compile(r"\]\([^)\[\]]+\)|https?://|<https?://", re.IGNORECASE)
# "how was the issue detected", "which team/individuals was the incident escalated to"
_PROMPT = re.compile(
    r"^[*_]*(?:when|how|what|which|who|why|where)\b(?:\s+[^\s.!,\d]+){1,11}\s*:?[*_]*$",
    re.IGNORECASE,
)


def _prose_follows(lines: Sequence[Line], i: int, ctx: Context) -> bool:
    """The next non-blank line after ``lines[i]`` is a paragraph, not an entry."""
    for ln in lines[i + 1 :]:
        if ln.kind is LineKind.BLANK:
            continue
        return ln.kind is LineKind.TEXT and leading_time(ln.raw.strip(), year=ctx.year) is None
    return False


_OPEN_END = re.compile(r"(?:[,\-–—(]|\b(?:and|or|to|the|a|an|of|with|for|in|on|at|by))$", re.I)


def _own_line(prev: _Draft, text: str) -> bool:
    """A line that starts a new statement rather than continuing the wrapped line above."""
    last = prev.source[-1].raw.strip() if prev.source else ""
    return bool(text[:1].isupper() and last and not _OPEN_END.search(last))
