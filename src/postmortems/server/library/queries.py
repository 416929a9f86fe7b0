"""Named queries over the library; every one starts from what the user may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from django.db.models import Q, QuerySet

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.roles import Action
from postmortems.server.library.models import Label, Postmortem

SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-incident_date", "-id"),
    "oldest": ("incident_date", "id"),
    "title": ("title", "id"),
    "severity": ("severity", "-incident_date", "-id"),
    "updated": ("-updated", "-id"),
}


def visible(access: Access) -> QuerySet[Postmortem]:
    """The postmortems ``access`` may see (restricted ones only for their teams)."""
    if not access.authenticated or not access.may(Action.READ):
        return Postmortem.objects.none()
    return Postmortem.objects.filter(access.visible())


def _with_label(kind: str, value: str) -> Q:
    """Postmortems with the label ``value`` in any case: the pages show `CHECKOUT-API` for
    `checkout-api` (a badge's style), and a team is `SRE` in speech."""
    found = Label.objects.filter(kind=kind, value__iexact=value.strip())
    return Q(pk__in=found.values("postmortem_id"))


@dataclass(frozen=True)
class Filters:
    status: str = ""
    severity: str = ""
    service: str = ""
    tag: str = ""
    team: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""
    sort: str = "newest"


def list_postmortems(access: Access, filters: Filters) -> QuerySet[Postmortem]:
    """The library list: visible postmortems matching every filter given, sorted."""
    qs = visible(access)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    for kind, value in (
        ("services", filters.service),
        ("tags", filters.tag),
        ("teams", filters.team),
    ):
        if value:
            qs = qs.filter(_with_label(kind, value))
    if filters.since:
        qs = qs.filter(incident_date__gte=filters.since)
    if filters.until:
        qs = qs.filter(incident_date__lte=filters.until)
    if filters.q:
        qs = qs.filter(search(filters.q))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


NAMED_COLUMNS = ("key", "title", "restricted", "incident_date", "severity", "label_values")
_NAME = re.compile(r"\w[\w.-]*\w|\w")  # a word, a key or a name without the quotes around it


def named(access: Access, filters: Filters, limit: int = 10) -> list[Postmortem]:
    """The visible postmortems (within the other filters) that one of the search's words names
    by their key, or by a service or a tag, whole and in any case: the front matter, which the
    full-text index leaves to the library's own filters. One more than ``limit`` says there
    are more."""
    words = _NAME.findall(filters.q)[:8]
    if not words:
        return []
    by_label, by_key = Q(), Q()
    for word in words:
        by_label |= Q(value__iexact=word)
        by_key |= Q(key__iexact=word)
    labelled = Label.objects.filter(by_label, kind__in=["services", "tags"]).values("postmortem_id")
    rows = list_postmortems(access, replace(filters, q="")).only(*NAMED_COLUMNS)
    return list(rows.filter(by_key | Q(pk__in=labelled))[: limit + 1])


def search(text: str) -> Q:
    """Match the title, a service or a tag (case-insensitive substring)."""
    words = text.split()
    query = Q()
    for word in words[:8]:
        in_labels = Label.objects.filter(
            kind__in=["services", "tags"], value__icontains=word
        ).values("postmortem_id")
        query &= Q(title__icontains=word) | Q(key__icontains=word) | Q(pk__in=in_labels)
    return query


def label_values(access: Access, kind: str) -> list[tuple[str, int]]:
    """Distinct values of one label kind among visible postmortems, with counts."""
    from django.db.models import Count

    rows = (
        Label.objects.filter(kind=kind, postmortem__in=visible(access).values("pk"))
        .values("value")
        .annotate(n=Count("id"))
        .order_by("value")
    )
    return [(r["value"], r["n"]) for r in rows]


def label_in_use(access: Access, kind: str, value: str) -> bool:
    """Whether a postmortem ``access`` may see has the label ``value`` (in any case)."""
    return visible(access).filter(_with_label(kind, value)).exists()


_COLUMN = {f.name: str(f.column) for f in Postmortem._meta.concrete_fields}


def get_visible(access: Access, key: str, columns: tuple[str, ...] = ()) -> Postmortem | None:
    """The postmortem ``key`` if ``access`` may see it (the rule of :meth:`Access.sees`).

    Found by its unique key, then checked: cheaper than the visibility filter in SQL, whose
    team subquery the database may plan (and PostgreSQL may run) before the key narrows it down.
    ``columns``: load only these (any other is read on first use, one query each).
    """
    if not access.authenticated:
        return None
    if columns:  # a page's read: written out, Django's compiling it cost more than running it
        names = ", ".join(_COLUMN[c] for c in ("id", *columns))
        sql = f"SELECT {names} FROM {Postmortem._meta.db_table} WHERE key = %s"
        pm = next(iter(Postmortem.objects.raw(sql, [key])), None)
    else:
        pm = Postmortem.objects.filter(key=key).first()
    return pm if pm is not None and access.sees(pm) else None
