"""The extraction contract (DESIGN §5): one JSON-ready dict per document."""

from __future__ import annotations

from typing import Any

from postmortems.document.model import Document, SectionKind

SCHEMA = "postmortems.extract/1"


def section_flags(doc: Document) -> dict[str, bool]:
    kinds = {s.kind for s in doc.sections} | {k for s in doc.sections for k in s.subkinds}
    both = SectionKind.ROOT_CAUSE_AND_RESOLUTION in kinds
    return {
        "summary": SectionKind.SUMMARY in kinds,
        "timeline": SectionKind.TIMELINE in kinds or bool(doc.timeline),
        "root_cause": both or SectionKind.ROOT_CAUSE in kinds,
        "resolution": both or SectionKind.RESOLUTION in kinds,
        "corrective_measures": SectionKind.MEASURES in kinds,
        "todo_list": bool(doc.action_items),
    }


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
    day = f.start.date if f.start else None
    pct = (
        doc.meta.users_affected_pct
        if doc.meta.users_affected_pct is not None
        else (f.users_affected_pct)
    )
    out.update(
        title=doc.title,
        sections=section_flags(doc),
        timezone=zone.label if zone else None,
        utc_offset_minutes=zone.offset_at(day) if zone else None,
        start=f.start.local_text() if f.start else None,
        end=f.end.local_text() if f.end else None,
        duration_minutes=f.duration_minutes,
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
