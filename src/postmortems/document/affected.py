"""The share of users an outage affected, as a text states it: "35% of EU users", "all users saw
503 errors" (100%), never a share of something else ("CPU at 90%")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from postmortems.document.wording import any_word

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
# "all users", "every single customer", "Users affected: all": 100% when no percentage is
# written (the guide's rule)
_ALL_USERS = re.compile(
    r"\b(?:all\s+(?:of\s+)?(?:our\s+|the\s+|its\s+)?(?:users|customers|visitors)|"
    r"every(?:one of)?\s+(?:single\s+)?(?:our\s+|the\s+|its\s+)?(?:users?|customers?|"
    r"visitors?)|(?:users|customers|visitors)\s+(?:affected|impacted)\s*:\W*all|"
    r"(?<=for )every(?:one|body))\b"
    r"(?!\s+(?:where|whose|who (?:had|have) to)\b)",
    re.I,
)
# Where a sentence ends: a stop before a space, a blank line, or a line that opens a list item,
# a heading, a table row or a quote. A single line break inside a paragraph is a wrapped line.
_STOP = re.compile(r"[.!?](?=\s)|\n[^\S\n]*(?:\n|[-*+•]\s|\d{1,3}[.)]\s|#|\||>)")
_REACH = 400  # characters looked at on each side of "all users" for its sentence
# The sentence says the users were hurt, not that something was done for all of them.
_HURT = any_word(
    r"affect\w*|impact\w*|unable|could ?n[o']t|cannot|can't|saw|see|seeing|experienc\w*|"
    r"errors?|down|lost|outage|unavailable|failed|failing|blocked|locked out|disrupt\w*|delay\w*|"
    r"degrad\w*|slow\w*|time ?outs?|timed out|broken|interrupt\w*|"
    r"HTTP [45]\d\d|[45]\d\ds|[45]xx"  # "returned HTTP 503 for all customers", "502s"
)
# An apology or thanks addressed to the users tells who is spoken to, not who was hurt.
_ADDRESSED = re.compile(
    r"\b(?:apologi[sz]e[sd]?|sorry|thank(?:s|ful)?|grateful)\s+(?:\w+\s+){0,2}$", re.I
)
_NEGATED_ALL = re.compile(r"\b(?:not|n't|never)\b[^.]{0,30}$", re.I)
_CHANGE_BY = re.compile(r"\bby\s+$", re.IGNORECASE)
_LEVEL_AT = re.compile(r"\b(?:at|on)\s+$", re.IGNORECASE)
_NOT_USERS = re.compile(
    r"\b(cpu|memory|disk|slower|faster|increase|decrease|utili[sz]ation|"
    r"load|capacity|uptime|availability|width|height|coverage|error rate|degradation|degraded|"
    r"drop|reduction|decline|loss|less|more|latency|effect|business|sure|certain|confident)\b",
    re.I,
)


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
            if _LEVEL_AT.search(line, max(0, m.start() - 4), m.start()):
                continue  # "the upload is stuck on 99%", "CPU at 95%": a level
            value = float(m["n"])
            if value <= 100:
                return value
    return None


def all_users(text: str) -> bool:
    """The text says every user was hurt ("all users saw errors"), the guide's 100%."""
    for m in _ALL_USERS.finditer(text):
        start, end = _sentence(text, m.start(), m.end())
        if _ADDRESSED.search(text, max(start, m.start() - 30), m.start()):
            continue  # "we apologize to all of our customers affected": said to them
        if _HURT.search(text, start, end) and not _NEGATED_ALL.search(text, start, m.start()):
            return True
    return False


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence around ``text[start:end]``, across wrapped lines."""
    low = max(0, start - _REACH)
    before = [m.end() for m in _STOP.finditer(text, low, start)]
    after = _STOP.search(text, end, end + _REACH)
    return (before[-1] if before else low), (
        after.start() if after else min(len(text), end + _REACH)
    )


def _users(sources: Sequence[str]) -> float | None:
    pct = next((p for t in sources if (p := users_pct(t)) is not None), None)
    if pct is None and any(all_users(t) for t in sources):
        pct = 100.0
    return pct
