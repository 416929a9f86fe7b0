"""Which sections a rule takes for a role, beyond the name of their heading.

The parser gives each section a role (its ``kind``) from its heading. A heading nested under a
section of another subject ("### Summary" inside "## Bounty report") names a part of that
subject, not the postmortem's own section, so rules about the document's structure and its
summary leave it out.
"""

from __future__ import annotations

from postmortems.document.model import Document, Section, SectionKind
from postmortems.document.sections import CANONICAL_TITLES, normalise
from postmortems.document.wording import any_word
from postmortems.lint.context import Context

# Headings the parser reads as a role but that name another subject: renaming "Background"
# to "Issue Summary" would change what the section says it is.
_OTHER_SUBJECT = any_word(r"background|context|introduction|description|details|notes|glossary")


def names_other_subject(title: str) -> bool:
    """A heading such as "Background" or "Context": read for its role, but about something
    else than the part of the format it resembles."""
    return bool(_OTHER_SUBJECT.search(title))


def parent(doc: Document, section: Section) -> Section | None:
    """The nearest section before ``section`` with a higher heading (lower level)."""
    index = doc.sections.index(section)
    for before in reversed(doc.sections[:index]):
        if before.level < section.level:
            return before
    return None


_PARTS_OF = {
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: {SectionKind.ROOT_CAUSE, SectionKind.RESOLUTION},
    SectionKind.SUMMARY: {SectionKind.IMPACT},
}


def nested_in_other(doc: Document, section: Section) -> bool:
    """The section sits under a heading (below the title) that is about something else: a
    "### Summary" inside "## Bounty report", a "### Mitigation" category of "## Action items".
    A heading that wraps the whole document ("## Incident report") is not another subject."""
    above = parent(doc, section)
    if above is None or above.level <= 1 or above.kind is section.kind:
        return False
    if section.kind in _PARTS_OF.get(above.kind, set()):
        return False
    if above.kind is not SectionKind.OTHER:
        return True
    peers = [s for s in doc.sections if s.level == above.level and s is not above]
    return any(s.kind is not SectionKind.OTHER for s in peers)


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


def explain(ctx: Context, section: Section, role: str) -> str:
    """Which section a rule took for ``role``, and why (`pm lint --explain`)."""
    line = ctx.source_line(section.span.start).strip()
    if not line.startswith("#") and not _underlined(ctx, section):
        why = f"the label “{section.title}” opens it"
    elif normalise(section.title).startswith(normalise(CANONICAL_TITLES.get(section.kind, ""))):
        why = "its heading names it"
    else:
        why = f"its heading “{section.title}” reads as the {role}"
    return f"took “{section.title}” (line {section.span.start}) as the {role}: {why}"


def _underlined(ctx: Context, section: Section) -> bool:
    return ctx.source_line(section.span.start + 1).strip().startswith(("===", "---"))


def role(section: Section) -> str:
    """The role of a section in words: "root cause", "corrective measures"."""
    return section.kind.value.replace("_", " ")
