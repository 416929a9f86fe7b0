"""The fast scanners of ``timeparse`` find exactly what ``finditer`` finds (hypothesis).

Dates and times are searched only where a match can begin (a digit, a month name, a word before
"noon"); these tests hold that to the plain scan of every position, on text made of the pieces
that dates and times are written with, including the characters IGNORECASE folds to ASCII.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortems.document import dateparse as dp
from postmortems.document import textscan as ts
from postmortems.document import timeparse as tp

SETTINGS = settings(max_examples=600)

PIECES = [
    *"0123456789",
    " ",
    "  ",
    "\n",
    ":",
    "-",
    "–",
    "/",
    ".",
    ",",
    "(",
    ")",
    "T",
    "Z",
    "+",
    "am",
    "PM",
    "p.m.",
    " hrs",
    "h",
    "st",
    "th",
    "of ",
    "at ",
    "by ",
    "from ",
    "until ",
    "to ",
    "midnight",
    "Noon",
    "midday",
    "UTC",
    "GMT",
    "PST",
    "Jan",
    "january",
    "FEB",
    "Sept",
    "sep",
    "December",
    "may",
    "mar",
    "xjan",
    "ſep",  # IGNORECASE matches ſ to s
    "İ",  # lower-cases to two characters
    "ı",
    "K",  # the Kelvin sign matches k
    "٣",  # a non-ASCII decimal digit is \d too
    "é",
    "word",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def spans(matches: object) -> list[tuple[int, int, dict[str, str | None]]]:
    return [(m.start(), m.end(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


@SETTINGS
@given(texts)
def test_date_matches_equal_finditer(text: str) -> None:
    assert spans(dp.date_matches(text)) == spans(dp.DATE_RE.finditer(text))


@SETTINGS
@given(texts)
def test_time_scans_equal_finditer(text: str) -> None:
    starts = tp._time_starts(text)
    for pattern in (tp.TIME_RE, tp._HHMM_RANGE, tp._HHMM_ZONE):
        assert spans(ts._scan(pattern, text, starts)) == spans(pattern.finditer(text)), pattern


def test_the_scanned_patterns_cannot_match_empty() -> None:
    # _scan relies on it: after an empty match finditer would step on, _scan would not.
    for pattern in (dp.DATE_RE, tp.TIME_RE, tp._HHMM_RANGE, tp._HHMM_ZONE):
        assert pattern.search("") is None
        assert not any(m.end() == m.start() for m in pattern.finditer("12:00 1400 UTC x 9/10 7:55"))


def test_month_names_inside_words_are_still_found() -> None:
    # No word boundary before a month name in DATE_RE: "xjan 5" reads "jan 5" (kept as it was).
    assert [m.group() for m in dp.date_matches("xjan 5, 2023")] == [
        m.group() for m in dp.DATE_RE.finditer("xjan 5, 2023")
    ]


def test_folded_keeps_positions() -> None:
    # İ lower-cases to two characters; it is folded to i first, as IGNORECASE reads it.
    assert ts.folded("ſep 5 İ") == "sep 5 i"
    assert ts.folded("ſep K ı") == "sep k i"
    assert ts.folded("From 10:00 UTC") == "from 10:00 utc"
    assert ts.folded("ABC déf") == "abc déf"


# classify's two always-run scans, as they were written before they read folded text.
OLD_PLACEHOLDER = re.compile(
    r"\[(?:insert|enter|add|describe|your|date|time|name|xx)[^\]]*\]|<(?:insert|date|time|"
    r"service|name|description)[^>]*>|\{\{[^}]*\}\}|\bYYYY-MM-DD\b|\bHH:MM\b|\bXX:XX\b|"
    r"\bTBD\b|lorem ipsum",
    re.IGNORECASE,
)
OLD_ASSIGNMENT = re.compile(
    r"using one of the web stack debugging project issue|requirements?:\s*$|"
    r"your post-?mortem must|issue summary section|be brief and straight to the point|"
    r"make people want to read your postmortem|this is an optional task|"
    r"(?:must|should) (?:contain|include|have) (?:an? )?(?:issue summary|timeline)",
    re.IGNORECASE | re.MULTILINE,
)
CLASSIFY_PIECES = [
    "[insert date]",
    "[Your name]",
    "<Service>",
    "{{ x }}",
    "YYYY-MM-DD",
    "yyyy-mm-dd",
    "aYYYY-MM-DD",
    "HH:MM",
    "_HH:MM",
    "XX:XX",
    "TBD",
    "tbd.",
    "xTBD",
    "Lorem Ipsum",
    "Requirements:",
    "requirement: \n",
    "Your post-mortem must",
    "must include an issue summary",
    "SHOULD HAVE A TIMELINE",
    "should contain timeline",
    "issue summary section",
    "ſhould have a timeline",
    "İ",
    " ",
    "\n",
    "]",
    ">",
    "word",
]
classify_texts = st.lists(st.sampled_from(CLASSIFY_PIECES), max_size=25).map("".join)


@SETTINGS
@given(classify_texts)
def test_classify_scans_count_what_the_ignorecase_patterns_count(text: str) -> None:
    from postmortems.document import classify

    low = ts.folded(text)
    assert len(classify._PLACEHOLDER.findall(low)) == len(OLD_PLACEHOLDER.findall(text))
    assert len(classify._ASSIGNMENT.findall(low)) == len(OLD_ASSIGNMENT.findall(text))
