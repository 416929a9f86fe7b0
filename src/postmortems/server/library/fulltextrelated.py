"""Postmortems related to one: the terms that carry its cause (the rarest in the library first),
searched for in the full-text index within the reader's visibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from postmortems.search import causes
from postmortems.server.accounts.access import Access
from postmortems.server.library import queries
from postmortems.server.library.fulltext import _SQLITE_WEIGHTS, _WORD, PG_WEIGHTS, STOP, TABLE
from postmortems.server.library.fulltextindex import Parts

# -- related postmortems (the similar-incidents lookup's candidates) ---------------------------

MAX_CAUSE_TERMS = 16
# Words of the format's own section headings and of its timelines (zones, units, the calendar):
# shared by every postmortem, they tell nothing about a cause.
HEADING_WORDS = frozenset(causes.HEADING_WORDS.split())


def cause_terms(parts: Parts, limit: int = MAX_CAUSE_TERMS) -> list[str]:
    """The words that carry a postmortem's cause: its root cause, trigger, summary and title.

    In that order (the first ones count when there are too many); a postmortem without those
    sections lends the start of its text instead.
    """
    source = f"{parts.head or parts.body[:2000]}\n{parts.title}"
    out: dict[str, None] = {}
    for word in _WORD.findall(source.lower()):
        if len(word) >= 3 and word not in STOP | HEADING_WORDS and not word.isdigit():
            out.setdefault(word, None)
    return list(out)[:limit]


def related(
    access: Access,
    parts: Parts,
    *,
    exclude: int | None = None,
    until: dt.date | None = None,
    top: int = 20,
) -> list[tuple[int, float]]:
    """Visible postmortems sharing cause words with ``parts`` (any of them), best first.

    ``exclude``: the postmortem itself; ``until``: only incidents up to that day (earlier ones).
    """
    terms = rarest(cause_terms(parts))
    if not terms:
        return []
    scope = queries.visible(access)
    if exclude is not None:
        scope = scope.exclude(pk=exclude)
    if until is not None:
        scope = scope.filter(incident_date__lte=until)
    sql, params = scope.order_by().values("pk").query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"SELECT f.postmortem_id, ts_rank(%s::float4[], f.document, q) AS score "
                f"FROM {TABLE} f, to_tsquery('english', %s) q WHERE f.document @@ q "
                f"AND f.postmortem_id IN ({sql}) ORDER BY score DESC, f.postmortem_id DESC "
                "LIMIT %s",
                [PG_WEIGHTS, " | ".join(f"'{t}'" for t in terms), *params, top],
            )
        else:  # scored first, then each match looked up among the visible ones: the rarest
            # words match a few thousand at most, fewer than the visible ones to list
            cur.execute(
                f"WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25({TABLE}, {_SQLITE_WEIGHTS}) "
                f"AS score FROM {TABLE} WHERE {TABLE} MATCH %s) SELECT id, score FROM m "
                f"WHERE EXISTS (SELECT 1 FROM ({sql}) s WHERE s.pk = m.id) "
                "ORDER BY score DESC, id DESC LIMIT %s",
                [" OR ".join(f'"{t}"' for t in terms), *params, top],
            )
        return [(int(pk), float(score)) for pk, score in cur.fetchall()]


# How many documents the candidate query may match (the sum of its words' document counts):
# each match is scored, and a word that most postmortems hold would make that all of them.
CANDIDATE_MATCHES = 2000


def rarest(terms: Sequence[str], budget: int = CANDIDATE_MATCHES) -> list[str]:
    """The rarest of ``terms`` (fewest documents hold them, in the whole index) whose document
    counts add up to at most ``budget``; the rarest one at least, in their first order.

    Leaving out the common words changes little in the ranking: BM25 and ``ts_rank`` give a
    word that most documents hold next to no weight. The counts are of every postmortem,
    restricted ones included; they choose the query's words and are never shown.
    """
    counts = _document_counts(terms)
    kept: set[int] = set()
    total = 0
    for i in sorted(range(len(terms)), key=lambda i: (counts[i], i)):
        if kept and total + counts[i] > budget:
            break
        kept.add(i)
        total += counts[i]
    return [t for i, t in enumerate(terms) if i in kept]


def _document_counts(terms: Sequence[str]) -> list[int]:
    """How many indexed postmortems hold each term: exact on SQLite (FTS5 counts a term's
    documents from its index entry); on PostgreSQL from the planner's statistics of the
    vector column (``ANALYZE``: the common words and their share), 0 for a word not among them.
    """
    if not terms:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(_PG_COUNTS, [TABLE, TABLE, list(terms)])
        else:
            counts = [f"(SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH %s)" for _ in terms]
            cur.execute("SELECT " + ", ".join(counts), [f'"{t}"' for t in terms])
            return [int(n) for n in cur.fetchone()]
        return [int(n) for (n,) in cur.fetchall()]


_PG_COUNTS = """WITH common AS (
    SELECT u.lexeme, u.share FROM pg_stats s,
        unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(lexeme, share)
    WHERE s.schemaname = current_schema() AND s.tablename = %s AND s.attname = 'document'
), rows AS (SELECT greatest(reltuples, 0) AS n FROM pg_class WHERE oid = %s::regclass)
SELECT round(coalesce(c.share, 0) * (SELECT n FROM rows))
FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, i)
LEFT JOIN common c ON c.lexeme = (tsvector_to_array(to_tsvector('english', t.term)))[1]
ORDER BY t.i"""
