"""Search snippets built in Python from the text a result's index row already holds.

PostgreSQL's ``ts_headline`` re-parses the whole text of each result shown; here one regular
expression finds the words that start like a query word (:class:`Finder`), the database stems
those few words (one statement, :mod:`fulltext`), and a word is marked when its stem is one of
the query's, as the index matched it. The snippet has the shape of SQLite's FTS5 ``snippet()``:
one window of about 24 words from the part with the most of the query's words (the title last:
the results show it anyway), ``…`` where the window cuts the text. The text is HTML-escaped and
only ``<mark>`` is added.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORDS = 24  # the window, as FTS5's snippet() is asked for
LEAD = 4  # words shown before the first match of the window
SPAN = 160  # characters: about the window's length, to count the query's words in
PREFIX = 3  # a word whose stem can equal a query word's starts with the same three letters
_WORD = re.compile(r"[^\W_]+")  # letters and digits: PostgreSQL's parser splits at "_" too
_TAG = re.compile(r"</?mark>")  # the only tags a snippet holds
Found = list[tuple[int, int, str]]  # start, end and lower-case form of a word in a text


def words_of(text: str) -> list[str]:
    """The lower-case words of ``text`` as snippets see them."""
    return _WORD.findall(text.lower())


class Finder:
    """Finds the words of a text that may share a stem with one of the query's ``words`` (a stem
    never changes a word's first letters): the ones to ask the database to stem."""

    def __init__(self, words: Sequence[str]) -> None:
        prefixes = sorted({re.escape(w[:PREFIX]) for w in words if w})
        self.pattern = (
            re.compile(rf"(?<![^\W_])(?:{'|'.join(prefixes)})[^\W_]*", re.IGNORECASE)
            if prefixes
            else None
        )

    def scan(self, text: str) -> Found:
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), m.group().lower()) for m in self.pattern.finditer(text)]


@dataclass(frozen=True)
class Snip:
    """A snippet (``html``), the index of the part it is from, and its plain text."""

    html: SafeString
    part: int = 0
    plain: str = ""


def build(
    parts: Sequence[str], found: Sequence[Found], stems: dict[str, str], query: set[str]
) -> Snip:
    """The snippet of one result from its ``parts`` in order of preference, ``found`` in each by
    :meth:`Finder.scan`, ``stems`` of those words (a stop word's is empty) and the ``query``'s
    stems: a window of the part that holds the most of the query's words (the first part with
    text if none does)."""
    best = next((i for i, text in enumerate(parts) if text.strip()), 0)
    best_hits: Found = []
    most = 0
    for i, words in enumerate(found):
        hits = [(s, e, stems.get(w, "")) for s, e, w in words if stems.get(w, "") in query]
        distinct = len({stem for _, _, stem in hits})
        if distinct > most:
            best, best_hits, most = i, hits, distinct
        if most == len(query):
            break
    if not parts:
        return Snip(mark_safe(""))
    html = _window(parts[best], best_hits, len(query))
    return Snip(html, best, unescape(_TAG.sub("", html)))


def _lead(text: str, at: int) -> int:
    """Where the window starts: :data:`LEAD` words before ``at``."""
    lead = list(_WORD.finditer(text, max(0, at - SPAN // 2), at))
    if lead and lead[0].start() > 0 and _WORD.match(text, lead[0].start() - 1):
        lead = lead[1:]  # cut in the middle of a word
    return lead[-LEAD:][0].start() if lead else at


def _window(text: str, hits: Found, size: int) -> SafeString:
    """About :data:`WORDS` words from a few before the hit that starts the most varied run of
    the query's words (within :data:`SPAN` characters), or from the start of the text when that
    hit is in its first half-window; only that stretch is split into words."""
    at, most = 0, 0
    for i, (pos, _, _) in enumerate(hits):
        distinct = len({stem for start, _, stem in hits[i : i + WORDS] if start < pos + SPAN})
        if distinct > most:
            at, most = pos, distinct
        if most == size:
            break
    begin = 0 if at < SPAN and len(_WORD.findall(text, 0, at)) <= WORDS // 2 else _lead(text, at)
    words = []
    for word in _WORD.finditer(text, begin):
        words.append(word)
        if len(words) > WORDS:
            break
    if not words:
        return mark_safe("")
    end = words[WORDS - 1].end() if len(words) > WORDS else len(text)
    out = ["… " if _WORD.search(text, 0, begin) else ""]
    for start, stop, _ in hits:
        if begin <= start and stop <= end:
            out += [escape(text[begin:start]), "<mark>", escape(text[start:stop]), "</mark>"]
            begin = stop
    out += [escape(text[begin:end]), " …" if len(words) > WORDS else ""]
    html = " ".join("".join(out).split())
    return mark_safe(html)  # every piece of the text escaped above; only <mark> added
