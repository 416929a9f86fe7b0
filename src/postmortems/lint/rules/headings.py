"""PM111–PM114: structure, the sections' headings — in the profile's order, canonical, written as
Markdown headings, no section twice. The other structure rules are in
:mod:`postmortems.lint.rules.structure`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortems.document.lines import LineKind
from postmortems.document.model import Section, SectionKind
from postmortems.document.sections import CANONICAL_TITLES, normalise
from postmortems.document.wording import any_word
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.roles import explain, names_other_subject, nested_in_other, own_sections, role
from postmortems.lint.violation import Edit, Fix, Severity

_ORDER: dict[str, dict[SectionKind, int]] = {
    "google-sre": {
        SectionKind.SUMMARY: 0,
        SectionKind.IMPACT: 1,
        SectionKind.ROOT_CAUSE: 2,
        SectionKind.ROOT_CAUSE_AND_RESOLUTION: 2,
        SectionKind.TRIGGER: 3,
        SectionKind.RESOLUTION: 4,
        SectionKind.DETECTION: 5,
        SectionKind.MEASURES: 6,
        SectionKind.LESSONS: 7,
        SectionKind.TIMELINE: 8,
    },
    "classic": {
        SectionKind.SUMMARY: 0,
        SectionKind.TIMELINE: 1,
        # one "Root Cause and Resolution" section: the two parts in either order
        SectionKind.ROOT_CAUSE: 2,
        SectionKind.ROOT_CAUSE_AND_RESOLUTION: 2,
        SectionKind.RESOLUTION: 2,
        SectionKind.MEASURES: 4,
    },
}
_TITLES: dict[str, dict[SectionKind, str]] = {
    "google-sre": {
        SectionKind.SUMMARY: "Summary",
        SectionKind.IMPACT: "Impact",
        SectionKind.ROOT_CAUSE: "Root Causes",
        SectionKind.TRIGGER: "Trigger",
        SectionKind.RESOLUTION: "Resolution",
        SectionKind.DETECTION: "Detection",
        SectionKind.MEASURES: "Action Items",
        SectionKind.LESSONS: "Lessons Learned",
        SectionKind.TIMELINE: "Timeline",
    },
    "classic": dict(CANONICAL_TITLES),
}


def order_of(profile: str) -> dict[SectionKind, int]:
    return _ORDER.get(profile, _ORDER["classic"])


def titles_of(profile: str) -> dict[SectionKind, str]:
    return _TITLES.get(profile, _TITLES["classic"])


@rule(
    "PM111",
    "section-order",
    Severity.WARNING,
    requirement="Sections come in the format's order",
)
def section_order(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a section that comes before one it should follow. The classic order is Issue
        Summary, Timeline, Root Cause and Resolution, Corrective and Preventative Measures;
        `google-sre` follows the Google SRE book template. A timeline kept as the last
        section, as the Google SRE template does, is accepted; in `classic`, root cause and
        resolution may come in either order (they form one section), and a separate Impact
        section may stand anywhere (impact belongs in the summary).

    Why it matters:
        Readers know where to look in a familiar order, and executives stop after the summary,
        so the summary must come first.

    Example:
        ## Timeline
        …
        ## Issue Summary
        …

    Use instead:
        ## Issue Summary
        …
        ## Timeline
        …
    """
    order = order_of(ctx.profile)
    titles = titles_of(ctx.profile)
    seen: dict[SectionKind, int] = {}
    highest: tuple[int, SectionKind] | None = None
    for section in ctx.doc.sections:
        rank = order.get(section.kind)
        if rank is None or section.kind in seen or not _is_heading(ctx, section.span.start):
            continue  # labels ("Root cause: …" in an opening block) are not headings to order
        if nested_in_other(ctx.doc, section) or names_other_subject(section.title):
            continue  # "### Summary" of a bug report inside another section, a "Background"
        seen[section.kind] = rank
        if section.kind is SectionKind.TIMELINE and _last_major(ctx, section, order):
            continue  # a timeline kept at the end, as the Google SRE template does
        if highest is not None and rank < highest[0]:
            yield Finding(
                section.span.start,
                f"“{section.title}” comes after “{titles.get(highest[1], highest[1].value)}” — "
                f"move it before; the order is {', '.join(_order_names(order, titles))}",
                explain=explain(ctx, section, role(section)),
            )
        elif highest is None or rank > highest[0]:
            highest = (rank, section.kind)


def _last_major(ctx: Context, section: Section, order: dict[SectionKind, int]) -> bool:
    """No section of the format's order comes after ``section``."""
    after = ctx.doc.sections[ctx.doc.sections.index(section) + 1 :]
    return not any(s.kind in order and s.kind is not section.kind for s in after)


def _order_names(order: dict[SectionKind, int], titles: dict[SectionKind, str]) -> list[str]:
    names: list[str] = []
    for kind, _rank in sorted(order.items(), key=lambda kv: kv[1]):
        skip = order is _ORDER["classic"] and kind in (
            SectionKind.IMPACT,
            SectionKind.ROOT_CAUSE,
            SectionKind.RESOLUTION,
        )
        if not skip and kind in titles and titles[kind] not in names:
            names.append(titles[kind])
    return names


_ATX = re.compile(r"^(?P<lead>\s{0,3}#{1,6}[ \t]*)(?P<text>.*?)(?P<trail>[ \t]*#*[ \t]*)$")


@rule(
    "PM112",
    "non-canonical-heading",
    Severity.INFO,
    requirement="Section headings use the format's names",
)
def non_canonical_heading(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a Markdown heading that names a section of the format in other words
        ("Summary of the incident", "What went wrong"). `--fix` renames it to the canonical
        name, keeping its level.

    Why it matters:
        The same names in every postmortem make them easy to scan and compare, and let tools
        find the parts without guessing.

    Example:
        ## What happened

    Use instead:
        ## Issue Summary
    """
    titles = titles_of(ctx.profile)
    named: set[SectionKind] = set()
    for section in ctx.doc.sections:
        canonical = titles.get(section.kind)
        line = ctx.source_line(section.span.start)
        m = _ATX.match(line)
        if canonical is None or m is None or section.level >= 7:
            continue
        if section.kind in named:
            continue  # "What went well", "Where we got lucky": parts of the role named above
        named.add(section.kind)
        if nested_in_other(ctx.doc, section) or names_other_subject(m["text"]):
            continue  # a part of another section, or a heading about something else
        if section.kind is SectionKind.MEASURES and _DONE_TITLE.search(m["text"]):
            continue  # "Actions taken": work done, which a rename would call measures
        if normalise(m["text"]).startswith(normalise(canonical)):
            continue  # "Timeline (UTC)": the name, and a qualifier worth keeping
        new = f"{m['lead']}{canonical}"
        yield Finding(
            section.span.start,
            f"heading “{m['text'].strip()}” — name this section “{canonical}”",
            column=len(m["lead"]) + 1,
            explain=explain(ctx, section, role(section)),
            fix=Fix(
                f"rename to “{canonical}”", (Edit(section.span.start, section.span.start, new),)
            ),
        )


_DONE_TITLE = any_word(r"taken|done|performed|completed")


@rule(
    "PM113",
    "heading-not-markdown",
    Severity.INFO,
    requirement="Sections start with Markdown headings",
)
def heading_not_markdown(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports, once, sections of the format that start with a bold line or a `Label:` line
        instead of a Markdown heading.

    Why it matters:
        Headings appear in the table of contents, in the rendered outline and in links
        (`#timeline`); bold text does not.

    Example:
        **Timeline:**

    Use instead:
        ## Timeline

    `--fix` makes each label a `##` heading; text after the label on its line becomes the
    section's first paragraph.
    """
    labels = [
        s
        for s in ctx.doc.sections
        if s.kind is not SectionKind.OTHER
        and not ctx.is_update_log(s)
        and not _is_heading(ctx, s.span.start)
        and not _continues_paragraph(ctx, s.span.start)
    ]
    if not labels:
        return
    first = labels[0]
    more = f" (and {len(labels) - 1} more)" if len(labels) > 1 else ""
    edits = tuple(e for s in labels if (e := _as_heading(ctx, s)) is not None)
    yield Finding(
        first.span.start,
        f"“{first.title}”{more} is marked with bold or a label — make it a Markdown heading "
        f"(`## {first.title}`)",
        fix=Fix("make the labels headings", edits) if edits else None,
    )


# after the label's words: the bold's end, a colon, spaces (in any order: "**X:**", "**X**:")
_LABEL_END = re.compile(r"(?:\*\*|__|\*|_)?\s*:?\s*(?:\*\*|__|\*|_)?\s*:?\s*")
_BOLD_OPENING = re.compile(r"\*\*|__")
_LOWER_WORD = re.compile(r"[a-z]+\b")


def _as_heading(ctx: Context, section: Section) -> Edit | None:
    """The label line of ``section`` as a `##` heading, what follows it on the line as the
    section's first paragraph ("**Issue Summary:** checkout was down …"); None when the line
    does not start with the section's title."""
    number = section.span.start
    line = ctx.source_line(number)
    body = line.lstrip()
    opening = _BOLD_OPENING.match(body)
    at = opening.end() if opening else 0
    if not body[at:].startswith(section.title):
        return None
    at += len(section.title)
    end = _LABEL_END.match(body, at)  # it always matches: each of its parts is optional
    rest = body[end.end() if end else at :].strip()
    if not rest:
        return Edit(number, number, f"## {section.title}")
    if _LOWER_WORD.match(rest):  # the paragraph's first word was the label's sentence's
        rest = rest[0].upper() + rest[1:]
    return Edit(number, number, f"## {section.title}\n\n{rest}")


def _continues_paragraph(ctx: Context, number: int) -> bool:
    """The line ends a sentence begun above ("… linked to under\nAction items."): not a label."""
    return number >= 2 and ctx.lines[number - 2].kind is LineKind.TEXT


def _is_heading(ctx: Context, number: int) -> bool:
    return ctx.source_line(number).lstrip().startswith("#") or _is_setext(ctx, number)


def _is_setext(ctx: Context, number: int) -> bool:
    for ln in ctx.lines[number - 1 : number + 1]:
        if ln.kind is LineKind.HEADING:
            return True
    return ctx.source_line(number).lstrip().lower().startswith("<h")


_MAJOR = (
    SectionKind.SUMMARY,
    SectionKind.TIMELINE,
    SectionKind.ROOT_CAUSE_AND_RESOLUTION,
    SectionKind.MEASURES,
)


@rule(
    "PM114",
    "duplicate-section",
    Severity.WARNING,
    requirement="Each section appears once",
)
def duplicate_section(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a second section of the same kind at the same heading level (two `## Timeline`
        sections). A summary followed by a section of the story under another name (`## Summary`
        then `## What happened`) is a common layout and is not reported.

    Why it matters:
        Readers and tools read the first one and miss the rest; a split timeline also hides
        the order of events.

    Example:
        ## Timeline
        - 10:00 - Alert fired.
        ## Timeline
        - 10:30 - Rolled back.

    Use instead:
        ## Timeline
        - 10:00 - Alert fired.
        - 10:30 - Rolled back.
    """
    seen: dict[tuple[SectionKind, int], Section] = {}
    for section in own_sections(ctx.doc, *_MAJOR):
        heading = ctx.source_line(section.span.start)
        if not heading.lstrip().startswith("#") or names_other_subject(heading):
            continue
        key = (section.kind, section.level)
        first = seen.setdefault(key, section)
        if first is section or _summary_then_story(first, section):
            continue
        said = "" if _same_title(first, section) else f"“{first.title}”, "
        yield Finding(
            section.span.start,
            f"a second “{section.title}” section (the first is {said}on line "
            f"{first.span.start}) — merge them into one",
            explain=explain(ctx, section, role(section)),
        )


def _same_title(a: Section, b: Section) -> bool:
    return a.title.strip().casefold() == b.title.strip().casefold()


def _summary_then_story(first: Section, later: Section) -> bool:
    """ "Summary" then "What happened": a short summary and the story told at length, a layout
    many teams use; two summaries under one name are still two."""
    return first.kind is SectionKind.SUMMARY and not _same_title(first, later)
