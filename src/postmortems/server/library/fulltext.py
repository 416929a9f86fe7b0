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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from postmortems.document.markup import without_comments
from postmortems.document.model import Document, SectionKind
from postmortems.server.accounts.access import Access
from postmortems.server.library import derive, queries, snippets, state
from postmortems.server.library.models import Postmortem

TABLE = "library_fulltext"
OPEN, CLOSE = "\ue000", "\ue001"  # match markers in snippets (removed from indexed text)
HEAD_KINDS = {
    SectionKind.SUMMARY,
    SectionKind.ROOT_CAUSE,
    SectionKind.ROOT_CAUSE_AND_RESOLUTION,
    SectionKind.TRIGGER,
}
HEAD_ORDER = {
    SectionKind.ROOT_CAUSE: 0,
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: 0,
    SectionKind.TRIGGER: 1,
    SectionKind.SUMMARY: 2,
}
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
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)", re.MULTILINE)  # a Markdown heading line
_MARKUP = re.compile(r"\*\*|__|`|^[ \t]*[-*+][ \t](?:\[[ xX]\][ \t])?", re.M)  # headings: _HEADING


@dataclass(frozen=True)
class Parts:
    """What the index holds of one postmortem's text (comments are written on their own)."""

    title: str
    head: str
    body: str


@dataclass(frozen=True)
class Hit:
    postmortem: Postmortem
    score: float
    snippet: SafeString


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    count: int


def clean(text: str) -> str:
    """Plain text to index: HTML comments, Markdown emphasis and list markers out, snippet
    markers out; a heading ends with a colon, so that a snippet across it reads "Timeline:
    04:07 UTC - …", not "Timeline 04:07 UTC - …"."""
    text = without_comments(text).replace(OPEN, "").replace(CLOSE, "")
    text = _HEADING.sub(_heading_line, text)
    return _MARKUP.sub("", text).replace("\x00", "")


def _heading_line(match: re.Match[str]) -> str:
    title = match.group(1).rstrip(" \t#")
    return title if not title or title[-1] in ".:!?" else title + ":"


def parts_of(doc: Document, title: str) -> Parts:
    """The title, the cause-carrying sections and the rest of ``doc``, as plain text.

    A section is taken from the source lines it spans (its lists, timeline and task lines
    included); the lines before the first section (front matter aside) go with the rest. The
    cause part starts with the root cause, then the trigger, then the summary.
    """
    lines = doc.source.splitlines()
    head: list[tuple[int, str]] = []
    body = [doc.preamble]
    for section in doc.sections:
        kinds = {section.kind, *section.subkinds}
        span = section.span
        text = (
            "\n".join(lines[span.start - 1 : span.end])
            if span.start and lines
            else f"{section.title}\n{section.body}"
        )
        if kinds & HEAD_KINDS:
            head.append((min(HEAD_ORDER.get(k, 9) for k in kinds), text))
        else:
            body.append(text)
    if not lines:
        body.extend(entry.text for entry in doc.timeline)
        body.extend(item.text for item in doc.action_items)
    cause = "\n\n".join(text for _, text in sorted(head, key=lambda pair: pair[0]))
    return Parts(clean(title), clean(cause), clean("\n\n".join(body)))


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


# -- writing ---------------------------------------------------------------------------------


def write(pm_id: int, parts: Parts) -> None:
    """Index (or re-index) one postmortem's text, keeping its comments' part."""
    write_many([(pm_id, parts)])


def write_many(rows: Iterable[tuple[int, Parts]]) -> None:
    """Index many postmortems' text at once (``pm import``, a reindex)."""
    values = [(pk, p.title, p.head, p.body) for pk, p in rows]
    if not values:
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.executemany(
                f"INSERT INTO {TABLE} (postmortem_id, title, head, body) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (postmortem_id) DO UPDATE SET title = EXCLUDED.title, "
                "head = EXCLUDED.head, body = EXCLUDED.body",
                values,
            )
            return
        ids = [v[0] for v in values]
        notes = _sqlite_notes(cur, ids)
        cur.executemany(f"DELETE FROM {TABLE} WHERE rowid = %s", [(pk,) for pk in ids])
        cur.executemany(
            f"INSERT INTO {TABLE} (rowid, title, head, body, notes) VALUES (%s, %s, %s, %s, %s)",
            [(*v, notes.get(v[0], "")) for v in values],
        )


def _sqlite_notes(cur: object, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cur.execute(f"SELECT rowid, notes FROM {TABLE} WHERE rowid IN ({marks})", chunk)  # type: ignore[attr-defined]
        out.update((int(pk), str(n)) for pk, n in cur.fetchall())  # type: ignore[attr-defined]
    return out


def write_notes(pm_id: int, notes: str) -> None:
    """Index the review comments of one postmortem (its text part must be indexed already)."""
    with connection.cursor() as cur:
        key = "postmortem_id" if connection.vendor == "postgresql" else "rowid"
        cur.execute(f"UPDATE {TABLE} SET notes = %s WHERE {key} = %s", [clean(notes), pm_id])


def clear() -> None:
    """Empty the index (a reindex starts here)."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE}")


def indexed_ids() -> set[int]:
    key = "postmortem_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cur:
        cur.execute(f"SELECT {key} FROM {TABLE}")
        return {int(pk) for (pk,) in cur.fetchall()}


def reindex(*, batch: int = 200, unreadable: list[str] | None = None) -> int:
    """Rebuild the text part of the index from every postmortem's text, and the columns derived
    from it (:func:`derive.columns`: a newer reader may read more of an older text); the stored
    pages are rendered again when next viewed; returns how many. ``unreadable`` gets the key and
    the reason of each text this version cannot read (its columns stay as they were saved).

    The comments' part is the workflow's (:func:`write_notes`); ``pm admin reindex`` rebuilds both.
    """
    from postmortems.document import parse
    from postmortems.errors import PostmortemsError

    clear()
    ids = list(Postmortem.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        rows = Postmortem.objects.filter(pk__in=chunk).only("key", "title", "text", "source_name")
        parts = []
        for pm in rows:
            try:
                doc = parse(pm.text, pm.source_name or f"{pm.key}.md")  # as the save read it
            except PostmortemsError as exc:  # unreadable by today's parser: index the plain text
                parts.append((pm.pk, Parts(clean(pm.title), "", clean(pm.text))))
                if unreadable is not None:
                    unreadable.append(f"{pm.key}: {exc.message}")
                continue
            derived = {k: v for k, v in derive.columns(doc).items() if k != "key"}
            # and its page, rendered again on its next view by this version's renderer
            Postmortem.objects.filter(pk=pm.pk).update(**derived, rendered_version=0)
            parts.append((pm.pk, parts_of(doc, derived["title"])))
        write_many(parts)
    analyze()
    state.bump()  # the list pages cached from the columns before
    return len(ids)


# -- related postmortems (the similar-incidents lookup's candidates) ---------------------------

MAX_CAUSE_TERMS = 16
# Words of the format's own section headings and of its timelines (zones, units, the calendar):
# shared by every postmortem, they tell nothing about a cause.
_HEADING_WORDS = """issue summary root cause causes resolution trigger timeline impact corrective
preventative preventive measures action items lessons learned detection
utc gmt pst pdt est edt cet cest bst ist jst minutes hours seconds
january february march april june july august september october november december
monday tuesday wednesday thursday friday saturday sunday day days week weeks month months
today yesterday tonight morning afternoon evening"""
HEADING_WORDS = frozenset(_HEADING_WORDS.split())


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


def analyze() -> None:
    """Refresh PostgreSQL's statistics of the index and of the tables a search filters on (after
    a bulk load or a reindex; autovacuum does it later otherwise): :func:`rarest` reads the
    common words from them, and without them a search's "hidden postmortems" filter scans the
    whole library (the planner guesses that 40% are restricted) instead of using the index."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {TABLE}, library_postmortem, library_label")


def parts_for(ids: Iterable[int]) -> dict[int, Parts]:
    """The indexed text of these postmortems (no parse)."""
    wanted = list(ids)
    if not wanted:
        return {}
    key = "postmortem_id" if connection.vendor == "postgresql" else "rowid"
    marks = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cur:
        sql = f"SELECT {key}, title, head, body FROM {TABLE} WHERE {key} IN ({marks})"
        cur.execute(sql, wanted)
        return {int(pk): Parts(t, h, b) for pk, t, h, b in cur.fetchall()}
