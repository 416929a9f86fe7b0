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

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from postmortems.search import nouns, spelling
from postmortems.server.accounts.access import Access
from postmortems.server.library import queries, snippets
from postmortems.server.library.models import Postmortem

TABLE = "library_fulltext"
# The text as PostgreSQL's vectors read it (migration 0010): a dot between letters or digits
# parts the words (``web-01.prod``: ``web-01 prod``), as SQLite's tokenizer parts them.
PG_APART = r"regexp_replace({}, '(\w)\.(?=\w)', '\1 ', 'g')"
OPEN, CLOSE = "\ue000", "\ue001"  # match markers in snippets (removed from indexed text)
# Field weights: SQLite's bm25() takes one per column; PostgreSQL's A/B/C/D weights (D, C, B, A).
SQLITE_WEIGHTS = (10.0, 4.0, 1.0, 1.0)
_SQLITE_WEIGHTS = ", ".join(str(w) for w in SQLITE_WEIGHTS)
PG_WEIGHTS = "{0.2, 0.2, 0.5, 1.0}"  # D (the comments) weighs as C (the rest)
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
    """A result; ``source`` says where its snippet is from when not the postmortem's text:
    ``title``, or ``comment`` (a review comment, by ``author`` when the comment is found)."""

    postmortem: Postmortem
    score: float
    snippet: SafeString
    source: str = ""
    author: str = ""


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


def operators(text: str) -> list[str]:
    """What ``text`` types as a search operator of other engines, outside quotes, which this
    search reads as words: ``OR`` (every word must match, so it narrows, never widens) and a
    leading ``-`` before a letter (``-dns`` finds "dns", not what lacks it; ``-40`` is a
    number). The page says so."""
    found: list[str] = []
    for i, chunk in enumerate(text.split('"')):
        if i % 2:
            continue
        for token in chunk.split():
            if (token == "OR" or (token[0] == "-" and token[1:2].isalpha())) and token not in found:
                found.append(token)
    return found


def _fts5_query(found: Sequence[tuple[str, ...]], comments: bool = True) -> str:
    """The FTS5 query; without ``comments``, a column filter keeps the comments out of it."""
    query = " AND ".join('"' + " ".join(words) + '"' for words in found)
    return query if comments else f"{{{' '.join(TEXT_COLUMNS)}}} : ({query})"


def _pg_query(found: Sequence[tuple[str, ...]], comments: bool = True) -> str:
    """The ``tsquery``; without ``comments``, each word matches only the weights of the text
    (the comments are weight D: migration ``library/0009``)."""
    weights = "" if comments else ":ABC"
    return " & ".join(
        "(" + " <-> ".join(pg_term(w, weights) for w in words) + ")" for words in found
    )


def pg_term(word: str, weights: str = "") -> str:
    """One word of :func:`phrases` as a ``tsquery`` term. PostgreSQL's parser reads a number
    after a hyphen as a signed one: ``PM-2024-007`` is ``pm``, ``-2024``, ``-007`` in the
    vector, where SQLite's index and :func:`phrases` see ``pm 2024 007``. A number matches
    either way, so any hyphenated identifier (``INC-2024-0012``, ``db-01``, ``CVE-2024-3094``)
    is found by its words in order on both databases."""
    if word.isdigit():
        return f"('{word}'{weights} | '-{word}'{weights})"
    return f"'{word}'{weights}"


def noun_patterns(found: Sequence[tuple[str, ...]]) -> list[nouns.Forms]:
    """For each word of the query that the database's stemmer gives the stem of another word,
    the forms a text must hold one of to be about it. An "-er" noun read as another word's verb
    ("resolver": ``resolv``, as "resolved"): the noun's forms (:func:`nouns.noun_forms`), those
    another holds left out ("resolvers" holds "resolver"): ``("resolver", "resolving")``. A
    verb's form whose stem an agent noun has too ("resolved", "resolve", "scheduling"): the
    verb's forms, never only the noun (:func:`nouns.verb_forms`)."""
    out = []
    for word in (word for phrase in found for word in phrase):
        forms = nouns.noun_forms(word)
        if forms:
            kept = tuple(f for f in forms if not any(o in f for o in forms if o != f))
            out.append(nouns.Forms(kept))
        elif (verb := nouns.verb_forms(word)) is not None:
            out.append(verb)
    return out


def says_nouns(patterns: Sequence[nouns.Forms], columns: Sequence[str]) -> tuple[str, list[str]]:
    """The SQL condition (`` AND …``, with its parameters) that the text of ``columns`` holds
    what each pattern asks, in any case: only the rows the index matched are read. On SQLite by
    ``LIKE`` (a noun's forms) and ``GLOB`` on the lower-cased text (a verb's word that is not
    its noun): its ``REGEXP`` calls Python for every row (the search of "resolver" took 15 ms on
    the judged corpus, 4 ms by ``LIKE``), so it reads only a text where the verb's stem may be
    in a file name's part (``resolv.conf``: :func:`nouns.file_part_globs`)."""
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    if connection.vendor == "postgresql":  # its regular expressions outrun its ILIKE here
        return "".join(f" AND ({text}) ~* %s" for _ in patterns), [_pg_regex(p) for p in patterns]
    sql, params = "", []
    for forms in patterns:
        globs = _not_the_noun(forms) if forms.verb else []
        tests = [f"{text} LIKE %s"] * len(forms.within) + [f"lower({text}) GLOB %s"] * len(globs)
        sql += " AND (" + " OR ".join(tests) + ")"
        params += [f"%{form}%" for form in forms.within] + globs
        if forms.verb:  # a file name's part is no verb's form ("resolv.conf" is not "resolved")
            named = nouns.file_part_globs(forms)
            sql += f" AND (NOT ({' OR '.join([f'lower({text}) GLOB %s'] * len(named))})"
            sql += f" OR lower({text}) REGEXP %s)"
            params += [*named, nouns.verb_pattern(forms)]
    return sql, params


def _pg_regex(forms: nouns.Forms) -> str:
    """A pattern as one PostgreSQL regular expression (matched in any case): the noun's forms,
    or the verb's (:func:`nouns.verb_pattern`)."""
    return nouns.verb_pattern(forms) if forms.verb else "|".join(forms.within)


def _not_the_noun(forms: nouns.Forms) -> list[str]:
    """``GLOB`` patterns of the lower-cased text, one of which holds when a word starting with
    the verb's stem is not its agent noun: what follows the stem, letter by letter, up to where
    it can no longer be "-er" or "-ers" and the word's end."""
    out = []
    for stem in (forms.verb, forms.verb + forms.doubled) if forms.doubled else (forms.verb,):
        other = forms.doubled if stem == forms.verb else ""  # "controll…" is tried apart
        out += [f"*{stem}", f"*{stem}[^e{other}]*", f"*{stem}e", f"*{stem}e[^r]*"]
        out += [f"*{stem}er[a-rt-z]*", f"*{stem}ers[a-z]*"]
    return out


# -- searching -------------------------------------------------------------------------------


def search(
    access: Access, filters: queries.Filters, text: str, *, limit: int = 20, offset: int = 0
) -> Results:
    """Visible postmortems matching ``text`` and every filter, best first, with snippets."""
    found = phrases(text)
    if not found or queries.visible(access).query.is_empty():
        return Results([], 0)
    scope = _scope(access, filters)
    comments = access.reads_comments()  # else neither found nor shown
    if connection.vendor == "postgresql":
        ranked, count = _pg_rank(found, *scope, limit, offset, comments)
    else:
        match = _fts5_query(found, comments)
        ranked, count = _sqlite_rank(match, *scope, limit, offset, comments, noun_patterns(found))
    rows = Postmortem.objects.only(*HIT_COLUMNS).in_bulk([r.pk for r in ranked])
    hits = [
        Hit(rows[r.pk], r.score, r.snippet, r.source, _author(r) if r.source == NOTES else "")
        for r in ranked
        if r.pk in rows
    ]
    return Results(hits, count)


def did_you_mean(access: Access, filters: queries.Filters, text: str) -> str | None:
    """For a search that found nothing: ``text`` with its mistyped words corrected to the
    nearest words of the postmortems ``access`` may see — their titles, text, services and tags
    (:mod:`~postmortems.server.library.vocabulary`, :func:`postmortems.search.spelling.suggest`)
    — when that finds something with ``filters``; else None. Only what the reader may see is
    read, so a suggestion names nothing else."""
    from postmortems.server.library import vocabulary  # it reads the index: imports this

    suggestion = spelling.suggest(text, vocabulary.for_reader(access))
    if suggestion is None or not search(access, filters, suggestion, limit=1).count:
        return None
    return suggestion


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
# The index's columns on SQLite, in order; the comments are the last.
COLUMNS = ("title", "head", "body", "notes")
TEXT_COLUMNS = COLUMNS[:-1]
NOTES = "comment"  # a hit's source when its snippet is from the comments


@dataclass(frozen=True)
class _Ranked:
    """One result as the database ranks it, with its snippet and where that is from (the
    plain text of the snippet too, to find a comment's author by)."""

    pk: int
    score: float
    snippet: SafeString
    source: str = ""
    passage: str = ""


Ranked = list[_Ranked]


def _sqlite_rank(
    match: str,
    scope: str,
    params: Sequence[Any],
    limit: int,
    offset: int,
    comments: bool = True,
    patterns: Sequence[nouns.Forms] = (),
) -> tuple[Ranked, int]:
    # The matches are scored first, on their own (a materialized CTE): SQLite would otherwise
    # run the visibility subquery against the FTS table row by row, and compute a snippet for
    # every match before the LIMIT. Snippets are made for the page's rows only.
    columns = COLUMNS if comments else TEXT_COLUMNS
    says, said = says_nouns(patterns, columns)  # "resolver" is not "resolved" (nouns)
    matched = (
        f"WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25({TABLE}, {_SQLITE_WEIGHTS}) AS score "
        f"FROM {TABLE} WHERE {TABLE} MATCH %s{says}) "
    )
    with connection.cursor() as cur:
        cur.execute(
            f"{matched}SELECT id, score, count(*) OVER () FROM m WHERE id {scope} "
            "ORDER BY score DESC, id DESC LIMIT %s OFFSET %s",
            [match, *said, *params, limit, offset],
        )
        rows = cur.fetchall()
        top = [(int(pk), float(score)) for pk, score, _ in rows]
        if rows:
            count = int(rows[0][2])
        else:  # past the last page: the count alone
            cur.execute(
                f"{matched}SELECT count(*) FROM m WHERE id {scope}", [match, *said, *params]
            )
            count = int(cur.fetchone()[0])
        found = _sqlite_snippets(cur, match, [pk for pk, _ in top], len(columns))
    return [_ranked(pk, score, *found.get(pk, (0, ""))) for pk, score in top], count


def _ranked(pk: int, score: float, column: int, raw: str) -> _Ranked:
    source = {0: "title", 3: NOTES}.get(column, "")
    return _Ranked(pk, score, highlight(raw), source, raw.replace(OPEN, "").replace(CLOSE, ""))


_SNIPPET = f"snippet({TABLE}, %s, '{OPEN}', '{CLOSE}', ' … ', 24)"


def _sqlite_snippets(
    cur: Any, match: str, ids: list[int], columns: int
) -> dict[int, tuple[int, str]]:
    """Each result's snippet, FTS5's choice of column, and that column: the one whose text
    holds the snippet (a snippet is a stretch of one column's text, "…" at the cuts). Only the
    first ``columns`` may be taken (without the comments, the query's filter leaves them out):
    else the one of those whose own snippet has the most matches."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    cur.execute(
        f"SELECT rowid, {_SNIPPET}, {', '.join(COLUMNS)} FROM {TABLE} "
        f"WHERE {TABLE} MATCH %s AND rowid IN ({marks})",
        [-1, match, *ids],
    )
    out, astray = {}, []
    for pk, raw, *texts in cur.fetchall():
        plain = str(raw).replace(OPEN, "").replace(CLOSE, "").strip(" …")
        column = next((i for i in range(columns) if plain in str(texts[i])), None)
        if column is None:
            astray.append(int(pk))
        else:
            out[int(pk)] = (column, str(raw))
    for pk in astray:  # rare: FTS5 chose a column the reader may not read
        cur.execute(
            f"SELECT {', '.join([_SNIPPET] * columns)} FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid = %s",
            [*range(columns), match, pk],
        )
        each = [str(snip) for snip in cur.fetchone()]
        column = max(range(columns), key=lambda i: each[i].count(OPEN))
        out[pk] = (column, each[column])
    return out


def _pg_rank(
    found: Sequence[tuple[str, ...]],
    scope: str,
    params: Sequence[Any],
    limit: int,
    offset: int,
    comments: bool = True,
) -> tuple[Ranked, int]:
    # One pass gives the page and the count (a window count over the scores alone: the
    # materialized CTE keeps the vectors out of the window's buffer), and the page's text, from
    # which the snippets are made here (ts_headline re-parsed each result's whole text).
    tsquery = _pg_query(found, comments)
    columns = [f"f.{c}" for c in (COLUMNS if comments else TEXT_COLUMNS)]
    says, said = says_nouns(noun_patterns(found), columns)  # "resolver" is not "resolved"
    where = f"f.document @@ q{says} AND f.postmortem_id {scope}"
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
            [PG_WEIGHTS, tsquery, *said, *params, limit, offset],
        )
        rows = cur.fetchall()
        if rows:
            count = int(rows[0][2])
        else:  # past the last page: the count alone
            cur.execute(f"SELECT count(*) FROM {source} WHERE {where}", [tsquery, *said, *params])
            count = int(cur.fetchone()[0])
        words = [w for phrase in found for w in phrase]
        # head, body, the comments (when the reader reads them) and the title, in that order
        texts = [(r[3], r[4], r[5] if comments else "", r[6]) for r in rows]
        snips = pg_snippets(cur, words, texts)
    sources = ("", "", NOTES, "title")
    return [
        _Ranked(int(r[0]), float(r[1]), snip.html, sources[snip.part], snip.plain)
        for r, snip in zip(rows, snips, strict=True)
    ], count


def pg_snippets(
    cur: Any, words: list[str], texts: Sequence[tuple[str, ...]]
) -> list[snippets.Snip]:
    """Snippets of the page's rows (PostgreSQL): the words that may match found in their text,
    stemmed by the database (one statement), then :func:`snippets.build`. The incidents' search
    makes its snippets with it too."""
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


def _author(hit: _Ranked) -> str:
    """Who wrote the review comment a snippet is from (the app that keeps the comments says:
    ``PM_COMMENT_AUTHOR``, a dotted path to ``(postmortem id, passage) -> name``)."""
    find = _comment_author(str(getattr(settings, "PM_COMMENT_AUTHOR", "")))
    return find(hit.pk, hit.passage) if find is not None else ""


@functools.cache
def _comment_author(path: str) -> Callable[[int, str], str] | None:
    return import_string(path) if path else None


def highlight(raw: str) -> SafeString:
    """The database's snippet, escaped, with its match markers turned into ``<mark>``."""
    text = " ".join(raw.split())
    html = escape(text).replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
    return mark_safe(html)  # escaped on the line above; only our markers added
