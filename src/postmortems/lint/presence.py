"""Which parts of the format a document has, from the parser's section detection.

Built on ``doc.sections`` (kinds and the kinds of parts marked inside them), ``doc.timeline`` and
``doc.action_items``, so that the linter gets better whenever the parser does.
"""

from __future__ import annotations

from postmortems.document.model import Document, SectionKind

PARTS = (
    "summary",
    "timeline",
    "root_cause",
    "resolution",
    "corrective_measures",
    "todo_list",
    "impact",
    "trigger",
    "detection",
    "lessons",
)


def kinds_of(doc: Document) -> set[SectionKind]:
    return {s.kind for s in doc.sections} | {k for s in doc.sections for k in s.subkinds}


def present(doc: Document) -> dict[str, bool]:
    kinds = kinds_of(doc)
    both = SectionKind.ROOT_CAUSE_AND_RESOLUTION in kinds
    return {
        "summary": SectionKind.SUMMARY in kinds,
        "timeline": SectionKind.TIMELINE in kinds or bool(doc.timeline),
        "root_cause": both or SectionKind.ROOT_CAUSE in kinds,
        "resolution": both or SectionKind.RESOLUTION in kinds,
        "corrective_measures": SectionKind.MEASURES in kinds,
        "todo_list": bool(doc.action_items),
        "impact": SectionKind.IMPACT in kinds,
        "trigger": SectionKind.TRIGGER in kinds,
        "detection": SectionKind.DETECTION in kinds,
        "lessons": SectionKind.LESSONS in kinds,
    }
