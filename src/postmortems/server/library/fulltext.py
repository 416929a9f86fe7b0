"""Full-text search over whole postmortems: one API over SQLite FTS5 and PostgreSQL ``tsvector``.

The index is one row per postmortem in ``library_fulltext`` (created by migration 0005, raw SQL
per database): the title (weight A), the parts that carry the cause — summary, root cause,
trigger — (B), the rest of the text with the action items (C), and the review comments (C).
:mod:`store` writes the document's parts in the same transaction as the save; the workflow's
comments write theirs with the comment. A deleted postmortem's row goes with it (a trigger; on
PostgreSQL one for truncation too). Searches start from the library's visibility query, so a
restricted postmortem never reaches someone outside its teams, not even as a snippet.

Snippets come back from the database with two private-use characters around the matches; the
text is HTML-escaped first, then the markers become ``<mark>`` (the indexed text has the markers
removed, so a postmortem cannot forge one).

What is indexed and the writes are in :mod:`postmortems.server.library.fulltextindex`; the
postmortems related to one, in :mod:`postmortems.server.library.fulltextrelated`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from postmortems.server.accounts.access import Access
from postmortems.server.library import queries, snippets
from postmortems.server.library.models import Postmortem

TABLE = "library_fulltext"
OPEN, CLOSE = "\ue000", "\ue001"  # match markers in snippets (removed from indexed text)
# Field weights: SQLite's bm25() takes one per column; PostgreSQL's A/B/C/D weights (D, C, B, A).
SQLITE_WEIGHTS = (10.0, 4.0, 1.0, 1.0)
_SQLITE_WEIGHTS = ", ".join(str(w) for w in SQLITE_WEIGHTS)
PG_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
MAX_TERMS = 12
HIT_COLUMNS: tuple[str, ...] = ("key", "title", "version", "status", "severity", "restricted")
HIT_COLUMNS += ("incident_date", "started", "updated", "label_values")
# Words too common to narrow a search down; the query leaves them out (PostgreSQL's English
# configuration drops them from the index as well).
_STOP_WORDS = """a an and are as at be but by for from has have in into is it its of on or our that
the their then there these they this to was we were what when where which while who will with"""
STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    postmortem: Postmortem
    score: float
    snippet: SafeString


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    count: int


# -- the query ---------------------------------------------------------------------------------


def phrases(text: str) -> list[tuple[str, ...]]:
    """The query as phrases of words: ``"connection pool" oom-killer`` → two phrases.

    Quoted text is one phrase; elsewhere each whitespace-separated chunk is one (so an
    identifier like ``oom-killer`` or ``api.example.com`` matches its words in order). Stop
    words alone are left out; only letters, digits and ``_`` reach the database.
    """
    out: list[tuple[str, ...]] = []
    for i, chunk in enumerate(text.split('"')):
        groups = [chunk] if i % 2 else chunk.split()
        for group in groups:
            words = tuple(w.lower() for w in _WORD.findall(group))
            if words and not (len(words) == 1 and words[0] in STOP):
                out.append(words)
    return out[:MAX_TERMS]


def _fts5_query(found: Sequence[tuple[str, ...]]) -> str:
    return " AND ".join('"' + " ".join(words) + '"' for words in found)


def _pg_query(found: Sequence[tuple[str, ...]]) -> str:
    def term(word: str) -> str:
        return "'" + word + "'"

    return " & ".join("(" + " <-> ".join(term(w) for w in words) + ")" for words in found)


# -- searching -------------------------------------------------------------------------------


def search(
    access: Access, filters: queries.Filters, text: str, *, limit: int = 20, offset: int = 0
) -> Results:
    """Visible postmortems matching ``text`` and every filter, best first, with snippets."""
    found = phrases(text)
    if not found or queries.visible(access).query.is_empty():
        return Results([], 0)
    scope_sql, scope_params = _scope(access, filters)
    if connection.vendor == "postgresql":
        ranked, count = _pg_rank(found, scope_sql, scope_params, limit, offset)
    else:
        ranked, count = _sqlite_rank(_fts5_query(found), scope_sql, scope_params, limit, offset)
    rows = Postmortem.objects.only(*HIT_COLUMNS).in_bulk([pk for pk, _, _ in ranked])
    hits = [Hit(rows[pk], score, snip) for pk, score, snip in ranked if pk in rows]
    return Results(hits, count)


def _scope(access: Access, filters: queries.Filters) -> tuple[str, Sequence[Any]]:
    """Which postmortems the search may return, as a condition on the index's id: ``IN`` the
    visible ones matching the filters or, when no filter narrows the library, ``NOT IN`` the
    hidden ones (other teams' restricted postmortems: a few, where the visible ones are all)."""
    visible = access.visible()  # Q() for a superuser
    if replace(filters, q="", sort=ANY.sort) == ANY:
        if not visible:
            return "IS NOT NULL", []
        hidden = Postmortem.objects.filter(~visible).order_by().values("pk")
        sql, params = hidden.query.get_compiler(connection=connection).as_sql()
        return f"NOT IN ({sql})", params
    scope = queries.list_postmortems(access, replace(filters, q="")).order_by().values("pk")
    sql, params = scope.query.get_compiler(connection=connection).as_sql()
    return f"IN ({sql})", params


ANY = queries.Filters()
Ranked = list[tuple[int, float, SafeString]]


def _sqlite_rank(
    match: str, scope: str, params: Sequence[Any], limit: int, offset: int
) -> tuple[Ranked, int]:
    # The matches are scored first, on their own (a materialized CTE): SQLite would otherwise
    # run the visibility subquery against the FTS table row by row, and compute a snippet for
    # every match before the LIMIT. Snippets are made for the page's rows only.
    matched = (
        f"WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25({TABLE}, {_SQLITE_WEIGHTS}) AS score "
        f"FROM {TABLE} WHERE {TABLE} MATCH %s) "
    )
    with connection.cursor() as cur:
        cur.execute(
            f"{matched}SELECT id, score, count(*) OVER () FROM m WHERE id {scope} "
            "ORDER BY score DESC, id DESC LIMIT %s OFFSET %s",
            [match, *params, limit, offset],
        )
        rows = cur.fetchall()
        top = [(int(pk), float(score)) for pk, score, _ in rows]
        if rows:
            count = int(rows[0][2])
        else:  # past the last page: the count alone
            cur.execute(f"{matched}SELECT count(*) FROM m WHERE id {scope}", [match, *params])
            count = int(cur.fetchone()[0])
        found = _sqlite_snippets(cur, match, [pk for pk, _ in top])
    return [(pk, score, highlight(found.get(pk, ""))) for pk, score in top], count


def _sqlite_snippets(cur: Any, match: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    cur.execute(
        f"SELECT rowid, snippet({TABLE}, -1, %s, %s, ' … ', 24) FROM {TABLE} "
        f"WHERE {TABLE} MATCH %s AND rowid IN ({marks})",
        [OPEN, CLOSE, match, *ids],
    )
    return {int(pk): str(snip) for pk, snip in cur.fetchall()}


def _pg_rank(
    found: Sequence[tuple[str, ...]], scope: str, params: Sequence[Any], limit: int, offset: int
) -> tuple[Ranked, int]:
    # One pass gives the page and the count (a window count over the scores alone: the
    # materialized CTE keeps the vectors out of the window's buffer), and the page's text, from
    # which the snippets are made here (ts_headline re-parsed each result's whole text).
    tsquery = _pg_query(found)
    where = f"f.document @@ q AND f.postmortem_id {scope}"
    source = f"{TABLE} f, to_tsquery('english', %s) q"
    with connection.cursor() as cur:
        cur.execute(
            "WITH m AS MATERIALIZED (SELECT f.postmortem_id, "
            f"ts_rank(%s::float4[], f.document, q) AS score FROM {source} WHERE {where}), "
            "top AS (SELECT postmortem_id, score, count(*) OVER () AS total FROM m "
            "ORDER BY score DESC, postmortem_id DESC LIMIT %s OFFSET %s) "
            "SELECT top.postmortem_id, top.score, top.total, f.head, f.body, f.notes, f.title "
            f"FROM top JOIN {TABLE} f USING (postmortem_id) ORDER BY top.score DESC, "
            "top.postmortem_id DESC",
            [PG_WEIGHTS, tsquery, *params, limit, offset],
        )
        rows = cur.fetchall()
        if rows:
            count = int(rows[0][2])
        else:  # past the last page: the count alone
            cur.execute(f"SELECT count(*) FROM {source} WHERE {where}", [tsquery, *params])
            count = int(cur.fetchone()[0])
        words = [w for phrase in found for w in phrase]
        snips = _pg_snippets(cur, words, [tuple(row[3:]) for row in rows])
    return [(int(r[0]), float(r[1]), snip) for r, snip in zip(rows, snips, strict=True)], count


def _pg_snippets(cur: Any, words: list[str], texts: list[tuple[str, ...]]) -> list[SafeString]:
    """Snippets of the page's rows: the words that may match found in their text, stemmed by
    the database (one statement), then :func:`snippets.build`."""
    if not texts:
        return []
    pieces = snippets.words_of(" ".join(words))
    finder = snippets.Finder(pieces)
    found = [[finder.scan(text) for text in row] for row in texts]
    asked = {w for row in found for part in row for _, _, w in part} | set(pieces)
    cur.execute(
        "SELECT w, coalesce((tsvector_to_array(to_tsvector('english', w)))[1], '') "
        "FROM unnest(%s::text[]) AS w",
        [sorted(asked)],
    )
    stems = {str(w): str(stem) for w, stem in cur.fetchall()}
    query = {stems[p] for p in pieces} - {""}
    return [snippets.build(row, f, stems, query) for row, f in zip(texts, found, strict=True)]


def highlight(raw: str) -> SafeString:
    """The database's snippet, escaped, with its match markers turned into ``<mark>``."""
    text = " ".join(raw.split())
    html = escape(text).replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
    return mark_safe(html)  # escaped on the line above; only our markers added
