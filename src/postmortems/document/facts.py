"""Summary facts: start, end, duration, timezone, % of users affected, the root-cause sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from postmortems.document.affected import _users
from postmortems.document.durations import _DURATION_CUE, recovery_time, stated_duration
from postmortems.document.model import Facts, TimelineEntry, WallTime
from postmortems.document.rootcause import root_cause_sentence
from postmortems.document.summarytimes import (
    _later,
    _zoned,
    find_times_walltime,
    minutes_between,
    plus_minutes,
    summary_windows,
)
from postmortems.document.window import from_timeline
from postmortems.document.zones import (
    Zone,
)

# How the outage window is read; rendered into docs/format.md by formatdoc.
READING_RULES = """\
## The outage window: start, end, duration

The summary's card and the extraction (`pm parse --format extract`) state when the outage started
and ended and how long it lasted, read the way a careful reader reads them
(`src/postmortems/document/facts.py`):

1. **The summary first.** A window the summary (or, without one, the opening paragraphs, or
   the first part when nothing stands before it: "**What Went Wrong**" / "On January 29th at
   approximately 5:50 PM EST, customers …") states gives both ends: `from 10:00 AM to 2:00
   PM`, `between 1900 and 2100 UTC`, `started at … and was resolved by …`. A time after a start
   cue (`began`, `from`, `since`) or before what went down (`at 03:00 UTC the network halted`)
   is the start; a later one after an end cue (`resolved`, `until`, `corrected at`, `back
   online`, `reinstated at`) or before what came back (`At 04:40 AM EST, the platform was fully
   restored`) is the end; of two cues before a time the nearer decides (`started at 2:11 AM and
   ended at 09:30 AM`: 09:30 is the end). A hedge before a time is no obstacle (`from at least
   midnight 9-11-2018 until 04:30`, `from approximately 2215 until at least 2340 UTC`). A
   summary that states only the end (`till about 1300`) takes its start from the timeline.
   Several windows (`between 10:00 and 10:40 UTC and again between 13:05 and 13:30 UTC`, or a
   second one said to come `again` in the next sentence) run from the first start to the last
   end and last the sum of the windows (65 minutes), unless the summary states the total; a
   later range joined by other words (`the team then met from 11:00 to 12:00`) is no window. An
   "end" less than an hour before the start (`backdated to 00:25` after `00:27`) is no end:
   only a drop of an hour or more crosses midnight.
2. **A stated duration wins.** `Duration: 2 hours`, `lasted 45 minutes`, `took 1h50m`, `fixed in
   about 40 minutes`, `two days of downtime`, `a 7 minute cascading failure`, `from 04:00 to 06:30
   PST (2 h 30 min)` is the duration, even when the times give another (`every 10 minutes`,
   `the 5 minute window for` are not). With a start and no end, the end is the timeline's
   recovery, else the start plus that duration. A weaker `for 15 minutes` counts only in the
   summary and only when nothing else gives the length, since it may be any event's length. A
   wrapped line or a `<br>` does not split a statement (`Duration: 19` / `hours`). A bound
   (`lasted for at least seven hours`) is not the duration. The outage's own length (`was down
   for nineteen minutes`, `45 minutes of unexpected downtime`, `Outage for approximately 2
   weeks` in the title) is read before the time a fix took (`the fix took 30 minutes to find
   and apply`); an approximate length beside an exact range (`for about 3 hours, from 15:30 to
   18:10`) yields to the range. With no length and no window in the summary, a stats line
   anywhere states it (`Time to recovery: 399 minutes`), or the `Incident Duration` column of
   an impact table (`~2h`). A fix some minutes after the start (`at 21:45 … mitigated 11
   minutes later`) ends the window; `35m DAI` and `$35m` are money, not minutes.
3. **Else the timeline.** The start is the entry that says the incident began (`OUTAGE BEGINS`),
   else one within the first hour that says the service went down (`Site is hard down`, `the
   backend stops responding`: the change minutes before it is the trigger), else the first timed
   entry. Entries dated before the day the summary states are lead-up (a change merged the day
   before), not the start; without a day in the summary, so are entries on days before the first
   entry that tells of the trouble (`alerts fire`, `errors`, `unauthorized access`, `certificate
   expired`), when none of them shows a sign of it (`a customer reached out`, `the queue
   started increasing`). The end is the entry that says the incident ended, else the last entry
   that tells of a recovery (`service restored`, `back online`, `working again`, `reachable
   again`, `is fixed`, `fix for app.example.com deployed`, `returns to normal`, `which solved
   the issue`) — not an attempt (`rollback attempted; errors still not resolved`), not a hedge
   said while investigating later (`it appears to have recovered`) and not the follow-up work
   after it — else the last timed entry (inferred), unless that is more than a week after the
   start: then the end is not stated. With no timed timeline entry, two or more paragraphs
   that open with a time stand for the timeline: a status post told in prose (`At 05:00 UTC we
   began seeing errors.`) or the mail sent to customers, quoted (`> At 06:10 UTC delivery
   recovered.`). They are dated as a timeline's entries are, and end the window only where one
   tells of a recovery, never at the last paragraph. They are no timeline part.
4. **Dates.** A time takes the date written beside it, else the date of a date line or heading
   above it, else the incident's day: the front matter's `started`, else the first date the
   summary, the opening or the timeline states (a date without a year, `On the evening of Feb
   23`, takes the year the document writes elsewhere; `due date:`, `published` and `Update:`
   lines are not the incident's, nor the `date:` of a post's front matter that lost its `---`
   fences; a sentence that says the incident happened on a day, `This
   incident occurred on February 19, 2020`, wins over a post's dateline above it), else a date
   in the file's name (`2021-10-03-network-outage.md`). A
   timeline that declares its day (`Unless otherwise noted all events happened on 2019-10-21`)
   dates its entries with it, and a date written on one entry is that entry's alone.
   A numeric date that could be read either way (`03/10/2021`) follows the document's own
   order: day first when another of its dates can only be read that way (`25/10/2021`), when the
   file name's, an ISO date or a date written with its month's name (`expired on 8 January
   2026` beside `08-01-2026`) matches the day-first reading, or when its zone is outside the
   Americas (`CEST`, `IST`, `SAST`); month first otherwise (US zones, UTC, no zone).
5. **Several incidents.** A document whose headings each name an incident (`### October 24,
   2025 - Rate limiting outage`, `## Incident #7`, `### API outage (Major)`), two or more at one
   level, reports several; the extraction's `incidents` says how many, and the window is read
   from the first incident's entries. The card and the diagram show the first incident only.

**The zone in words.** With no zone written beside a time or in parentheses, a zone's name
in words written anywhere (`an outage that began this morning Eastern time`) is the zone; a
US zone name takes the daylight or standard offset of the incident's day.

**Say what is inferred.** A fact the text does not state plainly keeps its value and is named in
the extraction's `inferred` list, and the card shows it with `≈`:

- `start`, `end`: its date is not written next to it nor in the summary (taken from a heading,
  the title, the file name or the entry before; "From 04:00 to 06:30 PST on February 12, 2024"
  states it), or the end is the last timeline entry rather than a recovery, or the start plus a
  stated duration;
- `duration_minutes`: computed from an inferred start or end.

Facts from the front matter (`started`, `resolved`, `timezone`) are stated, never inferred.

**One reading everywhere.** The card, the extraction, the server's library list and API
(`duration_minutes`) read the window the same way (`src/postmortems/document/outage.py`): an end
whose date is not written takes the start's day, or the next day when its time is earlier (the
roll-over above); the card then says so (`2026-11-10 12:00 – 10:00 next day`, 22 h). An end
dated before its start (front matter `started: 2026-11-10T12:00`, `resolved:
2026-11-10T10:00`) is a contradiction, never a roll-over: PM115 reports it, the card shows both
times and "the end is before the start", and there is no duration (`null`). Lint messages that
compare times of different days write their dates (`the timeline stops at 2026-11-10 10:00,
before the resolution at 2026-11-11 10:00`).

**Users affected.** The summary's first percentage about users, customers, requests or traffic
(`75% of users`, not `CPU at 95%`, `width=100%`, `30% slower` or a change `by 88.9%`); else 100
when a sentence says every user was hurt (`all users saw 503 errors`, `delays for every
customer`, `every single user`, `Users affected: all`; a sentence runs on across a wrapped line,
`all users` / `may have been affected`) — not `all requests failed`, `all the user routes`,
`it wasn't run for all users`, an apology to them (`we apologize to all of our customers
affected`) or an effect on their business (`a 100% negative effect on their business`). The
words are taken as written: `all customers in the US region` is 100.

**Not a time.** Four digits after `at` are a time (`until about 1300`), except a value something
is set to or stays at (`the MTU was set at 1500`, `peaked at 1800`).

"""


def _summary_window(
    sources: Sequence[str],
    day: dt.date | None,
    zone: Zone | None,
    zones: Mapping[str, int] | None,
    day_first: bool = False,
) -> tuple[WallTime | None, WallTime | None, int | None]:
    """Start and end from the first source that states one (summary, then the head), and the
    length of the windows it states when it states several (their sum)."""
    for text in sources:
        start, end, windows = summary_windows(text, day, zone, zones, day_first=day_first)
        if start is not None or end is not None:
            return start, end, _total(windows)
    return None, None, None


def _total(windows: Sequence[tuple[WallTime, WallTime]]) -> int | None:
    """The minutes of several windows together ("10:00 to 10:40 and again 13:05 to 13:30": 65);
    None for one window, whose length is the time between its ends."""
    lengths = [minutes_between(a, b) for a, b in windows]
    if len(lengths) < 2 or None in lengths:
        return None
    return sum(n for n in lengths if n is not None)


def _stated_durations(sources: Sequence[str], stats: str = "") -> tuple[int | None, int | None]:
    """(a duration stated with a strong cue in the sources, else on a stats line of the document;
    one stated with a weak cue in the first: "for 24 hours" further on may be any event's
    length)."""
    strong = next((d for t in sources if (d := stated_duration(t)) is not None), None)
    if strong is None and stats:
        strong = recovery_time(stats)
    weak = stated_duration(sources[0], weak=True) if sources else None
    return strong, weak


def _timeline_window(
    entries: Sequence[TimelineEntry],
    notes: str,
    text: str,
    day: dt.date | None,
    stated_day: dt.date | None,
    zone: Zone | None,
    zones: Mapping[str, int] | None,
    day_first: bool = False,
    infer_end: bool = True,
) -> tuple[WallTime | None, WallTime | None, set[str]]:
    """The window from the timeline: a stated one beside it ("Total impact duration: … (10:45 -
    16:11 UTC)"), else what its entries tell."""
    window = "\n".join(x for x in notes.split("\n") if _DURATION_CUE.search(x))
    start, end, _ = (
        summary_windows(window, day, zone, zones, day_first=day_first)
        if window
        else (None, None, [])
    )
    if start is not None and end is not None:
        return start, end, set()
    start, end, inferred = from_timeline(entries, stated_day, infer_end=infer_end)
    if start is None:
        start = next(iter(find_times_walltime(text, day, zone, zones)), None)
    return start, end, inferred


def build(
    sources: Sequence[str],
    *,
    day: dt.date | None,
    zone: Zone | None,
    entries: Sequence[TimelineEntry],
    zones: Mapping[str, int] | None = None,
    timeline_text: str = "",
    timeline_notes: str = "",
    stated_day: dt.date | None = None,
    day_first: bool = False,
    stats: str = "",
    told: Sequence[TimelineEntry] = (),
) -> Facts:
    """Facts as a careful reader takes them: the summary's stated window and duration first (then
    the head of the document's), else the timeline's first impact and its recovery; with no
    timed entry, the paragraphs ``told`` that open with a time stand for the timeline (they end
    the window only where one says the service recovered)."""
    infer_end = any(e.when is not None for e in entries) or not told
    entries = entries if infer_end else told
    start, end, windows = _summary_window(sources, day, zone, zones, day_first)
    # a stats line ("Time To Resolve: 60min") yields to the window the summary states
    strong, weak = _stated_durations(sources, "" if start and end else stats)
    strong = windows if strong is None else strong  # a total stated wins over the windows' sum
    stated = strong  # "for 15 minutes" may be any event's length: it moves no end
    inferred: set[str] = set()
    if start is None and end is None:
        reading = (day, stated_day, zone, zones, day_first, infer_end)
        start, end, inferred = _timeline_window(entries, timeline_notes, timeline_text, *reading)
    elif start is not None and end is None:
        length = stated if stated is not None else weak
        end, inferred = _end_after(start, length, entries, infer_end=infer_end)
    elif start is None and end is not None:
        start = _start_before(end, entries, stated_day)
    if stated is not None and start is not None and end is None:
        end, inferred = plus_minutes(start, stated), inferred | {"end"}
    duration = stated if stated is not None else _between(start, end)
    if duration is None:
        duration = weak
    if duration is not None and stated is None and ({"start", "end"} & inferred):
        inferred.add("duration_minutes")
    from_summary = not inferred and (start is not None or end is not None)
    inferred |= _inferred_dates(start, end, stated_day if from_summary else None)
    return Facts(
        start=_zoned(start, zone),
        end=_zoned(end, zone),
        duration_minutes=duration,
        zone=zone,
        users_affected_pct=_users(sources),
        root_cause=next((r for t in sources if (r := root_cause_sentence(t)) is not None), None),
        inferred=frozenset(inferred),
    )


def _end_after(
    start: WallTime,
    stated: int | None,
    entries: Sequence[TimelineEntry],
    *,
    infer_end: bool = True,
) -> tuple[WallTime | None, set[str]]:
    """The end when the summary states only the start: the timeline's recovery, else after the
    stated duration, else the timeline's last entry."""
    _s, last, inferred = from_timeline(entries, start.date, infer_end=infer_end)
    found = last is not None and _later(start, last)
    if found and "end" not in inferred:
        return last, inferred
    if stated is not None:
        return plus_minutes(start, stated), {"end"}
    return (last, inferred) if found else (None, set())


def _start_before(
    end: WallTime, entries: Sequence[TimelineEntry], day: dt.date | None
) -> WallTime | None:
    """The start when the summary states only the end: the timeline's start, if before it."""
    first, _e, _i = from_timeline(entries, day)
    if first is None or (first.date and end.date and first.date > end.date):
        return None
    if first.date == end.date and first.time > end.time:
        return None
    return first


def _between(start: WallTime | None, end: WallTime | None) -> int | None:
    return minutes_between(start, end) if start is not None and end is not None else None


def _inferred_dates(
    start: WallTime | None, end: WallTime | None, stated: dt.date | None = None
) -> set[str]:
    """A start or end whose date the text does not write next to it: not the day the summary
    (or the front matter) states ("From 04:00 to 06:30 PST on February 12, 2024")."""
    out = set()
    for name, when in (("start", start), ("end", end)):
        if (
            when is not None
            and when.date is not None
            and when.date_inferred
            and when.date != stated
        ):
            out.add(name)
    return out
