"""The extraction contract (DESIGN §5): one JSON-ready dict per document."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from postmortems.document.model import Document, SectionKind

SCHEMA = "postmortems.extract/1"


# A reader finds the cause or the fix stated in the summary or the narrative even without a
# heading of its own ("… went down due to a typo", "The issue was resolved by restarting …").
_CAUSE = re.compile(
    r"\b(?:root[- ]cause|caused by|was caused|due to|because|the cause|result(?:ed)? (?:of|from)|"
    r"stem(?:med|s) from|triggered by|the (?:core |main |underlying |actual )?(?:problem|issue|"
    r"culprit|flaw|bug) (?:was|is|lies)|attributed to|traced (?:back )?to|overlooked|"
    r"did not (?:check|validate)|failed to|typo|misconfigur\w*|(?:a|the) bug|flaw|vulnerab\w*|"
    r"exploit\w*|could (?:create|cause|allow|crash)|allow(?:ed|s)? (?:for|an? |the )|"
    r"compromised|phish\w*|(?:was|were) (?:missing|not set|not configured))\b",
    re.IGNORECASE,
)
_FIX = re.compile(
    r"\b(?:resolved|fixed|the fix|fix(?:ing)? (?:was|is|the|it)|patch(?:ed)?|restored|"
    r"roll(?:ed)?[- ]?back|reverted|restart(?:ed|ing)|mitigated|remediated|was addressed|"
    r"addressed (?:in|by)|corrected|hotfix|solved|solution was|restart\w*|reinstall\w*|"
    r"redeploy\w*|reconfigur\w*|rebooted)\b",
    re.IGNORECASE,
)
_UNKNOWN = re.compile(
    r"\b(?:unknown|not (?:yet )?(?:been )?(?:known|determined|identified)|still investigating|"
    r"under investigation)\b",
    re.IGNORECASE,
)
_NARRATIVE = frozenset(
    {
        SectionKind.SUMMARY,
        SectionKind.IMPACT,
        SectionKind.OTHER,
        SectionKind.LESSONS,
        SectionKind.DETECTION,
        SectionKind.TRIGGER,
    }
)


# "Remediation and Prevention": a measures section that also tells the fix
_FIX_TITLE = re.compile(r"\b(?:remediation|resolution|recovery|fix(?:es)?|mitigation)\b", re.I)


def _narrative(doc: Document) -> str:
    return "\n".join([doc.preamble, *(s.body for s in doc.sections if s.kind in _NARRATIVE)])


_LINK = re.compile(r"!?\[[^\[\]]*\]\([^)\[]*\)|<https?://[^<>]*>|https?://\S+")


def _has_content(body: str) -> bool:
    """Whether a section says anything beyond links and markup (or a sentence pointing to one:
    "A full timeline is available on [the status page](…)")."""
    rest = _LINK.sub(" ", body)
    if rest != body and len(re.findall(r"[A-Za-z]{2,}", rest)) < 15:
        return False
    return bool(re.search(r"[A-Za-z0-9]{3}", rest))


def _opens_with_facts(doc: Document) -> bool:
    """A document that opens with "Duration: …" / "Impact: …" parts has a summary block."""
    named = [s.kind for s in doc.sections if s.kind is not SectionKind.OTHER]
    return bool(named) and named[0] is SectionKind.IMPACT


def section_flags(doc: Document) -> dict[str, bool]:
    kinds = {s.kind for s in doc.sections} | {k for s in doc.sections for k in s.subkinds}
    both = SectionKind.ROOT_CAUSE_AND_RESOLUTION in kinds
    narrative = _narrative(doc) if doc.is_postmortem else ""
    root_sections = [s for s in doc.sections if s.kind is SectionKind.ROOT_CAUSE]
    cause_unknown = bool(root_sections) and all(
        _UNKNOWN.search(s.body) and not _CAUSE.search(s.body) for s in root_sections
    )
    cause = both or (SectionKind.ROOT_CAUSE in kinds and not cause_unknown)
    return {
        "summary": SectionKind.SUMMARY in kinds or _opens_with_facts(doc),
        "timeline": bool(doc.timeline)
        or any(s.kind is SectionKind.TIMELINE and _has_content(s.body) for s in doc.sections),
        "root_cause": cause or (not cause_unknown and bool(_CAUSE.search(narrative))),
        "resolution": both
        or SectionKind.RESOLUTION in kinds
        or any(s.kind is SectionKind.MEASURES and _FIX_TITLE.search(s.title) for s in doc.sections)
        or bool(_FIX.search(narrative))
        or any(_FIX.search(s.body) for s in root_sections),
        "corrective_measures": SectionKind.MEASURES in kinds,
        "todo_list": bool(doc.action_items),
    }


def _front_matter_window(doc: Document) -> tuple[str | None, str | None, int | None]:
    """``started`` / ``resolved`` from the front matter (it wins over the text), as local wall
    times in the document's zone."""
    meta, zone = doc.meta, doc.zone

    def local(when: dt.datetime | None) -> str | None:
        if when is None:
            return None
        if zone is not None and when.tzinfo is not None:
            when = when.astimezone(zone.tzinfo(when.date()))
        return when.strftime("%Y-%m-%d %H:%M")

    duration = None
    if meta.started is not None and meta.resolved is not None:
        try:
            duration = int((meta.resolved - meta.started).total_seconds() // 60)
        except TypeError:  # one aware, one naive: no duration from them
            duration = None
    return local(meta.started), local(meta.resolved), duration


def extract(doc: Document) -> dict[str, Any]:
    """What the document states, in the shape scored against the gold labels."""
    out: dict[str, Any] = {"path": doc.path, "schema": SCHEMA, "is_postmortem": doc.is_postmortem}
    if not doc.is_postmortem:
        out.update(
            kind=doc.kind.value,
            reason=doc.kind_reason,
            sections=dict.fromkeys(section_flags(doc), False),
            timezone=None,
            utc_offset_minutes=None,
            start=None,
            end=None,
            duration_minutes=None,
            users_affected_pct=None,
            timeline=[],
            action_items=[],
        )
        return out
    f = doc.facts
    zone = doc.zone
    start_text, end_text, duration = _front_matter_window(doc)
    if start_text is None:
        start_text = f.start.local_text() if f.start else None
    if end_text is None:
        end_text = f.end.local_text() if f.end else None
    if duration is None:
        duration = f.duration_minutes
    day = doc.meta.started.date() if doc.meta.started else (f.start.date if f.start else None)
    pct = (
        doc.meta.users_affected_pct
        if doc.meta.users_affected_pct is not None
        else (f.users_affected_pct)
    )
    out.update(
        title=doc.title,
        sections=section_flags(doc),
        timezone=zone.label_at(day) if zone else None,
        utc_offset_minutes=zone.offset_at(day) if zone else None,
        start=start_text,
        end=end_text,
        duration_minutes=duration,
        users_affected_pct=int(pct) if pct is not None and float(pct).is_integer() else pct,
        root_cause=f.root_cause,
        timeline=[
            {
                "time": e.when.time.strftime("%H:%M") if e.when else None,
                "date": e.when.date.isoformat() if e.when and e.when.date else None,
                "text": e.text,
            }
            for e in doc.timeline
        ],
        action_items=[
            {
                "text": a.text,
                "done": a.done,
                "owner": a.owner,
                "due": a.due.isoformat() if a.due else None,
            }
            for a in doc.action_items
        ],
    )
    return out
