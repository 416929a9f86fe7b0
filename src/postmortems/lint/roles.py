"""Which sections a rule takes for a role, beyond the name of their heading.

The parser gives each section a role (its ``kind``) from its heading. A heading nested under a
section of another subject ("### Summary" inside "## Bounty report") names a part of that
subject, not the postmortem's own section, so rules about the document's structure and its
summary leave it out.
"""

from __future__ import annotations

from postmortems.document.model import Document, Section, SectionKind


def parent(doc: Document, section: Section) -> Section | None:
    """The nearest section before ``section`` with a higher heading (lower level)."""
    index = doc.sections.index(section)
    for before in reversed(doc.sections[:index]):
        if before.level < section.level:
            return before
    return None


def nested_in_other(doc: Document, section: Section) -> bool:
    """The section sits under a heading (below the title) that is about something else."""
    above = parent(doc, section)
    return above is not None and above.level > 1 and above.kind is SectionKind.OTHER


def own_sections(doc: Document, *kinds: SectionKind) -> list[Section]:
    """Sections of these roles that are the document's own (not nested in another subject)."""
    return [s for s in doc.sections if s.kind in kinds and not nested_in_other(doc, s)]


def subsections(doc: Document, section: Section) -> list[Section]:
    """The sections under ``section``'s heading (deeper headings up to the next of its level):
    "## Root cause" may hold its text in "### Primary issue" and "### Secondary issue"."""
    index = doc.sections.index(section)
    out = []
    for after in doc.sections[index + 1 :]:
        if after.level <= section.level:
            break
        out.append(after)
    return out


def setext_twin(doc: Document, section: Section) -> bool:
    """An empty section the parser made of a setext heading's title line, followed by the
    same section at the underline ("Root cause\n-----"): the second one holds the text."""
    index = doc.sections.index(section)
    if index + 1 >= len(doc.sections):
        return False
    after = doc.sections[index + 1]
    return (
        after.kind is section.kind
        and after.title == section.title
        and after.span.start == section.span.start + 1
    )
