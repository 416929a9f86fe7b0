"""PM8xx: learning across postmortems (these rules need the library: `pm lint --library DIR`)."""

from __future__ import annotations

from collections.abc import Iterator

from postmortems.document.model import SectionKind
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.violation import Severity

SHOWN_ACTIONS = 3


@rule(
    "PM801",
    "repeat-with-open-actions",
    Severity.WARNING,
    requirement="The same failure never happens twice: an earlier postmortem with the same "
    "cause has its corrective actions done (with `--library`)",
)
def repeat_with_open_actions(ctx: Context) -> Iterator[Finding]:
    """What it does:
        With `pm lint --library DIR`, reports a postmortem whose cause reads like an earlier
        postmortem's (similarity at least `repeat-min-score` percent, root-cause words or
        error strings in common, and two telling words shared by the two causes, as the
        server's repeat check asks: when both state a root cause, a word only their summaries
        share does not count, since a summary says what the users saw, "product pages showed
        yesterday's prices", which any two incidents of one product share) while that earlier
        postmortem's corrective action items are still open, naming the earlier postmortem and
        its open items. The cause is what people
        wrote: the lines a postmortem drafted from an incident holds in its summary or root
        cause ("Mitigated at 16:04: Status changed from identified to monitoring") are read
        with the rest of the text, as the server's repeat check reads them. Without a library
        it reports nothing.

    Why it matters:
        The point of a postmortem is that the same failure never happens twice. When it does,
        and the fixes promised last time are still not done, the reviewers need to know:
        finish those items, or say why this incident is different.

    Example:
        ## Root Cause
        The TLS certificate for api.example.com expired: certbot renewal had been failing
        for weeks and nothing alerted on it.

        (with `--library` holding an earlier expired-certificate postmortem whose item
        "- [ ] Alert when a certificate expires within 14 days" is still open)

    Use instead:
        Finish the earlier postmortem's items (tick them: "- [x] Alert when a certificate
        expires within 14 days"), or link the earlier postmortem and say in this one's
        measures why its items did not prevent this incident.
    """
    if ctx.library is None or not ctx.library.docs:
        return
    from postmortems.search import causes  # only with `--library`
    from postmortems.search.text import doc_from_document

    target = doc_from_document(ctx.doc.path or "<text>", ctx.doc)
    least = int(ctx.options["repeat-min-score"]) / 100
    line = _cause_line(ctx)
    mine = causes.doc_cause_words(target)
    for match, earlier in ctx.library.earlier_matches(target):
        shared = [r for r in match.reasons if r.startswith(("root cause: ", "error: "))]
        if match.score < least or not shared or not earlier.open_actions:
            continue
        if not causes.same_cause(mine.shared(causes.doc_cause_words(earlier))):
            continue  # what the users saw, not what broke
        items = "; ".join(f"“{a}”" for a in earlier.open_actions[:SHOWN_ACTIONS])
        more = len(earlier.open_actions) - SHOWN_ACTIONS
        items += f" and {more} more" if more > 0 else ""
        title = f" (“{earlier.title}”)" if earlier.title else ""
        yield Finding(
            line,
            f"the cause matches {earlier.id}{title} — {'; '.join(shared)}; similarity "
            f"{match.score:.0%} — whose corrective actions are still open: {items}; finish "
            "them or say why this incident is different",
        )


def _cause_line(ctx: Context) -> int:
    kinds = (SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION, SectionKind.SUMMARY)
    for kind in kinds:
        section = ctx.doc.section(kind)
        if section is not None and section.span.start:
            return section.span.start
    return ctx.body_start
