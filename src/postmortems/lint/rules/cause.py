"""PM4xx: root cause and resolution are both there and detailed."""

from __future__ import annotations

from collections.abc import Iterator

from postmortems.document.model import Section, SectionKind
from postmortems.lint.context import Context, prose_words
from postmortems.lint.registry import Finding, rule
from postmortems.lint.roles import explain, own_sections, setext_twin, subsections
from postmortems.lint.violation import Severity


@rule(
    "PM401",
    "root-cause-too-short",
    Severity.WARNING,
    requirement="Root cause: explained in detail (at least `root-cause-min-words` words)",
)
def root_cause_too_short(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a root cause section (or a combined "Root Cause and Resolution" section) with
        fewer words than `root-cause-min-words` (plus `resolution-min-words` for a combined
        section).

    Why it matters:
        "A bug" or "the server crashed" is not a root cause; the measures can only be checked
        against a cause explained in detail.

    Example:
        ## Root Cause
        A config error.

    Use instead:
        ## Root Cause
        A change to the nginx upstream block pointed checkout traffic at a pool that had
        been drained for maintenance; every request to it timed out after 30 seconds…
    """
    rc = int(ctx.options["root-cause-min-words"])
    res = int(ctx.options["resolution-min-words"])
    for section in own_sections(
        ctx.doc, SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION
    ):
        if setext_twin(ctx.doc, section):
            continue
        both = section.kind is SectionKind.ROOT_CAUSE_AND_RESOLUTION
        least = rc + res if both else rc
        words = _words_with_subsections(ctx, section)
        if words < least:
            what = "root cause and resolution" if both else "root cause"
            yield Finding(
                section.span.start,
                f"the {what} has {words} words — explain it in detail (at least {least})",
                explain=explain(ctx, section, what),
            )


@rule(
    "PM402",
    "resolution-too-short",
    Severity.WARNING,
    requirement="Resolution: explained in detail (at least `resolution-min-words` words)",
)
def resolution_too_short(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a resolution section with fewer words than `resolution-min-words`.

    Why it matters:
        The next on-call engineer facing the same symptoms needs to know exactly what fixed
        it.

    Example:
        ## Resolution
        Fixed it.

    Use instead:
        ## Resolution
        Issued a new certificate from the internal CA and reloaded nginx; the error rate was
        back to its baseline within a minute.
    """
    least = int(ctx.options["resolution-min-words"])
    for section in own_sections(ctx.doc, SectionKind.RESOLUTION):
        if setext_twin(ctx.doc, section):
            continue
        words = _words_with_subsections(ctx, section)
        if words < least:
            yield Finding(
                section.span.start,
                f"the resolution has {words} words — say what was done, in detail (at least "
                f"{least})",
                explain=explain(ctx, section, "resolution"),
            )


def _words_with_subsections(ctx: Context, section: Section) -> int:
    """Words of the section and of the deeper sections under its heading."""
    parts = [section, *subsections(ctx.doc, section)]
    return sum(prose_words(ctx.section_text(s)) for s in parts)
