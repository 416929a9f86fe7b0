"""Model → canonical Markdown (DESIGN §4).

Front matter in the field-table order, the title as an H1 when the front matter has none, each
section as a level-2 heading, timeline entries as ``- HH:MM - text`` bullets and action items as
checkbox lines. ``parse(write(doc)) == doc``, and a canonical file is a fixed point.
"""

from __future__ import annotations

from postmortems.document import frontmatter
from postmortems.document.actions import format_item
from postmortems.document.model import Document, SectionKind, TimelineEntry, WallTime


def _stamp(when: WallTime, zone_label: str | None) -> str:
    text = when.time.strftime("%H:%M")
    if when.date is not None and not when.date_inferred:
        text = f"{when.date.isoformat()} {text}"
    return f"{text} {zone_label}" if zone_label else text


def format_entry(entry: TimelineEntry) -> str:
    if entry.when is None:
        return f"- {entry.text}"
    zone = entry.when.zone.label if entry.zone_stated and entry.when.zone else None
    stamp = _stamp(entry.when, None if entry.until else zone)
    if entry.until is not None:
        stamp += "-" + _stamp(entry.until, zone)
    return f"- {stamp} - {entry.text}" if entry.text else f"- {stamp}"


def write(doc: Document) -> str:
    """The canonical Markdown text of ``doc``."""
    chunks: list[str] = []
    fm = frontmatter.dump(doc.meta)
    if fm:
        chunks.append(f"---\n{fm}---")
    if doc.title and doc.meta.title is None:
        chunks.append(f"# {doc.title}")
    if doc.preamble:
        chunks.append(doc.preamble)
    for section in doc.sections:
        parts = [f"{'#' * section.level} {section.title}"]
        if section.body:
            parts.append(section.body)
        # Entries and items live in the first section of their kind (where the parser took them).
        if doc.timeline and section is doc.section(SectionKind.TIMELINE):
            parts.append("\n".join(format_entry(e) for e in doc.timeline))
        if doc.action_items and section is doc.section(SectionKind.MEASURES):
            parts.append("\n".join(format_item(a) for a in doc.action_items))
        chunks.append("\n\n".join(parts))
    return "\n\n".join(chunks) + "\n"
