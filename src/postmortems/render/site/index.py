"""The index (sortable, filterable, searchable table), the per-service and per-tag pages, and
the list of files that are not postmortems."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from postmortems.render.card import inferred_html
from postmortems.render.escape import escape
from postmortems.render.markdown import slugify
from postmortems.render.page import LOCAL_TIME_JS, shell
from postmortems.render.site.layout import STYLESHEET, nav_html
from postmortems.render.site.records import ROOT_MARK, Record, page_path
from postmortems.render.site.scripts import INDEX_JS
from postmortems.render.summary import WHY_DATE_INFERRED, duration_text, pct_text, why_inferred

COLUMNS = (
    ("Date", ""),
    ("Title", ""),
    ("Severity", ""),
    ("Services", ""),
    ("Duration", "num"),
    ("Users", "num"),
    ("Status", ""),
)


def group_page(kind: str, name: str) -> str:
    return f"{kind}/{slugify(name)}.html"


def _cell(text: str, sort: object, cls: str = "") -> str:
    v = "" if sort is None else escape(str(sort))
    c = f' class="{cls}"' if cls else ""
    return f'<td data-v="{v}"{c}>{text}</td>'


def _chips(kind: str, names: Sequence[str], prefix: str) -> str:
    links = "".join(
        f'<a class="chip" href="{prefix}{group_page(kind, n)}">{escape(n)}</a>' for n in names
    )
    return f'<span class="chips">{links}</span>'


def _approx(r: Record, name: str, html: str) -> str:
    """``html`` of a fact the text does not state plainly, read as "≈" (as on the card)."""
    if name not in r.inferred or html == "—":
        return html
    why = WHY_DATE_INFERRED if name == "date" else why_inferred(name)
    return inferred_html(name, html, why)


def row(r: Record, prefix: str = "") -> str:
    """One table row; ``data-*`` attributes carry the filter values."""
    sev = f'<span class="badge sev sev-{escape((r.severity or "").lower())}">{r.severity}</span>'
    attrs = (
        f'data-id="{escape(r.slug)}" data-severity="|{escape(r.severity or "")}|" '
        f'data-status="|{escape(r.status or "")}|" '
        f'data-service="|{escape("|".join(r.services))}|"'
    )
    return (
        f"<tr {attrs}>"
        + _cell(_approx(r, "date", escape(r.date)) if r.date else "—", r.date, "date")
        + _cell(
            f'<a href="{prefix}{page_path(r.slug)}">{escape(r.title)}</a>', r.title.lower(), "title"
        )
        + _cell(sev if r.severity else "—", r.severity, "sev")
        + _cell(
            _chips("services", r.services, prefix) if r.services else "—",
            " ".join(r.services),
            "services",
        )
        + _cell(
            _approx(r, "duration_minutes", escape(duration_text(r.duration))),
            r.duration,
            "num duration",
        )
        + _cell(escape(pct_text(r.pct)), r.pct, "num users")
        + _cell(escape(r.status or "—"), r.status, "state")
        + "</tr>"
    )


def table(records: Iterable[Record], prefix: str = "", *, sortable: bool = True) -> str:
    head = "".join(
        f'<th scope="col" class="{cls}">'
        + (f'<button type="button">{name}</button>' if sortable else name)
        + "</th>"
        for name, cls in COLUMNS
    )
    rows = "".join(r.row or row(r, ROOT_MARK) for r in records).replace(ROOT_MARK, prefix)
    return (
        f'<div class="pm-scroll"><table class="pm-index" id="pm-table"><thead><tr>{head}</tr>'
        f"</thead><tbody>{rows}</tbody></table></div>"
    )


def _select(name: str, label: str, values: Iterable[str]) -> str:
    """A filter; none when no postmortem states that field (nothing to choose from)."""
    values = list(values)
    if not values:
        return ""
    options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    return (
        f'<label><span class="sr">{label}</span> <select data-filter="{name}" '
        f'aria-label="{label}"><option value="">All {label.lower()}</option>{options}'
        "</select></label>"
    )


def json_literal(text: str) -> str:
    """``text`` as a JSON string that cannot end the ``<script>`` element holding it."""
    data = json.dumps(text, ensure_ascii=False)
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def search_data(records: Sequence[Record]) -> str:
    """The search index as a JSON data block (never executed): page name → words."""
    body = ",".join(f"{json_literal(r.slug)}:{r.words}" for r in records)
    return f'<script type="application/json" id="search-data">{{{body}}}</script>'


def _not_postmortems(records: Sequence[Record]) -> str:
    if not records:
        return ""
    items = "".join(
        "<li>"
        + (
            f'<a href="{page_path(r.slug)}">{escape(r.path)}</a>'
            if r.has_page
            else f"<code>{escape(r.location)}</code>"
        )
        + f' <span class="muted">— {escape(r.reason)}</span></li>'
        for r in records
    )
    return (
        f'<section class="notpm" aria-labelledby="notpm"><h2 id="notpm">Not postmortems '
        f'({len(records)})</h2><p class="muted">These files were found but are not '
        f"postmortems, or could not be read; they are left out of the table and the stats.</p>"
        f"<ul>{items}</ul></section>"
    )


def _groups(kind: str, counts: dict[str, int]) -> str:
    if not counts:
        return ""
    links = "".join(
        f'<a class="chip" href="{group_page(kind, n)}">{escape(n)} <span class="muted">{c}'
        "</span></a>"
        for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return f'<h2 id="{kind}">{kind.capitalize()}</h2><p class="chips">{links}</p>'


def index_page(site_title: str, records: Sequence[Record]) -> str:
    """The home page: every postmortem in a table, newest first."""
    pms = sorted((r for r in records if r.ok), key=lambda r: (r.date or "", r.title), reverse=True)
    others = [r for r in records if not r.ok]
    services: dict[str, int] = defaultdict(int)
    tags: dict[str, int] = defaultdict(int)
    for r in pms:
        for s in r.services:
            services[s] += 1
        for t in r.tags:
            tags[t] += 1
    tools = (
        '<div class="tools" role="search"><input type="search" id="q" '
        'placeholder="Search every word of every postmortem…" aria-label="Search postmortems">'
        + _select("severity", "Severities", sorted({r.severity for r in pms if r.severity}))
        + _select("status", "Statuses", sorted({r.status for r in pms if r.status}))
        + _select("service", "Services", sorted(services))
        + '<span class="count" id="count" aria-live="polite"></span></div>'
    )
    main = (
        f"<h1>{escape(site_title)}</h1>"
        f'<p class="muted">{len(pms)} postmortems. Click a column to sort; type to search.</p>'
        + tools
        + table(pms)
        + _groups("services", services)
        + _groups("tags", tags)
        + _not_postmortems(others)
    )
    return shell(
        site_title,
        main,
        scripts=[INDEX_JS, LOCAL_TIME_JS],
        nav=nav_html(site_title),
        data=search_data(pms),
        stylesheet=STYLESHEET,
    )


def group_pages(site_title: str, kind: str, records: Sequence[Record]) -> dict[str, str]:
    """One page per service (or tag): path → HTML."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r.ok:
            for name in r.services if kind == "services" else r.tags:
                groups[name].append(r)
    pages = {}
    label = "Service" if kind == "services" else "Tag"
    for name, members in groups.items():
        members.sort(key=lambda r: (r.date or "", r.title), reverse=True)
        main = (
            f'<p class="muted">{label}</p><h1>{escape(name)}</h1>'
            f'<p class="muted">{len(members)} postmortems.</p>'
            + table(members, "../", sortable=False)
        )
        pages[group_page(kind, name)] = shell(
            f"{name} — {site_title}",
            main,
            nav=nav_html(site_title, "../"),
            stylesheet="../" + STYLESHEET,
        )
    return pages
