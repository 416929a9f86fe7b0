"""Writing the full-text index: a postmortem's parts (the title, the parts that carry the cause,
the rest of the text with its action items, the review comments) read from its document and
written to ``library_fulltext`` with the save; a reindex of the whole library, and the
planner's statistics after one. Searching the index is
:mod:`postmortems.server.library.fulltext`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from postmortems.document.drafted import CAUSE_KINDS, cause_and_drafted
from postmortems.document.markup import without_comments
from postmortems.document.model import Document, SectionKind
from postmortems.document.sections import classify_title
from postmortems.server.library import derive, state
from postmortems.server.library.fulltext import CLOSE, OPEN, TABLE
from postmortems.server.library.models import Postmortem

HEAD_KINDS = CAUSE_KINDS  # the sections every comparison of causes reads (document.drafted)
HEAD_ORDER = {
    SectionKind.ROOT_CAUSE: 0,
    SectionKind.ROOT_CAUSE_AND_RESOLUTION: 0,
    SectionKind.TRIGGER: 1,
    SectionKind.SUMMARY: 2,
}
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)", re.MULTILINE)  # a Markdown heading line
_MARKUP = re.compile(r"\*\*|__|`|^[ \t]*[-*+][ \t](?:\[[ xX]\][ \t])?", re.M)  # headings: _HEADING
# An inline link or image: its text stays ("[the runbook](https://…)", "![a graph](graph.png)"
# read "the runbook", "a graph"), its target goes, as the page shows it.
_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\s]*(?:[ \t]+\"[^\"\n]*\")?\)")
# "[a][b]": a reference link's text and label, or a title's tags ("[SEV1][payments] Checkout
# down"): both words stay, without their brackets.
_PAIR = re.compile(r"!?\[([^\[\]\n]*)\]\[([^\[\]\n]*)\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")  # <https://…>: the address, as shown


@dataclass(frozen=True)
class Parts:
    """What the index holds of one postmortem's text (comments are written on their own)."""

    title: str
    head: str
    body: str


def clean(text: str) -> str:
    """Plain text to index: HTML comments, Markdown emphasis and list markers out, a link's or
    an image's target out (its text stays), snippet markers out; a heading ends with a colon,
    so that a snippet across it reads "Timeline: 04:07 UTC - …", not "Timeline 04:07 UTC - …"."""
    text = without_comments(text).replace(OPEN, "").replace(CLOSE, "")
    text = _HEADING.sub(_heading_line, text)
    text = _MARKUP.sub("", text)
    text = _AUTOLINK.sub(r"\1", _PAIR.sub(r"\1 \2", _LINK.sub(r"\1", text)))
    return text.replace("\x00", "")


def _heading_line(match: re.Match[str]) -> str:
    title = match.group(1).rstrip(" \t#")
    return title if not title or title[-1] in ".:!?" else title + ":"


def parts_of(doc: Document, title: str) -> Parts:
    """The title, the cause-carrying sections and the rest of ``doc``, as plain text.

    A section is taken from the source lines it spans (its lists, timeline and task lines
    included); the lines before the first section (front matter aside) go with the rest. The
    cause part starts with the root cause, then the trigger, then the summary; the parts of
    those sections generated from an incident's record go with the rest.
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
            # what people wrote about the cause; the lines drafted from an incident's record
            # ("From 15:34 to 16:34, search was affected", "Mitigated at 16:04") go with the rest
            text, generated = cause_and_drafted(kinds, text)
            head.append((min(HEAD_ORDER.get(k, 9) for k in kinds), text))
            if generated:
                body.append(generated)
        else:
            body.append(text)
    if not lines:
        body.extend(entry.text for entry in doc.timeline)
        body.extend(item.text for item in doc.action_items)
    cause = "\n\n".join(text for _, text in sorted(head, key=lambda pair: pair[0]))
    return Parts(clean(title), clean(cause), clean("\n\n".join(body)))


HEADING_WORDS = 10  # a line of the head ending in ":" or "?" and this short may be a heading


def head_parts(head: str) -> tuple[str, str]:
    """The cause part of the index (``Parts.head``) as its root cause and trigger, and its
    summary. :func:`parts_of` writes each of its sections from its heading line, which
    :func:`clean` ends with a colon ("Root Cause and Resolution:", "Issue Summary:") unless it
    asks a question ("Why did this happen?", "What happened?"); a line that names no such
    section stays with the part above it. A head whose lines name no root cause or trigger is
    all summary: ``("", head)``."""
    parts: dict[SectionKind, list[str]] = {SectionKind.ROOT_CAUSE: [], SectionKind.SUMMARY: []}
    into = parts[SectionKind.SUMMARY]
    for line in head.splitlines():
        said = line.strip()
        if said[-1:] in (":", "?") and len(said.split()) <= HEADING_WORDS:
            kind = classify_title(said[:-1], heading=True)
            if kind in _ROOT or kind is SectionKind.SUMMARY:
                into = parts[SectionKind.ROOT_CAUSE if kind in _ROOT else SectionKind.SUMMARY]
        into.append(line)
    return "\n".join(parts[SectionKind.ROOT_CAUSE]), "\n".join(parts[SectionKind.SUMMARY])


_ROOT = frozenset(
    {SectionKind.ROOT_CAUSE, SectionKind.ROOT_CAUSE_AND_RESOLUTION, SectionKind.TRIGGER}
)


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


def rewrite(rows: Iterable[Any]) -> None:
    """Index again the text of these postmortems (model rows with ``key``, ``title``, ``text``
    and ``source_name``), as a save would: a migration's way to bring older rows to what this
    version indexes. A text this version cannot read keeps its row."""
    from postmortems.document import parse
    from postmortems.errors import PostmortemsError

    for pm in rows:
        try:
            doc = parse(pm.text, pm.source_name or f"{pm.key}.md")
        except PostmortemsError:  # indexed as plain text already
            continue
        write(pm.pk, parts_of(doc, pm.title))


def write_notes(pm_id: int, notes: str) -> None:
    """Index the review comments of one postmortem (its text part must be indexed already)."""
    with connection.cursor() as cur:
        key = "postmortem_id" if connection.vendor == "postgresql" else "rowid"
        cur.execute(f"UPDATE {TABLE} SET notes = %s WHERE {key} = %s", [clean(notes), pm_id])


def purge() -> None:
    """After words were redacted from an indexed text: on SQLite, merge the index's segments, in
    which FTS5 keeps a replaced row's words until a merge (PostgreSQL's row holds only the new
    text's vector)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")


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
