"""Where a time or a date may start in a text: the cheap scan that picks candidate positions (runs
of digits, month names, clock words) before a pattern is tried at each, so that no pattern is
scanned across a long text; and text folded to ASCII lower case, position for position."""

from __future__ import annotations

import re
from collections.abc import Iterator

# The only characters outside ASCII that IGNORECASE matches to an ASCII letter.
_ASCII_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}


def folded(text: str) -> str:
    """``text`` in lower case, position for position, as IGNORECASE compares it to ASCII letters
    (İ, the only character that lower-cases to two, is folded to i first)."""
    if not text.isascii():
        text = text.translate(_ASCII_FOLD)
    return text.lower()


_DIGIT_RUN = re.compile(r"\d+")


def _digit_starts(text: str) -> list[int]:
    """Where a match can begin among the digits: the start of each run of digits (every branch
    that begins with a digit refuses a digit before it), except an ISO year ("2023-01-05"),
    which may begin inside a longer run, up to four digits before its end."""
    out: list[int] = []
    for m in _DIGIT_RUN.finditer(text):
        start, end = m.span()
        if end - start > 4:
            out.extend(range(start, end - 3))
        else:
            out.append(start)
    return out


def _scan(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only at ``starts`` (every position where a
    match can begin, in order)."""
    pos = 0
    match = pattern.match
    for start in starts:
        if start >= pos:
            m = match(text, start)
            if m is not None:
                yield m
                pos = m.end()
