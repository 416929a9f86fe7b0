"""The outage window a timeline tells: the entry that says it began (or that the service went
down), and the one that says it ended (or that the service recovered).

Read only when the summary does not state the window itself (:func:`postmortems.document.facts.
build`), so a postmortem that states it never compiles these word lists.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence

from postmortems.document.model import TimelineEntry, WallTime
from postmortems.document.timeparse import leading_date
from postmortems.document.wording import any_word

_BEGINS = re.compile(
    r"\b(?:incident|outage|impact|downtime)\s+(?:begins|began|starts|started)\b", re.IGNORECASE
)
_ENDS = re.compile(
    r"\b(?:incident|outage|impact|downtime)\s+(?:ends|ended|is over|over|mitigated|resolved)\b",
    re.IGNORECASE,
)
# What an entry says happened: the service was whole again.
_RECOVERED = any_word(
    r"resolved|restored|recovered|recovering|back (?:up|online|to normal|in service|"
    r"to (?:full|its usual|usual|normal))|(?:fully )?operational|working (?:again|normally|as "
    r"(?:expected|usual))|(?:up|reachable|available|accessible|online|responsive) again|"
    r"all[- ]clear|mitigated|healthy again|stable again|"
    r"(?:is|was|were|are) (?:now )?(?:back|stable|healthy|fixed)|"
    r"fix (?:for \S+ )?(?:was )?(?:deployed|merged|released|rolled out)|"
    r"outage (?:ends|ended|over)|incident (?:closed|resolved|over)|"
    r"return(?:s|ed)? to normal|self-heal(?:s|ed)?|"
    # "manually downgraded, which solved the issue"
    r"(?:solved|fixed|resolved) the (?:issue|problem|outage)|(?:issue|problem) (?:is |was )?"
    r"(?:now )?solved"
)
# "rollback attempted; errors continued", "not yet resolved", "it appears to have recovered"
# (said while investigating, of an earlier recovery): no recovery.
_NOT_RECOVERED = any_word(
    r"not|never|no longer|failed to|unable to|attempt\w*|tr(?:y|ied|ying) to|still|"
    r"continu\w*|persist\w*|partial\w*|partly|appears? to|appeared to|seems? to|seemed to"
)


# "Site is hard down", "the API went down": the service stopped, in so many words.
_GOES_DOWN = any_word(
    r"(?:is|was|are|were)\s+(?:hard\s+|completely\s+|fully\s+)?down|went\s+down|goes\s+down|"
    r"became\s+(?:unavailable|unreachable|unresponsive)|stop(?:s|ped)\s+responding"
)
# What an entry says went wrong, or that someone saw it: the trouble has begun. ("the conditions
# for failure have been set" foretells it: a noun alone is not the trouble.)
_TROUBLE = any_word(
    r"(?:is|was|are|were|went|goes)\s+down|outage|errors?|fail(?:s|ed|ing)|unavailable|"
    r"unreachable|unresponsive|not (?:working|responding|loading|running)|broken|crash(?:es|ed)|"
    r"alerts?|alerted|paged|reports?|reported|noticed|detected|drops?|dropped|stopped|stops|"
    r"timeouts?|timed out|degraded|impact(?:ed|ing)?|unauthori[sz]ed|compromis\w*|malicious|"
    r"breach(?:ed|es)?|leak(?:ed|s)?|exposed|expired"
)


def _goes_down(timed: Sequence[TimelineEntry]) -> TimelineEntry | None:
    """The first entry that says the service went down, within the hour after the first entry
    and before any recovery: the steps just before it (the change that triggered it) are
    lead-up."""
    opening = timed[0].when if timed else None
    for e in timed:
        if _recovers(e) or _hours_after(opening, e.when, 1):
            return None
        if _GOES_DOWN.search(e.text) and not _NOT_RECOVERED.search(e.text):
            return e
    return None


def _hours_after(a: WallTime | None, b: WallTime | None, hours: int) -> bool:
    """``b`` is more than ``hours`` after ``a`` (both dated)."""
    if a is None or b is None or a.date is None or b.date is None:
        return False
    gap = dt.datetime.combine(b.date, b.time) - dt.datetime.combine(a.date, a.time)
    return gap > dt.timedelta(hours=hours)


def _from_day(timed: list[TimelineEntry], day: dt.date | None) -> list[TimelineEntry]:
    """Entries dated before the incident's stated day are its lead-up ("the config was changed
    the day before"), not its start."""
    if day is None:
        return timed
    for i, e in enumerate(timed):
        when = e.when
        if when is None or when.date is None or when.date >= day:
            return timed[i:]
        if when.date_inferred:
            return timed[i:]
    return timed


def _oldest_first(timed: list[TimelineEntry]) -> list[TimelineEntry]:
    """The entries in the order they happened: a log written newest first (a status page's
    updates) is read from its last entry."""
    moments = [_moment(e.when) for e in timed if e.when is not None]
    if len(moments) < 3 or moments[0] <= moments[-1]:
        return timed
    if all(a >= b for a, b in itertools.pairwise(moments)):
        return timed[::-1]
    return timed


def _moment(when: WallTime) -> dt.datetime:
    return dt.datetime.combine(when.date or dt.date.min, when.time)


def _trouble_day(entries: Sequence[TimelineEntry]) -> dt.date | None:
    """The day of the first entry that tells of the trouble, when the entries on earlier days
    show no sign of it: what happened days before (a change merged, a certificate issued) is
    lead-up. An earlier entry that shows a sign of it (a customer got in touch, a count started
    growing) is the trouble's start, and nothing is cut."""
    for i, e in enumerate(entries):
        if not _TROUBLE.search(e.text):
            continue
        day = e.when.date if e.when is not None else _leading_day(e)
        earlier = [
            x
            for x in entries[:i]
            if x.when is not None and x.when.date and day and x.when.date < day
        ]
        if not earlier or any(_SIGNS.search(x.text) for x in entries[:i]):
            return None
        return day
    return None


# The trouble showing before it is named: someone got in touch, something started to grow.
_SIGNS = any_word(
    r"reached out|inform\w*|contact\w*|complain\w*|notic\w*|detect\w*|increas\w*|"
    r"decreas\w*|grow\w*|spik\w*|slow\w*|elevated|high|suspicious"
)


def _leading_day(entry: TimelineEntry) -> dt.date | None:
    """The date an untimed entry opens with ("| 2022-05-10 | Prices drop |"), if any."""
    found = leading_date(entry.raw.lstrip(" |"))
    return found[1] if found else None


def _recovers(entry: TimelineEntry) -> bool:
    text = entry.text
    return bool(_RECOVERED.search(text)) and not _NOT_RECOVERED.search(text)


def from_timeline(
    entries: Sequence[TimelineEntry], day: dt.date | None = None, *, infer_end: bool = True
) -> tuple[WallTime | None, WallTime | None, set[str]]:
    """The outage window a timeline tells, and which ends of it are inferred.

    The start is the entry that says the incident began, else one in the first hour that says the
    service went down, else the first timed entry. The end is the entry that says the incident
    ended, else the last entry that tells of a recovery (not an attempt), else the last timed
    entry, which is inferred, and only within a week of the start (and only if ``infer_end``:
    paragraphs told in prose end where they say so, not where the story stops).
    """
    timed = _oldest_first([e for e in entries if e.when is not None])
    timed = _from_day(timed, day or _trouble_day(entries))
    if not timed:
        return None, None, set()
    posted = _status_window(timed)
    if posted is not None:
        return posted
    first = next((e for e in timed if _BEGINS.search(e.text)), None)
    first = first or _goes_down(timed)
    first = first or timed[0]
    later = timed[timed.index(first) + 1 :]
    if not later:
        return first.when, None, set()
    inferred: set[str] = set()
    last = next((e for e in reversed(later) if _ENDS.search(e.text)), None)
    if last is None:
        last = _recovery(later)
    if last is None and not infer_end:
        return first.when, None, set()
    if last is None:
        last = later[-1]
        inferred.add("end")
        if _hours_after(first.when, last.when, _FOLLOW_UP_HOURS):
            return first.when, None, set()  # a week on, the entries are follow-up: no end stated
    return first.when, last.when, inferred


# An update of a status page's log, as the timeline holds it: "Investigating - We are …"
_UPDATE = re.compile(
    r"(?P<status>investigating|identified|monitoring|update|resolved|post-?mortem|completed|"
    r"scheduled|in progress|verifying)(?: - |$)",
    re.IGNORECASE,
)
_OPENS = frozenset({"investigating"})
_CLOSES = frozenset({"resolved", "completed"})


def _status_window(
    timed: Sequence[TimelineEntry],
) -> tuple[WallTime | None, WallTime | None, set[str]] | None:
    """The window of a status page's log (every entry an update): from the first update that
    says the trouble is being investigated to the last that says it is resolved, whatever their
    texts say ("Resolved - … we will continue to monitor"). None for any other timeline, or a
    log with no resolved update."""
    statuses = [m["status"].lower() if (m := _UPDATE.match(e.text)) else None for e in timed]
    if len(timed) < 3 or None in statuses:
        return None
    closes = [e for e, s in zip(timed, statuses, strict=True) if s in _CLOSES]
    if not closes:
        return None
    opens = [e for e, s in zip(timed, statuses, strict=True) if s in _OPENS]
    first = opens[0] if opens else timed[0]
    if timed.index(closes[-1]) <= timed.index(first):
        return None
    return first.when, closes[-1].when, set()


# A last entry this long after the start, when no entry tells of a recovery, is follow-up work.
_FOLLOW_UP_HOURS = 7 * 24


def _recovery(later: Sequence[TimelineEntry]) -> TimelineEntry | None:
    """The last entry that tells of a recovery (not an attempt at one)."""
    return next((e for e in reversed(later) if _recovers(e)), None)
