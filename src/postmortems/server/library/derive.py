"""Database columns and labels derived from a parsed document, driven by the field table.

Scalar front-matter fields become columns of :class:`Postmortem` named after the ``Meta``
attribute (``id`` becomes ``key``); list fields become :class:`Label` rows. Where front matter is
silent, what the body states fills in (title, timezone, % users affected, the start and end
the summary or the timeline states, and the detection and mitigation the timeline marks).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from typing import Any

from postmortems.document import Document
from postmortems.document.fields import FIELDS, FieldSpec, FieldType
from postmortems.document.model import Status
from postmortems.document.moments import Moment, milestones
from postmortems.document.outage import outage_window
from postmortems.document.titles import display_title
from postmortems.document.zones import Zone

LIST_FIELDS = tuple(spec for spec in FIELDS if spec.type is FieldType.LIST)
SCALAR_FIELDS = tuple(spec for spec in FIELDS if spec.type is not FieldType.LIST)
COLUMN_RENAMES = {"id": "key"}


_MARKDOWN_SUFFIX = re.compile(r"\.(md|markdown)$", re.IGNORECASE)
_NOT_IN_KEY = re.compile(r"[^A-Za-z0-9._-]+")


def column_name(spec: FieldSpec) -> str:
    return COLUMN_RENAMES.get(spec.meta_attr, spec.meta_attr)


def _db_value(spec: FieldSpec, value: Any, zone: Zone | None, *, placed: bool = True) -> Any:
    """A front-matter value as its column holds it; a date-time without an offset is the
    document's zone's local time (docs/format.md), UTC when the document names no zone, and no
    instant at all (``placed`` false) when the zone it names is one nobody knows."""
    if isinstance(value, dt.datetime) and value.tzinfo is None and not placed:
        return None
    if value is None:
        return None if spec.type in {FieldType.DATETIME, FieldType.PERCENT} else _empty(spec)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Zone):
        return value.iana or value.label
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=zone.tzinfo(value.date()) if zone else dt.UTC)
    return value


def _empty(spec: FieldSpec) -> Any:
    return False if spec.type is FieldType.BOOL else ""


# The keys the API takes (its paths and a create's ``key``): letters, digits, '.', '_' and '-',
# beginning and ending with a letter or a digit, at most KEY_CHARS. Every key :func:`slug_key`
# makes is one.
KEY_PATTERN = r"^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?$"
KEY_CHARS = 120
_KEY_ENDS = "-._"


def slug_key(name: str) -> str:
    """A key from a file name or title: letters, digits, '-', '_' and '.' only, beginning and
    ending with a letter or a digit (``_draft.md`` is ``draft``), at most 120 characters."""
    stem = _MARKDOWN_SUFFIX.sub("", name)
    key = _NOT_IN_KEY.sub("-", stem).strip(_KEY_ENDS)
    return key[:KEY_CHARS].rstrip(_KEY_ENDS) or "postmortem"


def is_key(value: str) -> bool:
    """Whether ``value`` can be the key of a stored postmortem: letters, digits, '.', '_' and
    '-' (what every save has made; the API's :data:`KEY_PATTERN` also asks new keys to begin
    and end with a letter or a digit, which older ones may not)."""
    return bool(value) and len(value) <= KEY_CHARS and not _NOT_IN_KEY.search(value)


def own_key(doc: Document) -> str:
    """The key the front matter's ``id`` gives (slugged), or ''."""
    return slug_key(doc.meta.id) if doc.meta.id else ""


def file_key(own: str, name: str, before: str = "") -> str:
    """The key of a file saved from a folder (`pm import`, `pm push`): the front matter's id
    (``own``); else the key it was saved under before (``before``: the server remembers the
    file names `pm import` read); else its path in the folder (``a/README.md`` is ``a-README``:
    many are a README)."""
    return own or before or slug_key(name)


TITLE_KEY_CHARS = 60


# Latin letters that no decomposition turns into ASCII ones, written as their languages write
# them without the letter (``Søren`` → ``Soren``, ``Straße`` → ``Strasse``); NFKD does the
# rest (an accent is a mark of its own after it, dropped).
_LATIN = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS",
        "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH",
        "ħ": "h", "Ħ": "H", "ı": "i", "ŋ": "ng", "Ŋ": "NG", "ŧ": "t", "Ŧ": "T", "ſ": "s",
        "ĸ": "k",
    }
)  # fmt: skip


def title_key(title: str) -> str:
    """A key from a title, for a postmortem saved without an id: its words in lower case, in
    ASCII letters (``Café`` → ``cafe``, ``Søren`` → ``soren``; other scripts are left out),
    cut after a whole word at 60 characters. Only a new postmortem's key is made here: the
    keys of stored ones never change. File names and ids (:func:`slug_key`) are not
    transliterated: a push and an import find the postmortem of a file by its key."""
    latin = unicodedata.normalize("NFKD", title.translate(_LATIN))
    ascii_words = latin.encode("ascii", "ignore").decode()
    key = _NOT_IN_KEY.sub("-", ascii_words.lower()).strip("-.")
    if len(key) > TITLE_KEY_CHARS:
        key = key[: TITLE_KEY_CHARS + 1].rsplit("-", 1)[0]
    return key.strip("-.")[:TITLE_KEY_CHARS] or "postmortem"


def columns(doc: Document) -> dict[str, Any]:
    """Every derived column of :class:`Postmortem` for ``doc`` (``key`` may be empty)."""
    meta, zone = doc.meta, doc.zone
    placed = doc.unknown_zone is None
    out = {
        column_name(spec): _db_value(spec, getattr(meta, spec.meta_attr), zone, placed=placed)
        for spec in SCALAR_FIELDS
    }
    out["key"] = own_key(doc)
    out["status"] = out["status"] or Status.DRAFT.value  # the workflow's reading of no status
    out["title"] = display_title(doc)[:300]
    # the zone as written when nobody knows it: the API says so (``timezone_known``)
    out["timezone"] = ((zone.iana or zone.label) if zone else doc.unknown_zone or "")[:64]
    out["duration_minutes"] = outage_window(doc).duration_minutes  # as the card reads it
    if out["users_affected_pct"] is None:
        out["users_affected_pct"] = doc.facts.users_affected_pct
    start = doc.facts.start
    if out["started"] is None and start is not None and start.aware is not None:
        out["started"] = start.aware
    started, end = out["started"], doc.facts.end.aware if doc.facts.end else None
    # an end before the start is no end
    if out["resolved"] is None and end is not None and (started is None or end >= started):
        out["resolved"] = end
    last = out["resolved"]
    for name, at in _timeline_milestones(doc).items():
        early = started is not None and at < started - _EARLY
        if out[name] is None and not early and (last is None or at <= last):
            out[name] = at
    out["incident_date"] = doc.day
    out["is_postmortem"] = doc.is_postmortem
    return out


def labels(doc: Document) -> list[tuple[str, str]]:
    """(kind, value) pairs for every list field, duplicates removed, order kept."""
    pairs: list[tuple[str, str]] = []
    for spec in LIST_FIELDS:
        for value in getattr(doc.meta, spec.meta_attr) or ():
            pair = (spec.meta_attr, str(value)[:200])
            if pair not in pairs:
                pairs.append(pair)
    return pairs


# A detection this long before the start tells another incident than the outage's window.
_EARLY = dt.timedelta(hours=1)
_MARKED = {Moment.DETECTED: "detected", Moment.MITIGATED: "mitigated"}


def _timeline_milestones(doc: Document) -> dict[str, dt.datetime]:
    """The detection and mitigation the timeline marks (as the card and the diagram show them),
    where the entry's time is a point in time (its date and zone known)."""
    out = {}
    for moment, index in milestones(doc.timeline).items():
        when = doc.timeline[index].when
        if moment in _MARKED and when is not None and when.aware is not None:
            out[_MARKED[moment]] = when.aware
    return out
