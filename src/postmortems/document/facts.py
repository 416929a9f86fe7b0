"""Summary facts: start, end, duration, timezone, % of users affected, the root-cause sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from postmortems.document.markup import BREAK, table_cells
from postmortems.document.model import Facts, TimelineEntry, WallTime
from postmortems.document.parenzone import paren_zone
from postmortems.document.timeparse import Found, find_dates, find_times
from postmortems.document.window import from_timeline
from postmortems.document.wording import any_word
from postmortems.document.zones import (
    LONG_NAMES,
    ZONE_DECLARATION_RE,
    Zone,
    zone_from_text,
    zone_of_place,
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
   online`) is the end; of two cues before a time the nearer decides (`started at 2:11 AM and
   ended at 09:30 AM`: 09:30 is the end). A summary that states only the end (`till about
   1300`) takes its start from the timeline. An "end" less than an hour before the start
   (`backdated to 00:25` after `00:27`) is no end: only a drop of an hour or more crosses
   midnight.
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
   entry that tells of the trouble (`alerts fire`, `errors`, `unauthorized access`), when none of
   them shows a sign of it (`a customer reached out`, `the queue started increasing`). The
   end is the entry that says the incident ended, else the last entry that tells of a recovery
   (`service restored`, `back online`, `working again`, `is fixed`, `returns to normal`,
   `which solved the issue`) — not
   an attempt (`rollback attempted; errors still not resolved`), not a hedge said while
   investigating later (`it appears to have recovered`) and not the follow-up work after it —
   else the last timed entry (inferred), unless that is more than a week after the start: then
   the end is not stated.
4. **Dates.** A time takes the date written beside it, else the date of a date line or heading
   above it, else the incident's day: the front matter's `started`, else the first date the
   summary, the opening or the timeline states (a date without a year, `On the evening of Feb
   23`, takes the year the document writes elsewhere; `due date:`, `published` and `Update:`
   lines are not the incident's; a sentence that says the incident happened on a day, `This
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

**Users affected.** The summary's first percentage about users, customers, requests or traffic
(`75% of users`, not `CPU at 95%`, `width=100%`, `30% slower` or a change `by 88.9%`); else 100
when a sentence says every user was hurt (`all users saw 503 errors`, `delays for every
customer`) — not `all the user routes`, `it wasn't run for all users`, an apology to them (`we
apologize to all of our customers affected`) or an effect on their business (`a 100% negative
effect on their business`).

**Not a time.** Four digits after `at` are a time (`until about 1300`), except a value something
is set to or stays at (`the MTU was set at 1500`, `peaked at 1800`).

"""

_DURATION_PART = re.compile(
    r"(?:(?<![\w.:])|(?<=\dh))"  # "1h50m": the minutes follow the hours
    r"(?:(?P<n>\d+(?:\.\d+)?|(?:twenty|thirty|forty|fifty|sixty)(?:[- ](?:one|two|"
    r"three|four|five|six|seven|eight|nine))?|an?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|half an?)(?:\s+|-|(?<=\d))"
    r"(?P<u>weeks?|days?|hours?|hrs?|minutes?|mins?)|"
    # "35m" is minutes, but "35m DAI" and "$35m" are millions
    r"(?<![$€£])(?P<n2>\d+(?:\.\d+)?)(?P<u2>h|m)(?![^\S\n]+[A-Z]{2,6}\b)|"
    # "2 h 30 min", "1 d 2 h" (the card's own form): a lone d or h, then a number or a stop
    r"(?P<n3>\d+(?:\.\d+)?)\s(?P<u3>d|h)(?=\s+\d|[,.;)]))(?:\b|(?<=h)(?=\d+m\b))",
    re.IGNORECASE,
)
_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "half an": 0.5,
    "half a": 0.5,
}
# A stated duration: strong cues name the outage's length; "for 15 minutes" may be any event's.
_APPROX = r"(?:about |approximately |roughly |around |nearly |over |almost |~\s?)?"
# The outage's own length ("lasted", "was down for", "an outage for") is read before the time a
# fix took ("took 30 minutes to find and apply", "fixed in 40 minutes").
_OUTAGE_CUE = (
    r"\b(duration|lasted|lasting|outage of|downtime of|total(?:ing|ling|ed)?(?: of)?|"
    r"(?:was|were|been|went|is|are)\s+(?:completely\s+|fully\s+)?(?:down|offline|"
    r"unavailable|unreachable|inaccessible)\s+for|(?:outage|downtime)\s+for)\b"
)
# "took 30 minutes", "fixed within an hour", "is mitigated 11 minutes later" (after the start)
_FIX_CUE = (
    r"\b(took|(?:fixed|resolved|restored|recovered|mitigated) (?:with)?in|"
    r"(?:fixed|resolved|restored|recovered|mitigated|stopped)(?= (?:roughly |about |"
    r"approximately )?[\w.]+ (?:minutes?|mins?|hours?|hrs?) later\b))\b"
)
_DURATION_CUE = re.compile(
    "(?:" + _OUTAGE_CUE + "|" + _FIX_CUE + r")[^.\n\d]{0,25}?", re.IGNORECASE
)
_LENGTH_CUE = re.compile(_OUTAGE_CUE + r"[^.\n\d]{0,25}?", re.IGNORECASE)
_FIX_LENGTH_CUE = re.compile(_FIX_CUE + r"[^.\n\d]{0,25}?", re.IGNORECASE)
# "Time to recovery: 399 minutes", "Time to resolve - 2 hours": a stats line anywhere in the
# document, read when the summary states no length.
_RECOVERY_TIME = re.compile(
    r"^[ \t>*_|-]*(?:total[ \t]+)?time[ \t]+to[ \t]+(?:recover(?:y)?|resolve|resolution|restore|"
    r"mitigate|mitigation)[*_ \t]*[:=|-][ \t]*(?P<length>[^\n]{1,40})",
    re.IGNORECASE | re.MULTILINE,
)
_WEAK_DURATION_CUE = re.compile(
    r"\bfor " + _APPROX + r"(?=\d|an?\b|one|two|three|half)", re.IGNORECASE
)
_JOIN = re.compile(r"[\s,]*(?:and\s+)?")
_PCT = re.compile(r"(?<![\w=.])(?P<n>\d{1,3}(?:\.\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)
# "35% of EU users", "about 20 percent of our customers": a share of the people themselves
_OF_PEOPLE = re.compile(
    _PCT.pattern + r"\s+of\s+(?:(?:the|our|all|active|paying|affected|(?-i:[A-Z]{2,5}))\s+){0,2}"
    r"(?:users|customers|clients|visitors|subscribers|people|members|merchants|players|accounts|"
    r"tenants)\b",
    re.IGNORECASE,
)
_USERS = re.compile(
    r"\b(users?|customers?|clients?|visitors?|requests?|traffic|accounts?|"
    r"subscribers?|people|members?|merchants?|players?|sessions?|userbase|"
    r"user base|population|tenants?|sites?|orders?|transactions?|logins?|sign-?ins?|"
    r"attempts|calls|queries|page ?views|websites?)\b",
    re.I,
)
# "all users", "every customer": 100% when no percentage is written (the guide's rule)
_ALL_USERS = re.compile(
    r"\b(?:all\s+(?:of\s+)?(?:our\s+|the\s+|its\s+)?(?:users|customers|visitors)|"
    r"every(?:one of)?\s+(?:our\s+|the\s+|its\s+)?(?:users?|customers?|visitors?))\b"
    r"(?!\s+(?:where|whose|who (?:had|have) to)\b)",
    re.I,
)
# The sentence says the users were hurt, not that something was done for all of them.
_HURT = any_word(
    r"affect\w*|impact\w*|unable|could ?n[o']t|cannot|can't|saw|see|seeing|experienc\w*|"
    r"errors?|down|lost|outage|unavailable|failed|failing|blocked|locked out|disrupt\w*|delay\w*|"
    r"degrad\w*|slow\w*|time ?outs?|timed out|broken|interrupt\w*"
)
# An apology or thanks addressed to the users tells who is spoken to, not who was hurt.
_ADDRESSED = re.compile(
    r"\b(?:apologi[sz]e[sd]?|sorry|thank(?:s|ful)?|grateful)\s+(?:\w+\s+){0,2}$", re.I
)
_NEGATED_ALL = re.compile(r"\b(?:not|n't|never)\b[^.]{0,30}$", re.I)
_CHANGE_BY = re.compile(r"\bby\s+$", re.IGNORECASE)
_NOT_USERS = re.compile(
    r"\b(cpu|memory|disk|slower|faster|increase|decrease|utili[sz]ation|"
    r"load|capacity|uptime|availability|width|height|coverage|error rate|degradation|degraded|"
    r"drop|reduction|decline|loss|less|more|latency|effect|business|sure|certain|confident)\b",
    re.I,
)
# Words that mark a time as the start or the end, anywhere in its clause ("the outage began at")
# or right before it ("from 10:00", "to 11:00").
_START_CUE = re.compile(
    r"\b(start(?:ed|ing|s)?|began|begin|onset|commenced|went down|occurred)\b|"
    r"\b(?:from|between|since)\s+(?:approximately\s+|about\s+|around\s+)?\W*$",
    re.I,
)
_END_CUE = re.compile(
    r"\b(end(?:ed|s|ing)?|resolved|restored|recovered|fixed|solved|corrected|repaired|mitigated|"
    r"back (?:up|online|to)|fully operational|operational again|came back|closed)\b|"
    r"\b(?:until|till|(?<!close )(?<!up )(?<!due )(?<!prior )(?<!next )to|through|by)\s+"
    r"(?:approximately\s+|about\s+|around\s+)?\W*$",
    re.I,
)
_ROOT = re.compile(r"\broot(?:[- ]?|[ \t]*\n[ \t]*)cause", re.IGNORECASE)  # "root\ncause": wrapped


_WORD_JOIN = re.compile(r"[- ]")


def _number(word: str) -> float | None:
    """``45``, ``1.5``, ``an``, ``twenty-four``."""
    if word[:1].isdigit():
        return float(word)
    parts = _WORD_JOIN.split(word)
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS:
        return _WORDS[parts[0]] + _WORDS[parts[1]]
    return _WORDS.get(word)


def duration_of(text: str) -> int | None:
    """Minutes in "2 hours and 45 minutes", "45 min", "1.5 hours", "an hour"."""
    total = 0.0
    found = False
    last_end: int | None = None
    for m in _DURATION_PART.finditer(text):
        if last_end is not None and not _JOIN.fullmatch(text, last_end, m.start()):
            break  # "15 minutes. Restored at 2115hrs": only the parts written together count
        last_end = m.end()
        n = (m["n"] or m["n2"] or m["n3"]).lower()
        value = _number(n)
        unit = (m["u"] or m["u2"] or m["u3"]).lower()
        if value is None:
            continue
        found = True
        if unit.startswith("w"):
            total += value * 10080
        elif unit.startswith("d"):
            total += value * 1440
        elif unit.startswith("h"):
            total += value * 60
        else:
            total += value
    return round(total) if found else None


# A line break that only wraps a sentence: the next line starts no block of its own.
_WRAP = re.compile(r"(?<=[^\s|])[ \t]*\n(?=[ \t]*(?![-*+#>|]|\d{1,3}[.)]\s)[^\s])")


def unwrapped(text: str) -> str:
    """Text with wrapped lines joined and ``<br>`` as a line break, so that "Duration: 19" at the
    end of a line and "hours" at the start of the next are read together."""
    return _WRAP.sub(" ", BREAK.sub("\n", text))


_ROUGHLY = re.compile(r"(?:about|approximately|roughly|around|nearly|almost|~)", re.IGNORECASE)
_LOWER_BOUND = re.compile(
    r"(?:for\s+)?(?:at\s+least|at\s+minimum|a\s+minimum\s+of|no\s+less\s+than)\b", re.IGNORECASE
)
# "two days of downtime": the length of the outage, named after it.
_OF_OUTAGE = re.compile(
    r"\s+of\s+(?:(?!(?:the|an?|this|that|our|its|their)\b)[a-z]+\s+){0,2}?(?:downtime|outage|"
    r"disruption|unavailability|degraded service)\b",
    re.IGNORECASE,
)


# "a 7 minute cascading failure", "a two-hour outage": the length, named before it.
_LONG_OUTAGE = re.compile(
    r"(?:[- ]long)?\s+(?:(?!(?:for|after|before|of|the|an?|to|in|on|with|since|until|between|"
    r"from|per|during|and|or)\b)[a-z]+\s+){0,2}?(?:outage|failure|downtime|disruption|"
    r"interruption|degradation|unavailability)\b",
    re.IGNORECASE,
)
_EVERY = re.compile(r"\b(?:every|each|per|within|after|before)\s+$", re.IGNORECASE)


# "From 04:00 to 06:30 PST (2 hours 30 minutes)", "… to 06:30 PST on February 12, 2024 (2 h 30
# min)": the length in brackets after the range's end.
_RANGE_LENGTH = re.compile(
    r"\b(?:to|until|through|till)\s+\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?\s*)?"
    r"(?:[A-Z]{2,5}\s*|UTC\s?[+\-−]\s?\d{1,2}(?::?\d{2})?\s*)?"
    r"(?:on\s+[\w ,]{3,30}?\s*)?\((?P<length>[^()\n]{3,40})\)",
    re.IGNORECASE,
)


def stated_duration(text: str, *, weak: bool = False) -> int | None:
    """A duration the text states with a cue ("Duration: 2 hours", "lasted 45 minutes", "two days
    of downtime", "a 7 minute outage", "from 04:00 to 06:30 (2 h 30 min)"); with ``weak``, also
    "for 15 minutes". The outage's length is read before the time a fix took."""
    if weak:
        return _cued_duration(text, _WEAK_DURATION_CUE, named=False)
    length = _cued_duration(text, _LENGTH_CUE, named=True)
    return length if length is not None else _cued_duration(text, _FIX_LENGTH_CUE, named=False)


def recovery_time(text: str) -> int | None:
    """The length a stats line states ("Time to recovery: 399 minutes"), not "N/A", else the
    cell under a table's "Incident Duration" column."""
    for m in _RECOVERY_TIME.finditer(text):
        minutes = duration_of(m["length"])
        if minutes:
            return minutes
    return _duration_column(text)


# A column of an impact table that holds the outage's length.
_DURATION_COLUMN = re.compile(
    r"^(?:incident|outage|total|event)?[^\S\n]*(?:duration|downtime)$", re.IGNORECASE
)


def _duration_column(text: str) -> int | None:
    """ "| Customers Impacted | … | Incident Duration |" over "| SaaS | … | ~2h |": the length in
    the first row under the duration column."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:-2]):
        if not line.lstrip().startswith("|"):
            continue
        names = [_EMPHASIS_MARKS.sub("", c).strip() for c in table_cells(line)]
        column = next((j for j, n in enumerate(names) if _DURATION_COLUMN.match(n)), None)
        if column is None:
            continue
        row = table_cells(lines[i + 2]) if lines[i + 1].lstrip().startswith("|") else []
        if column < len(row):
            return duration_of(row[column])
    return None


_EMPHASIS_MARKS = re.compile(r"[*_`]+")


def _cued_duration(text: str, cue_re: re.Pattern[str], *, named: bool) -> int | None:
    """The first length after a cue; with ``named``, also one in brackets after a range's end or
    named with the outage ("two days of downtime", "a 7 minute outage")."""
    for line in unwrapped(text).split("\n"):
        if named:
            for m in _RANGE_LENGTH.finditer(line):
                minutes = duration_of(m["length"])
                if minutes:
                    return minutes
        for cue in cue_re.finditer(line):
            after = line[cue.end() : cue.end() + 60].lstrip(" :*_-~")
            if _LOWER_BOUND.match(after):
                continue  # "lasted for at least seven hours": a bound, not the length
            if _ROUGHLY.match(after) and _exact_range_beside(line, cue.start()):
                continue  # "for about 3 hours, from 15:30 to 18:10": the times say it exactly
            minutes = duration_of(after)
            if minutes:
                return minutes
        if named:
            for part in _DURATION_PART.finditer(line):
                if _EVERY.search(line, 0, part.start()):
                    continue  # "every 10 minutes", "within 5 minutes": not the outage's length
                if _OF_OUTAGE.match(line, part.end()) or _LONG_OUTAGE.match(line, part.end()):
                    return duration_of(part.group(0))
    return None


def _exact_range_beside(line: str, pos: int) -> bool:
    """The sentence around ``pos`` states a range of times ("from 15:30 to 18:10")."""
    start = line.rfind(". ", 0, pos) + 1
    end = line.find(". ", pos)
    return any(f.until for f in find_times(line[start : end if end >= 0 else len(line)]))


def users_pct(text: str) -> float | None:
    """The headline % of users affected; not ``width=100%``, not "30% slower". A share said of
    people ("35% of EU users") wins over one of their requests ("40% of login attempts")."""
    said = _OF_PEOPLE.search(text)
    if said is not None and float(said["n"]) <= 100:
        return float(said["n"])
    for line in text.split("\n"):
        for m in _PCT.finditer(line):
            window = line[max(0, m.start() - 60) : m.end() + 60]
            after = line[m.end() : m.end() + 40]
            if _NOT_USERS.search(after[:25]) or not _USERS.search(window):
                continue
            if _CHANGE_BY.search(line, max(0, m.start() - 4), m.start()):
                continue  # "the price crashed by 88.9%": a change, not a share of users
            value = float(m["n"])
            if value <= 100:
                return value
    return None


def all_users(text: str) -> bool:
    """The text says every user was hurt ("all users saw errors"), the guide's 100%."""
    for m in _ALL_USERS.finditer(text):
        start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        end = min(
            x for x in (text.find(".", m.end()), text.find("\n", m.end()), len(text)) if x >= 0
        )
        if _ADDRESSED.search(text, max(start, m.start() - 30), m.start()):
            continue  # "we apologize to all of our customers affected": said to them
        if _HURT.search(text, start, end) and not _NEGATED_ALL.search(text, start, m.start()):
            return True
    return False


def declared_zone(text: str, zones: Mapping[str, int] | None = None) -> Zone | None:
    """A document-level declaration: "All times in PST", "(times are UTC)", "(Kigali time)"."""
    for m in ZONE_DECLARATION_RE.finditer(text):
        if m.group("place"):
            zone = zone_of_place(m.group("place"))
        else:
            zone = zone_from_text(m.group("zone"), zones)
        if zone is not None:
            return zone
    return None


_BREAK = re.compile(r"[.!?](?=\s|$)|\n[ \t]*\n|\n[ \t]*(?:[-*+]\s|\d{1,3}[.)]\s|#)")


def root_cause_sentence(text: str) -> str | None:
    """The sentence that names the root cause, its wrapped lines joined."""
    m = _ROOT.search(text)
    if not m:
        return None
    start = 0
    for b in _BREAK.finditer(text, max(0, m.start() - 800), m.start()):
        start = b.end()
    end_match = _BREAK.search(text, m.end())
    end = (
        len(text)
        if end_match is None
        else end_match.start() + (1 if end_match.group(0)[:1] in ".!?" else 0)
    )
    sentence = " ".join(text[start:end].split())
    return sentence.lstrip("-*+#>: ").strip() or None


def _with_date(found: Found, day: dt.date | None, zone: Zone | None) -> WallTime:
    return WallTime(
        found.time, found.date or day, found.zone or zone, found.date is None and day is not None
    )


# "… at around 2.30PM PST the website was fully operational again"
_END_AFTER = re.compile(
    r"(?:(?!\band\b)(?:[^.;!?,\n]|\.(?=\w))){0,50}?\b(?:was|were|is|are|got|became|came)\s+"
    r"(?:fully\s+|finally\s+|"
    r"completely\s+)?(?:back|restored|resolved|recovered|operational|up and running|fixed|"
    r"stable|mitigated)\b",
    re.IGNORECASE,
)
# "… at around 3am UTC the network halted"
_START_AFTER = re.compile(
    r"(?:(?!\band\b)(?:[^.;!?\n]|\.(?=\w))){0,60}?\b(?:went (?:down|offline|dark)|halted|crashed|"
    r"stalled|"
    r"(?:was|were) (?:down|unavailable|unreachable|offline)|became (?:unavailable|unresponsive|"
    r"unreachable|inaccessible)|stopped (?:working|responding|serving)|started (?:failing|"
    r"returning|to fail))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?;]\s|\n")


def summary_times(
    text: str,
    day: dt.date | None,
    zone: Zone | None,
    zones: Mapping[str, int] | None = None,
    *,
    day_first: bool = False,
) -> tuple[WallTime | None, WallTime | None]:
    """Start and end stated by the summary.

    A range ("from 10:00 AM to 2:00 PM") gives both. Otherwise a time after a start cue
    ("started at", "began") is the start, else the first time stated; a later time after an end
    cue ("resolved by", "until") is the end.
    """
    start = end = None
    first: WallTime | None = None
    lone_end: WallTime | None = None  # "… till about 1300", with no start stated
    year = day.year if day else None
    for line in text.split("\n"):
        if not any(c.isdigit() for c in line):
            continue
        line_dates = find_dates(line, year, day_first=day_first)
        line_day = line_dates[0][2] if line_dates else day
        for f in find_times(line, year=year, zones=zones):
            when = _with_date(f, _date_before(line_dates, f.start) or line_day, zone)
            before = _clause_before(line, f.start)
            after = line[f.end : f.end + 80]
            is_start = _starts(before) or bool(_START_AFTER.match(after))
            is_end = not is_start and bool(_END_CUE.search(before) or _END_AFTER.match(after))
            if f.until is not None and start is None and not is_end:
                u_day = _date_before(line_dates, f.until.start) or when.date
                until = _with_date(f.until, u_day, when.zone)
                if when.zone is None and until.zone is not None:
                    when = replace(when, zone=until.zone)
                return when, _after(when, until)
            if start is None and is_start:
                start = when
            elif end is None and is_end and (start is not None or first is not None):
                end = when
            elif first is None and not is_end:
                first = when
            elif is_end and lone_end is None and start is None and first is None:
                lone_end = when
    start = start or first
    if start is None:
        return None, lone_end
    if end is not None and _just_before(start, end):
        end = None  # "… backdated to 00:25" after a start at 00:27 is no end of the outage
    if start is not None and end is not None:
        end = _after(start, end)
        if end.zone is None and start.zone is not None:
            end = replace(end, zone=start.zone)
    return start, end


def _starts(before: str) -> bool:
    """A start cue before a time, unless an end cue comes after it: in "started at 2:11 AM and
    ended at 09:30 AM" the nearer "ended" marks 09:30."""
    cues = list(_START_CUE.finditer(before))
    if not cues:
        return False
    return not any(m.start() >= cues[-1].end() for m in _END_CUE.finditer(before))


def _clause_before(line: str, pos: int) -> str:
    """The words before a time in its sentence (at most 50 characters)."""
    before = line[max(0, pos - 50) : pos]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    return before[cut[-1] :] if cut else before


def _just_before(start: WallTime, end: WallTime) -> bool:
    """An end less than an hour before the start on the clock: not a midnight crossing."""
    a = start.time.hour * 60 + start.time.minute
    b = end.time.hour * 60 + end.time.minute
    return (start.date is None or end.date is None or end.date == start.date) and 0 < a - b < 60


def _after(start: WallTime, end: WallTime) -> WallTime:
    """An end earlier than the start on an inferred date is on the next day (midnight)."""
    if (
        start.date is not None
        and end.date is not None
        and end.date == start.date
        and end.time < start.time
    ):
        return replace(end, date=end.date + dt.timedelta(days=1), date_inferred=True)
    return end


def first_zone(texts: Sequence[str], zones: Mapping[str, int] | None = None) -> Zone | None:
    """The first zone written next to a time in these texts, else one written in parentheses
    ("Duration: 45 minutes (PST)", "| Time (UTC) |"), else a zone named in words ("an outage
    that began this morning Eastern time")."""
    for text in texts:
        for f in find_times(text, zones=zones):
            if f.zone is not None:
                return f.zone
            if f.until is not None and f.until.zone is not None:
                return f.until.zone
    return paren_zone(texts, zones) or _named_zone(texts)


# "Eastern time", "Central European Summer Time": a zone's name in words, which no other word
# shares (unlike "ET" or "Eastern" alone).
_NAMED_ZONE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(LONG_NAMES, key=len)[::-1])
    + r")\b",
    re.IGNORECASE,
)


def _named_zone(texts: Sequence[str]) -> Zone | None:
    for text in texts:
        for m in _NAMED_ZONE.finditer(text):
            if m[0].lower().endswith("time"):
                return zone_from_text(" ".join(m[0].split()))
    return None


def _date_before(dates: list[tuple[int, int, dt.date]], pos: int) -> dt.date | None:
    before = [d for s, e, d in dates if e <= pos]
    return before[-1] if before else None


def minutes_between(start: WallTime, end: WallTime) -> int | None:
    a_at, b_at = start.aware, end.aware
    if a_at is not None and b_at is not None:  # instants: "01:45 CEST to 02:45 CET" is 2 h
        gap = b_at.astimezone(dt.UTC) - a_at.astimezone(dt.UTC)
        return None if gap < dt.timedelta(0) else int(gap.total_seconds() // 60)
    if start.date and end.date:
        a = dt.datetime.combine(start.date, start.time)
        b = dt.datetime.combine(end.date, end.time)
        if b < a:
            return None
        return int((b - a).total_seconds() // 60)
    a_min = start.time.hour * 60 + start.time.minute
    b_min = end.time.hour * 60 + end.time.minute
    return (b_min - a_min) % 1440


def _summary_window(
    sources: Sequence[str],
    day: dt.date | None,
    zone: Zone | None,
    zones: Mapping[str, int] | None,
    day_first: bool = False,
) -> tuple[WallTime | None, WallTime | None]:
    """Start and end from the first source that states one (summary, then the head)."""
    for text in sources:
        start, end = summary_times(text, day, zone, zones, day_first=day_first)
        if start is not None or end is not None:
            return start, end
    return None, None


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
) -> tuple[WallTime | None, WallTime | None, set[str]]:
    """The window from the timeline: a stated one beside it ("Total impact duration: … (10:45 -
    16:11 UTC)"), else what its entries tell."""
    window = "\n".join(x for x in notes.split("\n") if _DURATION_CUE.search(x))
    start, end = (
        summary_times(window, day, zone, zones, day_first=day_first) if window else (None, None)
    )
    if start is not None and end is not None:
        return start, end, set()
    start, end, inferred = from_timeline(entries, stated_day)
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
) -> Facts:
    """Facts as a careful reader takes them: the summary's stated window and duration first (then
    the head of the document's), else the timeline's first impact and its recovery."""
    start, end = _summary_window(sources, day, zone, zones, day_first)
    # a stats line ("Time To Resolve: 60min") yields to the window the summary states
    strong, weak = _stated_durations(sources, "" if start and end else stats)
    stated = strong  # "for 15 minutes" may be any event's length: it moves no end
    inferred: set[str] = set()
    if start is None and end is None:
        start, end, inferred = _timeline_window(
            entries, timeline_notes, timeline_text, day, stated_day, zone, zones, day_first
        )
    elif start is not None and end is None:
        end, inferred = _end_after(start, stated if stated is not None else weak, entries)
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
    start: WallTime, stated: int | None, entries: Sequence[TimelineEntry]
) -> tuple[WallTime | None, set[str]]:
    """The end when the summary states only the start: the timeline's recovery, else after the
    stated duration, else the timeline's last entry."""
    _s, last, inferred = from_timeline(entries, start.date)
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


def _users(sources: Sequence[str]) -> float | None:
    pct = next((p for t in sources if (p := users_pct(t)) is not None), None)
    if pct is None and any(all_users(t) for t in sources):
        pct = 100.0
    return pct


def plus_minutes(when: WallTime, minutes: int) -> WallTime:
    """The wall time ``minutes`` after ``when`` (the date moves when it is known)."""
    base = dt.datetime.combine(when.date or dt.date(2000, 1, 1), when.time)
    later = base + dt.timedelta(minutes=minutes)
    return WallTime(
        later.time(), later.date() if when.date else None, when.zone, when.date_inferred
    )


def _later(start: WallTime, end: WallTime) -> bool:
    if start.date and end.date:
        return dt.datetime.combine(end.date, end.time) > dt.datetime.combine(start.date, start.time)
    return True


def _zoned(when: WallTime | None, zone: Zone | None) -> WallTime | None:
    if when is None or when.zone is not None or zone is None:
        return when
    return replace(when, zone=zone)


def find_times_walltime(
    text: str, day: dt.date | None, zone: Zone | None, zones: Mapping[str, int] | None
) -> list[WallTime]:
    year = day.year if day else None
    return [_with_date(f, day, zone) for f in find_times(text, year=year, zones=zones)]
