"""PM1xx: structure — the file is a postmortem, its sections are there, in order, recognisable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from postmortems.document.lines import LineKind
from postmortems.document.model import Section, SectionKind
from postmortems.document.sections import CANONICAL_TITLES, normalise
from postmortems.document.wording import any_word
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.roles import explain, names_other_subject, nested_in_other, own_sections, role
from postmortems.lint.violation import Edit, Fix, Severity


@rule(
    "PM100",
    "unreadable-document",
    Severity.ERROR,
    requirement="The file is readable: valid YAML front matter between `---` lines",
    always=True,
)
def unreadable_document(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports front matter that is not valid YAML (or not a mapping), and files the parser
        could not read at all. The rest of the file is still checked.

    Why it matters:
        Tools that read the front matter (the team server, `pm build`, analytics) skip a file
        whose front matter is broken, so its severity, services and times are lost.

    Example:
        ---
        title: Checkout down: 502s
        ---

    Use instead:
        ---
        title: "Checkout down: 502s"
        ---
    """
    error = ctx.parse_error
    if error is not None:
        yield Finding(error.line or 1, error.said, error.column or 1)


@rule(
    "PM101",
    "not-a-postmortem",
    Severity.ERROR,
    requirement="The file is a postmortem (not a link, a placeholder, a template or the "
    "assignment text)",
    always=True,
)
def not_a_postmortem(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports, once, a file that is not a postmortem: a file that only holds a link, an empty
        or placeholder file, a template, a copy of the assignment, a general guide or an index
        of other postmortems. No other rule runs on such a file.

    Why it matters:
        A link or a placeholder in the postmortem library looks like a written postmortem in
        counts and searches, while the incident is in fact undocumented.

    Example:
        # Postmortem

        See https://docs.google.com/document/d/1abc/edit

    Use instead:
        Write the postmortem in the file: issue summary, timeline, root cause and resolution,
        corrective and preventative measures.
    """
    if not ctx.doc.is_postmortem:
        reason = ctx.doc.kind_reason or f"the file looks like a {ctx.doc.kind.value}"
        yield Finding(
            _first_line(ctx),
            f"not a postmortem: {reason} — write the postmortem itself here "
            "(summary, timeline, root cause and resolution, measures)",
        )


def _first_line(ctx: Context) -> int:
    for ln in ctx.lines:
        if ln.kind not in (LineKind.BLANK, LineKind.COMMENT):
            return ln.number
    return 1


@dataclass(slots=True)
class _Part:
    code: str
    name: str
    part: str
    title: str  # what to call it in messages
    why: str
    example: str


_MISSING = (
    _Part(
        "PM102",
        "missing-summary",
        "summary",
        "Issue Summary",
        "The summary is what executives and most readers read: duration, impact and root "
        "cause in a paragraph.",
        "From 04:00 to 06:30 PST (2 h 30 min) the checkout API returned 502 errors to 75% of "
        "users. The root cause was an expired TLS certificate.",
    ),
    _Part(
        "PM103",
        "missing-timeline",
        "timeline",
        "Timeline",
        "The timeline shows how the incident was detected, investigated, escalated and "
        "resolved; the time to detect and to resolve are read from it.",
        "- 04:07 PST - Pager alert: 5xx rate above 5% on checkout-api.",
    ),
    _Part(
        "PM104",
        "missing-root-cause",
        "root_cause",
        "Root Cause",
        "Without a stated root cause nobody can check that the measures address it, and the "
        "incident will happen again.",
        "The upstream TLS certificate, issued by hand a year earlier, expired at 04:00.",
    ),
    _Part(
        "PM105",
        "missing-resolution",
        "resolution",
        "Resolution",
        "Readers (and the next on-call engineer) need to know what fixed the problem.",
        "A new certificate was issued from the internal CA and nginx was reloaded.",
    ),
    _Part(
        "PM106",
        "missing-corrective-measures",
        "corrective_measures",
        "Corrective and Preventative Measures",
        "The point of a postmortem is that the incident does not happen twice; that needs "
        "measures.",
        "Certificates issued by hand are invisible until they fail; we will automate them.",
    ),
    _Part(
        "PM107",
        "missing-impact",
        "impact",
        "Impact",
        "The Google SRE template states impact in its own section: who was affected, how much.",
        "About 75% of checkout requests failed for 2 h 30 min; no data was lost.",
    ),
    _Part(
        "PM108",
        "missing-trigger",
        "trigger",
        "Trigger",
        "The Google SRE template separates the trigger (what set the root cause off) from the "
        "root cause itself.",
        "The certificate's one-year lifetime ended at 04:00 PST.",
    ),
    _Part(
        "PM109",
        "missing-detection",
        "detection",
        "Detection",
        "The Google SRE template records how the problem was detected, to improve detection.",
        "The pager alert on the 5xx rate fired 7 minutes after the start.",
    ),
    _Part(
        "PM110",
        "missing-lessons-learned",
        "lessons",
        "Lessons Learned",
        "The Google SRE template records what went well, what went wrong and where the team "
        "got lucky.",
        "What went well: the alert fired within minutes. Where we got lucky: it was 4 am.",
    ),
)


# Parts whose section can be there and still not say it: "## Root Cause and Resolution" over
# "Human error." names no fix, "## Root Cause" over "Unknown." no cause.
_HEADED: dict[str, tuple[SectionKind, ...]] = {
    "resolution": (SectionKind.RESOLUTION, SectionKind.ROOT_CAUSE_AND_RESOLUTION),
    "root_cause": (SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION),
}
_SAYS = {"resolution": "what fixed it", "root_cause": "what caused it"}


def _register_missing(part: _Part) -> None:
    def check(ctx: Context) -> Iterator[Finding]:
        if ctx.parts[part.part]:
            return
        headed = ctx.sections(*_HEADED.get(part.part, ()))
        if headed:  # the heading is there; what it holds does not say it
            yield Finding(
                headed[0].span.start or _first_line(ctx),
                f"the “{headed[0].title}” section does not say {_SAYS[part.part]} — "
                f"add it, e.g. “{part.example}”",
            )
            return
        yield Finding(
            _first_line(ctx),
            f"no {part.title} section — add a `## {part.title}` section",
        )

    heading = f"## {part.title}"
    said = (
        f"\n        A section whose heading names it but whose text does not say {_SAYS[part.part]}"
        "\n        (“## Root Cause and Resolution” over “Human error.”) is reported at its heading."
        if part.part in _SAYS
        else ""
    )
    check.__doc__ = f"""What it does:
        Reports a postmortem with no {part.title} section. Headings are recognised however
        they are written (Markdown heading, bold line, `Label:` line) and through synonyms.{said}

    Why it matters:
        {part.why}

    Example:
        A postmortem without a `{heading}` section (or a synonym of it).

    Use instead:
        {heading}

        {part.example}
    """
    check.__name__ = part.name.replace("-", "_")
    rule(
        part.code,
        part.name,
        Severity.ERROR,
        requirement=f"The {part.title} section is present and recognisable",
    )(check)


for _part in _MISSING:
    _register_missing(_part)

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
    """
    labels = [
        s
        for s in ctx.doc.sections
        if s.kind is not SectionKind.OTHER
        and not _is_heading(ctx, s.span.start)
        and not _continues_paragraph(ctx, s.span.start)
    ]
    if not labels:
        return
    first = labels[0]
    more = f" (and {len(labels) - 1} more)" if len(labels) > 1 else ""
    yield Finding(
        first.span.start,
        f"“{first.title}”{more} is marked with bold or a label — make it a Markdown heading "
        f"(`## {first.title}`)",
    )


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
        sections).

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
    seen: dict[tuple[SectionKind, int], int] = {}
    for section in own_sections(ctx.doc, *_MAJOR):
        heading = ctx.source_line(section.span.start)
        if not heading.lstrip().startswith("#") or names_other_subject(heading):
            continue
        key = (section.kind, section.level)
        if key in seen:
            yield Finding(
                section.span.start,
                f"a second “{section.title}” section (the first is on line {seen[key]}) — "
                "merge them into one",
                explain=explain(ctx, section, role(section)),
            )
        else:
            seen[key] = section.span.start


@rule(
    "PM115",
    "front-matter-value",
    Severity.WARNING,
    requirement="Front-matter fields have valid values",
)
def front_matter_value(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a front-matter field whose value has the wrong type or is not one of the
        allowed values (a `severity` of `high`, a `timezone` nobody knows), and a time given
        before the one it follows (`resolved` before `started`).

    Why it matters:
        The value is ignored, so the postmortem is missing from filters and dashboards that
        use it.

    Example:
        ---
        severity: critical
        ---

    Use instead:
        ---
        severity: SEV1
        ---
    """
    for problem in ctx.doc.problems:
        hint = f" — {problem.hint}" if problem.hint else ""
        yield Finding(problem.line or 1, f"{problem.message}{hint}", problem.column or 1)


# A slot of the template left as it was: a list item that holds only "…" (after its time and
# zone, its checkbox or a label: "- 04:02 UTC - Monitoring alert fired: …"), the owner
# placeholder `@someone` (not an address such as oncall@someone.org).
_SLOT = re.compile(
    r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(?:\d{1,2}:\d{2}(?:\s*[A-Z]{2,5})?\s*-\s*)?"
    r"(?:[^\n:]*:[ \t]+)?(?:…|\.\.\.)[ \t]*(?:\([^()]*\))?[ \t]*$|(?<![\w.])@someone\b"
)


@rule(
    "PM116",
    "unfilled-placeholder",
    Severity.ERROR,
    requirement="The template's slots are filled in: no `…` left where the text goes",
)
def unfilled_placeholder(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a line where a slot of the template (`pm new`) is still to fill: a list item or
        timeline entry that holds only `…`, a label followed by nothing but `…`
        (`Monitoring alert fired: …`), or the owner `@someone`. Code blocks and comments are
        not read.

    Why it matters:
        A draft with its slots left reads as a postmortem to every tool: the library lists it,
        the timeline shows an entry that says nothing, and a task is owned by nobody. An error:
        the server does not approve a postmortem until it is filled in.

    Example:
        - 04:02 - Monitoring alert fired: …
        - [ ] … (owner: @someone, due: 2026-12-19)

    Use instead:
        - 04:02 - Monitoring alert fired: checkout 5xx above 5%
        - [ ] Alert on certificate expiry 14 days ahead (owner: @ana, due: 2026-12-19)
    """
    for ln in ctx.prose_lines:
        found = _SLOT.search(ln.raw)
        if found is not None:
            slot = found[0].strip() if found[0].startswith("@") else ln.text.strip()
            yield Finding(
                ln.number,
                f"a slot of the template is still to fill (“{slot}”) — write "
                "what goes here, or delete the line",
                found.start() + 1,
            )
