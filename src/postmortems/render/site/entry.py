"""One source file → one page and one record (plain values the aggregate pages are made from).

Runs in worker processes: everything in and out is picklable, and a file that cannot be read or
parsed becomes a record with the reason instead of stopping the build.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from postmortems.document import parse
from postmortems.document.model import Document, SectionKind
from postmortems.errors import PostmortemsError
from postmortems.render.page import render_page
from postmortems.render.site.assets import page_resolver, resolver
from postmortems.render.site.causes import categorize
from postmortems.render.site.index import json_literal, row
from postmortems.render.site.layout import STYLESHEET, nav_html, site_footer
from postmortems.render.site.records import ROOT_MARK, Record, digest, page_path, stamp_of
from postmortems.render.summary import Summary, summarize
from postmortems.sources import decode, read_capped

_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)


def search_words(doc: Document, title: str) -> str:
    """Unique lower-case words of the title and the whole text, in order of first use, as a
    JSON string literal that is safe inside a ``<script type="application/json">``."""
    text = f"{title} {doc.source}".lower()
    words = " ".join(dict.fromkeys(_WORD.findall(text)))
    return json_literal(words)


def _cause_text(doc: Document, stated: str | None) -> str:
    """The one-line root cause and the start of the root cause section, for categorizing."""
    section = doc.section(SectionKind.ROOT_CAUSE) or doc.section(
        SectionKind.ROOT_CAUSE_AND_RESOLUTION
    )
    return f"{stated or ''} {section.body[:800] if section else ''}"


def _inferred(s: Summary) -> list[str]:
    """The inferred facts, and "date" when the start's day itself is not written with it (an
    inferred start time on a stated day leaves the index's date plain)."""
    names = set(s.inferred)
    if "start" in names and s.start is not None and s.start.date_inferred:
        names.add("date")
    return sorted(names)


def _record(doc: Document, rel: str, slug: str, hexdigest: str) -> Record:
    s = summarize(doc)
    start = s.start.aware if s.start else None
    return Record(
        path=rel,
        slug=slug,
        digest=hexdigest,
        ok=doc.is_postmortem,
        reason="" if doc.is_postmortem else f"{doc.kind.value}: {doc.kind_reason}",
        title=s.title,
        date=s.date.isoformat() if s.date else None,
        start=start.isoformat() if start else (s.start.local_text() if s.start else None),
        severity=s.severity,
        status=s.status,
        services=list(s.services),
        tags=list(s.tags),
        duration=s.duration_minutes,
        pct=s.users_affected_pct,
        detect=s.detect_minutes,
        cause=categorize(s.cause_category, _cause_text(doc, s.root_cause)),
        root_cause=s.root_cause or "",
        inferred=_inferred(s),
        words=search_words(doc, s.title),
    )


def write_file(path: Path, text: str) -> None:
    """Write a page so that a reader never sees half of it: a page that exists is replaced
    through a temporary file and a rename; a new page is written in place (nobody can be
    reading it yet, and renaming costs a journal flush per file on ext4)."""
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
        return
    except FileExistsError:
        pass
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_file(path, text)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_entry(
    source: str,
    rel: str,
    slug: str,
    out: str,
    site_title: str,
    restricted_too: bool = False,
    renamed: dict[str, str] | None = None,
) -> Record:
    """Read, parse and render one file; write its page; return its record.

    A ``restricted: true`` postmortem gets no page and a bare record (nothing of its content)
    unless ``restricted_too``. ``renamed``: the page names that are not :func:`default_slug`'s,
    for links to other files."""
    full = os.path.join(source, rel)
    try:
        with open(full, "rb") as fh:
            st = os.fstat(fh.fileno())
            raw = read_capped(fh, st.st_size)  # a larger file is refused by decode()
        stamp = stamp_of(st)
    except OSError as exc:
        reason = f"cannot read: {exc.strerror}"
        return _unreadable(rel, slug, "", reason)
    hexdigest = digest(raw)
    try:
        doc = parse(decode(raw, full), rel)
        if doc.meta.restricted and not restricted_too:
            return Record(rel, slug, hexdigest, stamp, has_page=False, restricted=True)
        record = _record(doc, rel, slug, hexdigest)
        shown: list[str] = []
        page = render_page(
            doc,
            nav=nav_html(site_title, "../"),
            footer=site_footer(rel, record.reason),
            images=resolver(source, rel, out, shown),
            pages=page_resolver(source, rel, renamed or {}),
            stylesheet="../" + STYLESHEET,
        )
    except PostmortemsError as exc:
        reason = exc.said
        return _unreadable(rel, slug, hexdigest, reason, exc.line, exc.column)
    except Exception as exc:  # a parser bug on one file must not stop the whole build
        reason = f"could not be rendered ({type(exc).__name__}: {exc})"
        return _unreadable(rel, slug, hexdigest, reason)
    write_file(Path(out) / page_path(slug), page)
    record.stamp, record.assets = stamp, sorted(set(shown))
    record.row = row(record, ROOT_MARK)
    return record


def _unreadable(
    rel: str,
    slug: str,
    hexdigest: str,
    reason: str,
    line: int | None = None,
    column: int | None = None,
) -> Record:
    """The record of a file that could not be read or parsed: listed apart, with where."""
    record = Record(rel, slug, hexdigest, ok=False, reason=reason, has_page=False, title=rel)
    record.unreadable, record.line, record.column = True, line, column
    return record
