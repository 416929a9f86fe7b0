"""PM1xx: structure — the file is a postmortem, its sections are there, in order, recognisable.

The rules on the sections' headings (order, canonical titles, Markdown headings, duplicates:
PM111–PM114) are in :mod:`postmortems.lint.rules.headings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from postmortems.document.lines import LineKind
from postmortems.document.model import Document, SectionKind
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.violation import Severity


@rule(
    "PM100",
    "unreadable-document",
    Severity.ERROR,
    requirement="The file is readable: valid YAML front matter between `---` lines",
    always=True,
)
def unreadable_document(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports front matter that is not valid YAML (or not a mapping, or never closed by its
        `---` line), and files the parser could not read at all. The rest of the file is still
        checked.

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
    found = _judged(ctx)
    if found is not None:
        yield Finding(found[0], f"{found[1]} — {NOT_A_POSTMORTEM_FIX}")


NOT_A_POSTMORTEM_FIX = (
    "write the postmortem itself here (summary, timeline, root cause and resolution, measures)"
)


def not_a_postmortem_at(doc: Document) -> tuple[int, str] | None:
    """PM101's judgement of ``doc``: the line where a text that is not a postmortem begins and
    what it is instead (fixed by :data:`NOT_A_POSTMORTEM_FIX`), or None for a postmortem. The
    server refuses to store such a text, and `pm import` and `pm push` skip such a file, in
    these words."""
    return _judged(Context(doc, "classic", {}))


def _judged(ctx: Context) -> tuple[int, str] | None:
    if ctx.doc.is_postmortem:
        return None
    reason = ctx.doc.kind_reason or f"the file looks like a {ctx.doc.kind.value}"
    return _first_line(ctx), f"not a postmortem: {reason}"


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


@rule(
    "PM115",
    "front-matter-value",
    Severity.ERROR,
    requirement="Front-matter fields have valid values",
)
def front_matter_value(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a front-matter field whose value has the wrong type or is not one of the
        allowed values (a `severity` of `high`, a `timezone` nobody knows), and a time given
        before the one it follows (`resolved` before `started`).

    Why it matters:
        The value is ignored, so the postmortem is missing from filters and dashboards that
        use it (a severity of `SEV9` is counted under no severity, and the review rules that
        depend on it cannot apply). A zone nobody knows leaves the times in no zone (the card
        says "zone unknown", never UTC); an end before the start has no duration (the card
        shows both times and "the end is before the start"). An error: on the server it blocks
        the approval until fixed.

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
    # the summary's opening as the skeleton writes it: "From 00:00 to 01:00 UTC, …"
    r"|^From [^\n]{1,80}?,[ \t]+…[ \t]*$"
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
        (`Monitoring alert fired: …`), the summary's opening (`From 00:00 to 01:00 UTC, …`),
        or the owner `@someone`. Code blocks and comments are not read.

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
