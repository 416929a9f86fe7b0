"""PM2xx: the issue summary states start, end, timezone, duration, impact and root cause."""

from __future__ import annotations

import re
from collections.abc import Iterator

from postmortems.document import affected, durations
from postmortems.document.model import SectionKind
from postmortems.document.wording import any_word
from postmortems.lint.context import Context
from postmortems.lint.registry import Finding, rule
from postmortems.lint.stated import CAUSE_STATEMENT
from postmortems.lint.summaryfacts import (
    SummaryFacts,
    between,
    summary_explain,
    summary_facts,
    without_outage,
)
from postmortems.lint.summarywords import ALL_USERS, names_service
from postmortems.lint.violation import Severity


def _at_summary(ctx: Context, s: SummaryFacts, message: str) -> Finding:
    """A finding on the summary, which says which sections were read as the summary."""
    return Finding(s.line, message, explain=summary_explain(ctx))


_EXAMPLE = "From 04:00 to 06:30 PST on February 12, 2024 (2 hours 30 minutes)"


@rule(
    "PM201",
    "summary-without-start",
    Severity.WARNING,
    requirement="Summary: the start time is stated",
)
def summary_without_start(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports an issue summary that does not say when the outage started (front matter
        `started:` also counts).

    Why it matters:
        Duration and time to detect are measured from the start; readers need it first.

    Example:
        ## Issue Summary
        The checkout API returned errors for a while.

    Use instead:
        ## Issue Summary
        From 04:00 to 06:30 PST on February 12, 2024, the checkout API returned errors.
    """
    s = summary_facts(ctx)
    if without_outage(ctx):
        return
    if s is not None and s.start is None and ctx.doc.meta.started is None:
        yield _at_summary(
            ctx, s, f"the summary does not say when the outage started — e.g. “{_EXAMPLE}”"
        )


@rule(
    "PM202",
    "summary-without-end",
    Severity.WARNING,
    requirement="Summary: the end time is stated",
)
def summary_without_end(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports an issue summary that states a start but no end (front matter `resolved:` or
        `mitigated:` also counts).

    Why it matters:
        Without an end readers cannot tell how long users were affected.

    Example:
        ## Issue Summary
        Starting at 04:00 PST, checkout failed for most users.

    Use instead:
        ## Issue Summary
        From 04:00 to 06:30 PST, checkout failed for most users.
    """
    s = summary_facts(ctx)
    meta = ctx.doc.meta
    if s is None or s.end is not None or meta.resolved or meta.mitigated or without_outage(ctx):
        return
    if s.start is not None and s.any_minutes is not None:
        return  # the end is derivable: start + stated duration
    yield _at_summary(ctx, s, f"the summary does not say when the outage ended — e.g. “{_EXAMPLE}”")


@rule(
    "PM203",
    "summary-without-timezone",
    Severity.WARNING,
    requirement="Summary: times include a timezone",
)
def summary_without_timezone(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports summary times without a timezone (next to the time, declared in the summary,
        or in front matter `timezone:`).

    Why it matters:
        "04:00" means different instants to readers in different offices; incident tools'
        users ask for correct timezones more than anything.

    Example:
        From 04:00 to 06:30, checkout failed.

    Use instead:
        From 04:00 to 06:30 PST, checkout failed.
    """
    s = summary_facts(ctx)
    if s is not None and (s.start or s.end) and s.zone is None:
        yield _at_summary(
            ctx, s, "the summary's times have no timezone — write it next to them (04:00 PST)"
        )


@rule(
    "PM204",
    "summary-without-duration",
    Severity.WARNING,
    requirement="Summary: the duration is stated or derivable from start and end",
)
def summary_without_duration(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a summary from which the outage's duration can be neither read ("lasted 45
        minutes") nor derived (start and end).

    Why it matters:
        Duration is the first number executives look for, and the input of MTTR figures.

    Example:
        The site was down on Monday morning.

    Use instead:
        The site was down for 45 minutes, from 09:10 to 09:55 UTC on Monday.
    """
    s = summary_facts(ctx)
    if s is None or s.any_minutes is not None or without_outage(ctx):
        return
    if s.start is not None and (s.end is not None or ctx.doc.meta.resolved):
        return
    if ctx.doc.meta.started and ctx.doc.meta.resolved:
        return
    elsewhere = durations.stated_duration(ctx.text_of(_STATES_DURATION))
    if elsewhere:
        yield _at_summary(
            ctx,
            s,
            f"the summary gives no duration, though the document states {_hm(elsewhere)} "
            "further down — say it in the summary, which is what most readers read",
        )
        return
    yield _at_summary(ctx, s, "the summary gives no duration — state it (“for 2 hours 30 minutes”)")


@rule(
    "PM205",
    "duration-mismatch",
    Severity.WARNING,
    requirement="Summary: a stated duration agrees with start and end",
)
def duration_mismatch(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a stated duration that differs from the time between the stated start and end
        by more than `duration-tolerance-minutes`.

    Why it matters:
        One of the two is wrong, and readers cannot tell which.

        A duration said to be approximate ("approximately 7 hours", "about 40 minutes") may be
        off by a quarter of itself, up to an hour. A document that reports several incidents is
        not checked: its times are the first one's, and a length it states may be the total.

    Example:
        From 10:00 to 14:00 UTC (2 hours), payments failed.

    Use instead:
        From 10:00 to 14:00 UTC (4 hours), payments failed.
    """
    s = summary_facts(ctx)
    if s is None or s.stated_minutes is None or s.start is None or s.end is None:
        return
    if ctx.doc.incidents > 1:
        return  # a roundup: its times are the first incident's, a length may be the total's
    derived = between(s.start, s.end, s.zone)
    if derived is None:
        return
    tolerance = int(ctx.options["duration-tolerance-minutes"])
    if _approximate(s.text, s.stated_minutes):
        tolerance = max(tolerance, min(60, s.stated_minutes // 4))
    if abs(derived - s.stated_minutes) > tolerance:
        yield _at_summary(
            ctx,
            s,
            f"the summary states {_hm(s.stated_minutes)} but {s.start.time:%H:%M} to "
            f"{s.end.time:%H:%M} is {_hm(derived)} — correct one of them",
        )


# where else a document states how long the outage lasted (not a footnote on log retention)
_STATES_DURATION = (
    SectionKind.IMPACT,
    SectionKind.RESOLUTION,
    SectionKind.ROOT_CAUSE_AND_RESOLUTION,
    SectionKind.DETECTION,
    SectionKind.TIMELINE,
)


# "approximately 7 hours", "about 40 min", "~2h": a length the text rounds on purpose
_APPROXIMATE = re.compile(
    r"\b(?:about|approximately|approx\.?|around|roughly|nearly|almost|close to|some)\s+"
    r"(?P<length>\d+(?:\.\d+)?\s*(?:days?|hours?|hrs?|h|minutes?|mins?|m)\b)|"
    r"~\s?(?P<short>\d+(?:\.\d+)?\s*(?:days?|hours?|hrs?|h|minutes?|mins?|m)\b)",
    re.IGNORECASE,
)


def _approximate(text: str, minutes: int) -> bool:
    """Whether the text says the length ``minutes`` is approximate."""
    return any(
        durations.duration_of(m["length"] or m["short"]) == minutes
        for m in _APPROXIMATE.finditer(text)
    )


def _hm(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if h and m else (f"{h} h" if h else f"{m} min")


@rule(
    "PM206",
    "summary-without-service",
    Severity.WARNING,
    requirement="Summary: the impacted service is named",
)
def summary_without_service(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a summary that names no service, site, API or system that was down or slow
        (front matter `services:` also counts).

    Why it matters:
        "What was down" is the first question of every reader.

    Example:
        For two hours 75% of users saw errors.

    Use instead:
        For two hours the checkout API returned errors to 75% of users.
    """
    s = summary_facts(ctx)
    if s is None or ctx.doc.meta.services:
        return
    if not names_service(s.text, ctx.doc.title):
        yield _at_summary(
            ctx, s, "the summary does not name the impacted service — say what was down"
        )


_EXPERIENCE = any_word(
    r"could(?:n't| not)|can(?:'t|not)|unable|errors?|fail\w*|slow\w*|latenc\w*|time ?outs?|"
    r"timed out|down|unavailable|inaccessible|unreachable|outage|degraded|[45]\d\d|blank|"
    r"lost|delay\w*|broken|crash\w*|hang\w*|stuck|impact\w*|affect\w*|disrupt\w*|interrupt\w*|"
    r"experienc\w*|saw|see|received|got|access|discover\w*|notic\w*|deduct\w*|charg\w*|"
    r"missing|compromis\w*|stolen|leak\w*|expos\w*|wrong|incorrect|invalid|unexpected\w*|"
    r"unexplained|halt\w*|stall\w*|stopped|unusable|offline|outage|ceas\w* to \w+|"
    r"(?:signed|logged|kicked|locked) out|duplicat\w*|twice|refus\w*|reject\w*|denied|"
    r"dropp\w*|bounc\w*|stale|corrupt\w*|empty (?:page|result|response|cart)s?"
)


@rule(
    "PM207",
    "summary-without-user-experience",
    Severity.WARNING,
    requirement="Summary: what users experienced is described",
)
def summary_without_user_experience(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a summary that does not describe what users experienced (errors, slowness,
        failures to log in…).

    Why it matters:
        Impact is measured in what users could not do, not in what a server did.

    Example:
        The database primary ran out of connections.

    Use instead:
        Users could not log in for 40 minutes: the database primary ran out of connections.
    """
    s = summary_facts(ctx)
    if s is not None and not _EXPERIENCE.search(s.text) and not without_outage(ctx):
        yield _at_summary(
            ctx, s, "the summary does not say what users experienced — e.g. “users saw 502 errors”"
        )


@rule(
    "PM208",
    "summary-without-users-affected",
    Severity.WARNING,
    requirement="Summary: the % of users affected is given",
)
def summary_without_users_affected(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a summary that does not give the share of users affected ("75% of users",
        "all users", "a total outage", or a count such as "three customers"; front matter
        `impact.users_affected_pct` also counts).

    Why it matters:
        The share of users affected is what makes an incident a SEV1 or a SEV4.

    Example:
        Some users could not check out.

    Use instead:
        About 75% of users could not check out.
    """
    s = summary_facts(ctx)
    if s is None or ctx.doc.meta.users_affected_pct is not None or without_outage(ctx):
        return
    if affected.users_pct(s.text) is not None or affected.all_users(s.text):
        return
    if not ALL_USERS.search(s.text):
        yield _at_summary(
            ctx, s, "the summary does not give the % of users affected — “75% of users”"
        )


_CAUSE = any_word(
    r"root[- ]?causes?|caused by|cause (?:was|is)|because|due to|triggered by|"
    r"result(?:ed)? (?:of|from)|stemm\w* from|traced (?:back )?to|attributed to|"
    r"originated from|led to|was the culprit|owing to|the reason|causing|caused|"
    r"result(?:ed|ing|s)? in|as a result|because of|overlooked|failed to|neglected|"
    r"should(?:n['’]t| not) have (?:had|been)|"
    r"(?:can|could|would|may|might) (?:cause|lead to|result in|crash|allow)|"
    r"(?:did not|didn't|does not|doesn't) (?:check|validate|account for|handle|limit)|"
    r"(?:was|were) (?:missing|not (?:set|configured|checked|validated))|"
    r"(?:it was|we) (?:determined|found|discovered|identified|confirmed) that|turned out|"
    r"(?:investigation|analysis) (?:showed|revealed|found)|"
    r"brought (?:\w+ )?down|took (?:\w+ )?down|"
    r"ran out of|filled up|misconfigur\w*|(?:a|the) (?:bug|regression|flaw|vulnerability)|"
    r"took advantage of|(?:a|an|the) missing|"
    r"(?:was|were) (?:triggered|introduced)|introduced (?:a|an|by)|after (?:a|an|the) "
    r"(?:\w+ )?(?:deploy\w*|upgrade|update|release|change|migration)|"
    r"after\s+(?:[\w`-]+\s+){1,5}(?:change|upgrade|update|deploy\w*|release|migration)|"
    # "…, and our auth service still pinned the old one, so it rejected every login"
    r", so (?:it|they|every \w+|all \w+|no \w+) (?:\w+ )?(?:rejected|refused|failed|dropped|"
    r"returned|stopped|could(?:n't| not)|timed out|crashed|broke|lost|ran out)"
)


@rule(
    "PM209",
    "summary-without-root-cause",
    Severity.WARNING,
    requirement="Summary: the root cause is stated",
)
def summary_without_root_cause(ctx: Context) -> Iterator[Finding]:
    """What it does:
        Reports a summary that does not state the root cause in a sentence.

    Why it matters:
        Executives read only the summary; it must say why it happened.

    Example:
        From 04:00 to 06:30 PST checkout failed for 75% of users.

    Use instead:
        From 04:00 to 06:30 PST checkout failed for 75% of users. The root cause was an
        expired TLS certificate.
    """
    s = summary_facts(ctx)
    if s is None or _CAUSE.search(s.text):
        return
    if not CAUSE_STATEMENT.search(s.text):
        yield _at_summary(
            ctx, s, "the summary does not state the root cause — add “The root cause was …”"
        )
