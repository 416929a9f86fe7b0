"""Finding incidents by their words: the title, the services and every entry of the timeline
(notes, the alerts' summaries, status updates, chat), and the key as a whole (or its number).

The words are read as the postmortems' search reads them (:func:`fulltext.phrases`: quoted text
is one phrase, each other chunk one). An incident matches when each phrase is in its title or
services or in one entry of its timeline (different entries may hold different phrases).
The indexes are migration ``0009_text_search``'s: FTS5 tables on SQLite, GIN indexes on
expressions on PostgreSQL, so a search reads the index, never every entry.

Order: the incident whose key is the query; then by how many phrases its title holds (a title
that says it all first); then newer first (started, else opened). Every query starts from
:func:`rights.visible`, so a restricted incident of another team is never counted, listed or
quoted; a snippet is taken from an entry of an incident shown, after that filter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, TextField, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils.safestring import SafeString, mark_safe

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.roles import Action
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Incident
from postmortems.server.library import fulltext


def _pg_words(column: str) -> str:
    """A text's words as PostgreSQL indexes them, a dot between letters or digits parting them
    (``web-01.prod``: ``web-01 prod``), as SQLite's tokenizer parts them."""
    return f"to_tsvector('english'::regconfig, {fulltext.PG_APART.format(column)})"


# What the indexes of migration 0010 hold, word for word (PostgreSQL uses an index on an
# expression only when the query repeats it).
PG_INCIDENT = f"(setweight({_pg_words('title')}, 'A') || {_pg_words('services::text')})"
PG_EVENT = _pg_words("text")
INCIDENT_FTS, EVENT_FTS = "incidents_incident_fts", "incidents_event_fts"
COLUMNS: tuple[str, ...] = ("key", "title", "severity", "status", "team", "services")
COLUMNS += ("restricted", "timezone", "started", "created")


class Narrowing(Protocol):
    """The search's filters an incident has too, as the search page's
    :class:`~postmortems.server.library.queries.Filters` and the API's query hold them (a
    postmortem's status or tag has no meaning for an incident: :func:`found.applies` says when
    the incidents are not searched). An empty value narrows nothing."""

    @property
    def severity(self) -> str: ...
    @property
    def team(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def since(self) -> dt.date | None: ...
    @property
    def until(self) -> dt.date | None: ...


@dataclass(frozen=True)
class Hit:
    """An incident found; ``snippet``: the entry of its timeline that holds the most of the
    words (its ``kind`` and time ``at``), empty when only the title or services hold them;
    ``in_title``: the title holds every phrase."""

    incident: Incident
    snippet: SafeString
    kind: str = ""
    at: dt.datetime | None = None
    in_title: bool = False


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    count: int


def search(
    access: Access,
    text: str,
    narrowing: Narrowing | None = None,
    *,
    limit: int = 10,
    offset: int = 0,
) -> Results:
    """The visible incidents matching ``text`` (and ``narrowing``), best first, with snippets:
    two queries (the page with the count, the snippets), three past the last page."""
    found, key = fulltext.phrases(text), _key(text)
    if not (found or key) or not (access.authenticated and access.may(Action.READ)):
        return Results([], 0)
    ranked = _ranked(access, found, key, narrowing)
    rows = list(ranked[offset : offset + limit])
    count = _annotated(rows[0], "total") if rows else (ranked.count() if offset else 0)
    snips = _snippets(found, [r.pk for r in rows])
    whole = len(found) if found else -1  # how many phrases a title holds when it holds all
    hits = [
        Hit(r, *snips.get(r.pk, (mark_safe(""), "", None)), _annotated(r, "in_title") == whole)
        for r in rows
    ]
    return Results(hits, count)


def _annotated(row: Incident, name: str) -> int:
    """A number :func:`_ranked` added to each row: ``total`` (the count of matches) or
    ``in_title`` (how many of the phrases the title holds)."""
    value: Any = row.__dict__[name]
    return int(value)


# The list's orders besides the default (newest first, by when each was opened), with what the
# form calls them: the worst severity first (SEV1 .. SEV4 sort as written), newest first within
# one; or oldest first.
SORTS = (("severity", "worst first"), ("oldest", "oldest first"))
ORDERS: dict[str, tuple[str, ...]] = {
    "": ("-created", "-id"),
    "severity": ("severity", "-created", "-id"),
    "oldest": ("created", "id"),
}


def listed(
    access: Access,
    *,
    status: str = "",
    team: str = "",
    severity: str = "",
    q: str = "",
    since: dt.date | None = None,
    to: dt.date | None = None,
    sort: str = "",
) -> QuerySet[Incident]:
    """The incidents list (the page and ``GET /api/incidents``): :func:`rights.listed`'s
    filters, and ``q`` read as the search reads it (every word or phrase in the title, the
    services or an entry of the timeline, or ``q`` the key). In the order ``sort`` names
    (:data:`ORDERS`; newest first by default), the incident whose key ``q`` is first. ``q``
    without a word: no filter."""
    qs = rights.listed(access, status=status, team=team, severity=severity, since=since, to=to)
    order = ORDERS[sort]
    found, key = fulltext.phrases(q), _key(q)
    if not (found or key):
        return qs.order_by(*order)
    hit = Case(When(key=key, then=Value(1)), default=Value(0)) if key else Value(0)
    return qs.filter(_matched(found, key)).annotate(key_hit=hit).order_by("-key_hit", *order)


def _key(text: str) -> str:
    """``text`` as an incident's key: one chunk, without the punctuation around it
    (``INC-2026-0004,``), in capitals; '' for more chunks or no letter or digit."""
    chunks = text.split()
    key = chunks[0].strip(rights.AROUND) if len(chunks) == 1 else ""
    return key.upper() if any(c.isalnum() for c in key) and "\x00" not in key else ""


def _matched(found: Sequence[tuple[str, ...]], key: str) -> Q:
    """Each phrase in the incident's words (one index lookup each), or ``key`` its key, or the
    key's last parts, whole (``0004`` and ``2026-0004`` find ``INC-2026-0004``; ``4`` does
    not)."""
    words = Q()
    for phrase in found:
        words &= Q(pk__in=RawSQL(*_matching(phrase)))
    if not key:
        return words
    named = Q(key=key) | (Q(key__endswith=f"-{key}") if key[0].isdigit() else Q(pk__in=[]))
    return (words if found else Q(pk__in=[])) | named


def _ranked(
    access: Access, found: Sequence[tuple[str, ...]], key: str, narrowing: Narrowing | None
) -> QuerySet[Incident]:
    qs = _narrowed(rights.visible(access).filter(_matched(found, key)), narrowing)
    return (
        qs.annotate(
            key_hit=Case(When(key=key, then=Value(1)), default=Value(0)) if key else Value(0),
            in_title=_in_title(found),
            when=Coalesce("started", "created"),
            total=Window(Count("pk")),
        )
        .order_by("-key_hit", "-in_title", "-when", "-pk")
        .only(*COLUMNS)
    )


def _matching(phrase: tuple[str, ...]) -> tuple[str, list[str]]:
    """The ids of the incidents whose title or services, or an entry of whose timeline, hold
    ``phrase``: one index lookup in each table. An "-er" word the stemmer reads as another
    word's verb is asked in its own forms too ("resolver" is not "Alert resolved":
    :func:`fulltext.noun_patterns`)."""
    patterns = fulltext.noun_patterns([phrase])
    if connection.vendor == "postgresql":
        query = _tsquery(phrase)
        incidents = (
            f"SELECT id FROM incidents_incident WHERE {PG_INCIDENT} @@ to_tsquery('english', %s)"
        )
        events = (
            f"SELECT incident_id FROM incidents_event WHERE {PG_EVENT} @@ to_tsquery('english', %s)"
        )
        columns = (["title", "services::text"], ["text"])
    else:
        query = _fts5(phrase)
        incidents = f"SELECT rowid FROM {INCIDENT_FTS} WHERE {INCIDENT_FTS} MATCH %s"
        events = (
            f"SELECT e.incident_id FROM {EVENT_FTS} JOIN incidents_event e "
            f"ON e.id = {EVENT_FTS}.rowid WHERE {EVENT_FTS} MATCH %s"
        )
        columns = (["title", "services"], ["e.text"])
    named, names = fulltext.says_nouns(patterns, columns[0])
    said, says = fulltext.says_nouns(patterns, columns[1])
    return f"{incidents}{named} UNION {events}{said}", [query, *names, query, *says]


def _in_title(found: Sequence[tuple[str, ...]]) -> Any:
    """How many of the phrases the title holds (0 without phrases: a key alone)."""
    if not found:
        return Value(0, output_field=IntegerField())
    if connection.vendor == "postgresql":
        test = f"({_pg_words('incidents_incident.title')} @@ to_tsquery('english', %s))::int"
        params = [_tsquery(p) for p in found]
    else:
        test = (
            f"(incidents_incident.id IN (SELECT rowid FROM {INCIDENT_FTS} "
            f"WHERE {INCIDENT_FTS} MATCH %s))"
        )
        params = ["title : " + _fts5(p) for p in found]
    sql = " + ".join([test] * len(found))
    return RawSQL(sql, params, output_field=IntegerField())


def _narrowed(qs: QuerySet[Incident], narrowing: Narrowing | None) -> QuerySet[Incident]:
    if narrowing is None:
        return qs
    if narrowing.severity:
        qs = qs.filter(severity=narrowing.severity)
    if narrowing.team:
        qs = qs.filter(team__iexact=narrowing.team)
    if narrowing.service:
        qs = on_service(qs, narrowing.service)
    return rights.in_period(qs, narrowing.since, narrowing.until)


def on_service(qs: QuerySet[Incident], name: str) -> QuerySet[Incident]:
    """The incidents of ``qs`` with the service ``name`` (in any case, like the postmortems'
    service pages). SQLite's JSON text writes "café" as "caf\\u00e9", PostgreSQL's as it is."""
    qs = qs.alias(services_text=Cast("services", TextField()))
    forms = {json.dumps(name.strip()), json.dumps(name.strip(), ensure_ascii=False)}
    either = Q()
    for form in forms:
        either |= Q(services_text__icontains=form)
    return qs.filter(either)


def _fts5(phrase: tuple[str, ...]) -> str:
    return '"' + " ".join(phrase) + '"'


def _tsquery(phrase: tuple[str, ...]) -> str:
    """The phrase as a ``tsquery`` (:func:`fulltext.pg_term`: a key found in a note's text, such
    as ``INC-2026-0004``, is found by its words as SQLite's index finds it)."""
    return " <-> ".join(fulltext.pg_term(word) for word in phrase)


Snippets = dict[int, tuple[SafeString, str, dt.datetime | None]]


def _snippets(found: Sequence[tuple[str, ...]], ids: list[int]) -> Snippets:
    """For each of ``ids``, the entry holding the most of the words (the newest of equals),
    as a snippet with its kind and time: one query."""
    if not ids or not found:
        return {}
    if connection.vendor == "postgresql":
        return _pg_snippets(found, ids)
    match = " OR ".join(_fts5(p) for p in found)
    marks = ", ".join(["%s"] * len(ids))
    # The best entry of each incident is chosen first; only those get a snippet.
    sql = (
        "WITH scored AS MATERIALIZED (SELECT e.incident_id, e.id, e.at, "
        f"bm25({EVENT_FTS}) AS score FROM {EVENT_FTS} JOIN incidents_event e "
        f"ON e.id = {EVENT_FTS}.rowid WHERE {EVENT_FTS} MATCH %s AND e.incident_id IN ({marks})), "
        "best AS (SELECT incident_id, id FROM (SELECT incident_id, id, row_number() OVER "
        "(PARTITION BY incident_id ORDER BY score, at DESC, id DESC) AS n FROM scored) "
        "WHERE n = 1) "
        f"SELECT best.incident_id, e.kind, e.at, {_SNIPPET} FROM best "
        f"JOIN {EVENT_FTS} ON {EVENT_FTS}.rowid = best.id "
        f"JOIN incidents_event e ON e.id = best.id WHERE {EVENT_FTS} MATCH %s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [match, *ids, match])
        rows = cur.fetchall()
    return {
        int(pk): (fulltext.highlight(str(raw)), str(kind), _instant(at))
        for pk, kind, at, raw in rows
    }


_SNIPPET = f"snippet({EVENT_FTS}, 0, '{fulltext.OPEN}', '{fulltext.CLOSE}', ' … ', 24)"


def _pg_snippets(found: Sequence[tuple[str, ...]], ids: list[int]) -> Snippets:
    query = " | ".join("(" + _tsquery(p) + ")" for p in found)
    sql = (
        "SELECT DISTINCT ON (incident_id) incident_id, kind, at, text FROM incidents_event "
        f"WHERE incident_id = ANY(%s) AND {PG_EVENT} @@ to_tsquery('english', %s) "
        f"ORDER BY incident_id, ts_rank({PG_EVENT}, to_tsquery('english', %s)) DESC, "
        "at DESC, id DESC"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [ids, query, query])
        rows = cur.fetchall()
        words = [w for phrase in found for w in phrase]
        snips = fulltext.pg_snippets(cur, words, [(str(r[3]),) for r in rows])
    return {int(r[0]): (s.html, str(r[1]), r[2]) for r, s in zip(rows, snips, strict=True)}


def _instant(value: Any) -> dt.datetime | None:
    """A time read by a raw query on SQLite: a naive datetime (or text) in UTC."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
