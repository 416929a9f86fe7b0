"""The analyzer (text to index terms) and the searchable form of a postmortem (:class:`Doc`).

Terms are lowercased words with English stop words out and a light suffix stemming, so that
"expired", "expires" and "expiration" meet, and "connections" finds "connection". Identifiers
and error strings ("ECONNRESET", "oom-killer", "wp-settings.php", "x509") are kept whole as well
as split into their parts: a search for the exact string finds it, and so does one for a part.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from postmortems.document.drafted import cause_and_drafted
from postmortems.document.markup import without_comments
from postmortems.document.model import Document, SectionKind
from postmortems.document.titles import display_title
from postmortems.search.nouns import measure

# A word, or an identifier joined by - _ . / : (kept whole besides its parts).
_TOKEN = re.compile(r"[0-9A-Za-z]+(?:[-_.:/][0-9A-Za-z]+)*")
_PART = re.compile(r"[0-9A-Za-z]+")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+")
_LINK_TARGET = re.compile(r"!\[[^\]\n]{0,200}\]\([^)\s]{0,500}\)|(?<=\])\([^)\s]{0,500}\)")
_TAG = re.compile(r"</?[A-Za-z][^>\n]{0,200}>")
_CODE_SPAN = re.compile(r"(`[^`\n]{0,500}`)")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_VOWEL = re.compile(r"[aeiouy]")
# A verb's stem that lost its final "e" to "-ed" or "-ing": a consonant (or none), one vowel and
# one consonant ("tim", "rat", "bas", "typ", "us"), as English spells it: a verb that has no "e"
# doubles that consonant ("logged") or ends in "w", "x" or "y" ("fixed", "played").
_SHORT_VERB = re.compile(r"[^aeiouy]?[aeiouy][^aeiouwxy]")

# English function words and the filler of incident prose; never names of things.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t d ll m re ve one two three four five six seven eight nine ten
    first second third last next another several many much may might must never often already
    yet via per etc however thus
    """.split()  # noqa: SIM905 (160 quoted words read worse)
)

# (suffix, replacement, minimum stem length left) in the order tried; the first match wins.
_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("ational", "", 4),
    ("ations", "", 4),
    ("ation", "", 4),
    ("sses", "ss", 2),
    ("ies", "y", 2),
    ("ions", "", 4),
    ("ion", "", 4),
    ("ings", "", 2),
    ("ing", "", 2),
    ("ed", "", 2),
    ("es", "e", 3),
    ("s", "", 3),
)


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix stemmer: plurals, -ed, -ing, -ion and a final -e go; short words stay."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl, keep in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: len(word) - len(suffix)] + repl
            if suffix in ("ion", "ions") and not base.endswith(("s", "t")):
                continue
            if suffix in ("ed", "ing", "ings"):
                base = _verb_base(base)
                if len(base) < 3:  # "feed", "doing": no verb's form
                    continue
            if not _VOWEL.search(base):
                return word
            return _last_letters(base)
    return _last_letters(word)


def _last_letters(word: str) -> str:
    """:func:`_drop_e`, and a final "ll" of a long stem made one "l", as Porter's stemmer does,
    so that a verb that doubles its "l" meets its forms ("controlled", "control"; "installed",
    "install", ``instal``) and a short one keeps its own ("called", "call")."""
    word = _drop_e(word)
    return word[:-1] if word.endswith("ll") and measure(word[:-1]) > 1 else word


def _verb_base(base: str) -> str:
    """What is left of a verb once its "-ed" or "-ing" is cut: a doubled consonant undone
    ("logged", "stopped": ``log``, ``stop``; a doubled vowel is the verb's: "tattooed"), else
    the "e" of a short verb put back, as it stays in the verb's own short form ("timed",
    "using": ``time``, ``use``, which are four letters or fewer and keep their "e"; "cached"
    and "cache" meet without it)."""
    if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiou":
        return base[:-1] if base[-1] not in "lsz" else base
    return base + "e" if _SHORT_VERB.fullmatch(base) else base


def _drop_e(word: str) -> str:
    """The word without a final "e" when it is longer than four letters ("cache", "expire"; a
    short word keeps it: "time", "rate") or follows an "x" ("fixes" is ``fixe`` here)."""
    return word[:-1] if word.endswith("e") and (len(word) > 4 or word.endswith("xe")) else word


def clean(text: str) -> str:
    """The text without HTML comments, URLs, images, link targets and HTML tags (their words are
    not what a postmortem says). Closed comments only: a `<!--` alone is as often code quoted in
    the text as an unclosed comment."""
    text = _URL.sub(" ", _LINK_TARGET.sub(" ", without_comments(text)))
    # a tag inside a code span is what was typed (`certctl issue --cn <name>`): kept
    parts = _CODE_SPAN.split(text)  # the spans at the odd places
    return "".join(p if i % 2 else _TAG.sub(" ", p) for i, p in enumerate(parts))


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """``(term, surface word)`` pairs of the text, in order: what :func:`analyze` returns,
    with the word each term came from (for reasons and snippets)."""
    return clean_tokens(clean(text))


def clean_tokens(text: str) -> Iterator[tuple[str, str]]:
    """:func:`tokens` of a text already :func:`clean`."""
    for token in raw_tokens(text):
        yield from word_terms(token)


def raw_tokens(text: str) -> Iterator[str]:
    """The words and identifiers of a text already :func:`clean`, as written."""
    for match in token_spans(text):
        yield match.group()


def token_spans(text: str) -> Iterator[re.Match[str]]:
    """:func:`raw_tokens` with where each is in the text."""
    return _TOKEN.finditer(text)


@functools.lru_cache(maxsize=1 << 17)
def word_terms(token: str) -> tuple[tuple[str, str], ...]:
    """The ``(term, surface)`` pairs of one token (words repeat: the answer is kept)."""
    raw = token.strip("._:/-")
    if not raw:
        return ()
    out: list[tuple[str, str]] = []
    parts = _PART.findall(raw)
    if len(parts) > 1 or is_identifier(raw):
        out.append((raw.lower(), raw))
        if len(parts) == 1:
            return tuple(out)
    for part in parts:
        low = part.lower()
        if low in STOP_WORDS or (len(low) == 1 and not low.isdigit()):
            continue
        out.append((stem(low), part))
    return tuple(out)


@dataclass(slots=True)
class Names:
    """The terms of a text's file or path names (a token with a dot: ``resolv.conf``,
    ``/etc/resolv.conf``, ``foo.service``): how many times each, and the parts it came from. A
    name's part is no English word's form: "resolved" (``resolv``) is not about
    ``resolv.conf``, which "resolv" finds (:meth:`postmortems.search.bm25.Index.search`)."""

    counts: Counter[str] = field(default_factory=Counter)
    parts: dict[str, set[str]] = field(default_factory=dict)

    def add(self, terms: Iterable[tuple[str, str]]) -> None:
        """The ``(term, surface)`` pairs of one name."""
        for term, surface in terms:
            self.counts[term] += 1
            self.parts.setdefault(term, set()).add(surface.lower())

    def only(self, counts: Iterable[Mapping[str, int]]) -> dict[str, frozenset[str]]:
        """The terms the text has only in names (``counts``: how many times it has each, by
        part of the text), each with the names' parts."""
        parts = list(counts)
        return {
            term: frozenset(self.parts[term])
            for term, n in self.counts.items()
            if n >= sum(c.get(term, 0) for c in parts)
        }


def analyze(text: str, *, phrases: bool = False, names: Names | None = None) -> list[str]:
    """Index terms of the text: lowercased, stop words out, lightly stemmed; identifiers and
    error strings also whole (``"oom-killer"`` gives ``oom-killer``, ``oom``, ``killer``).
    With ``phrases``, each pair of neighbouring words is a term too (``"connect pool"``); with
    ``names``, the terms in file names and in prose are added to it (in the same pass)."""
    if names is None:
        terms = [term for term, _ in tokens(text)]
    else:
        found = [(token, word_terms(token)) for token in raw_tokens(clean(text))]
        for token, pairs_of in found:
            if "." in token:  # a dot joins two of its parts: the token is a name
                names.add(pairs_of)
        terms = [term for _, pairs_of in found for term, _ in pairs_of]
    return terms + pairs(terms) if phrases else terms


def pairs(terms: list[str]) -> list[str]:
    """Neighbouring word terms joined by a space (identifiers and numbers left out): the
    two-word names a mechanism usually has ("disk full", "connection pool", "load balancer")."""
    words = [t if t.isalpha() else "" for t in terms]
    return [f"{a} {b}" for a, b in itertools.pairwise(words) if a and b and a != b]


_DIGIT = re.compile(r"[0-9]")
_ALPHA = re.compile(r"[A-Za-z]")
_CAPS_CODE = re.compile(r"[A-Z]{5,}")
_CODE_JOIN = re.compile(r"[0-9A-Za-z][_.:/][0-9A-Za-z]")
_CAPS_PART = re.compile(r"(?:^|[^A-Za-z])[A-Z]{3,}(?:$|[^A-Za-z])")
# What most write-ups of a web outage say, whatever broke: an HTTP status ("502s", "5xx") and a
# measure ("300ms", "2GB", "500Mi", "3x"). A symptom or a size, not the error string of a cause.
_HTTP_STATUS = re.compile(r"[1-5](?:[0-9]{2}|xx)s?", re.IGNORECASE)
_UNIT = r"m?s|secs?|mins?|m|h|hrs?|d|[kmgt]i?b?|x|[rq]ps|th|st|nd|rd"
_MEASURE = re.compile(rf"[0-9]+(?:\.[0-9]+)?(?:{_UNIT})", re.IGNORECASE)
# The name of a statistic or a rank, which write-ups of unrelated incidents share as well: a
# percentile ("p95", "p99.9", "p999") and a severity ("SEV1", "sev-2").
# p50 to p99 (p99.9, p999): a percentile; p256, p384, p521 are curves, p12 a key store
_STATISTIC = re.compile(r"p(?:[5-9][0-9](?:\.[0-9]+)?|99+)|sev-?[0-9]", re.IGNORECASE)


def is_identifier(word: str) -> bool:
    """Whether a word reads as an identifier or an error string rather than prose: joined parts
    (``oom-killer``, ``max_connections``, ``wp-settings.php``), camel case (``OOMKilled``),
    letters and digits mixed (``x509``, ``ext4``) or a capitalised code of five letters or more
    (``ECONNRESET``, ``ENOSPC``)."""
    if len(word) < 3:
        return False
    if len(_PART.findall(word)) > 1:
        return True
    if _DIGIT.search(word) and _ALPHA.search(word):
        return True
    return bool(_CAMEL.search(word)) or (word.isalpha() and _CAPS_CODE.fullmatch(word) is not None)


def is_measure(word: str) -> bool:
    """Whether a word is an HTTP status, a measure or the name of a statistic or a rank
    ("502s", "5xx", "300ms", "2GB", "p95", "p99.9", "SEV1"): what the write-ups of unrelated
    outages share, a symptom or a size rather than what broke."""
    # Called on one word, never scanned for: a run of digits would be read from each start.
    return bool(
        _HTTP_STATUS.fullmatch(word) or _MEASURE.fullmatch(word) or _STATISTIC.fullmatch(word)
    )


def is_error_string(word: str) -> bool:
    """Whether a word reads as an error string, a setting or a path rather than a hyphenated
    word of prose ("on-call", "follow-up"): joined by ``_ . : /``, camel case, letters and
    digits mixed, or a capitalised code (``ECONNRESET``, ``max_connections``, ``x509``).
    A token with no letter is a time, a date, a version or an address ("04:00", "2024-03-01",
    "10.0.0.1"), which most postmortems have: not an error string; nor is a measure
    (:func:`is_measure`: "502s", "300ms", a latency percentile "p95", a severity "SEV1")."""
    if not is_identifier(word) or not _ALPHA.search(word) or is_measure(word):
        return False
    if _CODE_JOIN.search(word) or _CAMEL.search(word) or _DIGIT.search(word):
        return True
    return _CAPS_PART.search(word) is not None


def identifier_words(text: str) -> Iterator[str]:
    """The error strings of the text (:func:`is_error_string`), as written."""
    for match in _TOKEN.finditer(clean(text)):
        word = match.group().strip("._:/-")
        if not word.isdigit() and is_error_string(word):
            yield word


@dataclass(frozen=True, slots=True)
class Doc:
    """A postmortem as search sees it: plain text by field, plus what it names.

    ``fields`` holds ``title``, ``summary``, ``root_cause``, ``timeline``, ``resolution``,
    ``measures`` and ``other`` (each may be empty); ``text`` is all of it, for snippets and the
    whole-text model. ``open_actions`` are the action items not done, ``done_actions`` the others.
    """

    id: str
    title: str
    text: str
    fields: Mapping[str, str]
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    open_actions: tuple[str, ...] = ()
    done_actions: tuple[str, ...] = ()
    started: dt.date | None = None  # the day the incident began, when the document says


_FIELD_OF: dict[SectionKind, str] = {
    SectionKind.SUMMARY: "summary",
    SectionKind.IMPACT: "summary",
    SectionKind.DETECTION: "summary",
    SectionKind.ROOT_CAUSE: "root_cause",
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: "root_cause",
    SectionKind.TRIGGER: "root_cause",
    SectionKind.TIMELINE: "timeline",
    SectionKind.RESOLUTION: "resolution",
    SectionKind.MEASURES: "measures",
    SectionKind.LESSONS: "measures",
}
FIELDS = ("title", "summary", "root_cause", "timeline", "resolution", "measures", "other")


def doc_from_document(id: str, document: Document) -> Doc:
    """The searchable form of a parsed postmortem. A document with no summary section has its
    opening text (before the first heading) read as the summary; the parser's reading of the
    root cause is added to the root cause field when the document has no such section. The lines
    drafted from an incident's record are no part of the cause, as on the server
    (:func:`~postmortems.document.drafted.cause_and_drafted`): they are read with the rest."""
    parts: dict[str, list[str]] = {name: [] for name in FIELDS}
    title = document.meta.title or document.title or ""
    parts["title"].append(title)
    for section in document.sections:
        # a section that tells the cause is read as the server reads it: the lines drafted from
        # an incident's record ("Mitigated at 16:04: Status changed …") go with the rest
        kinds = {section.kind, *section.subkinds}
        written, drafted = cause_and_drafted(kinds, f"{section.title}\n{section.body}")
        parts[_FIELD_OF.get(section.kind, "other")].append(written)
        parts["other"].append(drafted)
    parts["summary" if not parts["summary"] else "other"].insert(0, document.preamble)
    if not parts["root_cause"] and document.facts.root_cause:
        parts["root_cause"].append(document.facts.root_cause)
    parts["timeline"].extend(entry.text for entry in document.timeline)
    parts["measures"].extend(item.text for item in document.action_items)
    fields = {name: "\n".join(p for p in texts if p).strip() for name, texts in parts.items()}
    return Doc(
        id=id,
        title=display_title(document),  # as every page names it (the file's name when untitled)
        text="\n".join(fields[name] for name in FIELDS if fields[name]),
        fields=fields,
        services=document.meta.services or (),
        tags=document.meta.tags or (),
        open_actions=tuple(item.text for item in document.action_items if not item.done),
        done_actions=tuple(item.text for item in document.action_items if item.done),
        started=document.day,
    )
