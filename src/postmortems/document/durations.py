"""How long an outage lasted, as a text states it: "lasted 2 hours", "down for 45 minutes", "took 30
minutes to fix", "Time to recovery: 399 minutes", a duration column."""

from __future__ import annotations

import re

from postmortems.document.markup import BREAK, table_cells
from postmortems.document.timeparse import find_times

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
