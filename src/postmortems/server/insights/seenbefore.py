"""Seen before? The earlier postmortems, and the earlier incidents with no postmortem yet, most
like a live incident, from what its record says so far.

The incident is read as a postmortem is (:class:`fulltextindex.Parts`): its title; as the part
that carries the cause, the alerts that fired and what people noted (key moments included, a
misleading path left out: it is what the cause was not); the chat and the deploys as the rest.
That target goes through the similar-incidents lookup (:mod:`insights.similar`): candidates from
the full-text index, among the postmortems the reader may see. The recent incidents the reader
may see that have no postmortem are read the same way and join those candidates in one ranking
by the same model, under the same least score, so a match means the same thing whichever it is.

Cost: the earlier incidents in one query, their records and the incident's in one (each kind
of event read up to :data:`EVENTS_READ` times an incident), then the postmortems' lookup: the
cause words' counts, the candidates, their rows, their text, their action items (five queries,
no parse). The page loads it after itself (htmx).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from postmortems.incident import lifecycle
from postmortems.server.accounts.access import Access
from postmortems.server.incidents import rights
from postmortems.server.incidents.ingest import FIRED, FIRED_AGAIN
from postmortems.server.incidents.models import Event, Incident
from postmortems.server.insights import similar
from postmortems.server.library import queries
from postmortems.server.library.fulltextindex import Parts, clean
from postmortems.server.library.models import Label, Postmortem

# What tells what happened: the alerts and what people wrote down (the cause part), then the
# chat and the deploys. Pages, acknowledgements, status and role changes say the same words
# in every incident.
CAUSE_KINDS = ("alert-fired", "note", "key-moment")
REST_KINDS = ("chat-message", "deploy")
EVENTS_READ = 25  # events of each kind read of an incident: an alert storm repeats itself
# Earlier incidents without a postmortem: the most recent ones, within this many days (a
# postmortem is written within days or weeks; an incident older still will not get one).
INCIDENT_CANDIDATES = 30
INCIDENT_DAYS = 90
NOT_INCIDENTS = (lifecycle.CANCELLED, lifecycle.DUPLICATE)  # a false alarm, the same one again
INCIDENT_ID = "incident:"
# The least score on the causes alone (what shared services add left out) of a match listed.
# What an incident knows before its postmortem (its title, alerts and notes) is short, so a
# word or two in common weigh a large share of it: on the judged corpus, each grouped
# postmortem's title and timeline entries as the record (`bench/relevance_eval.py --server`,
# "seen before, live record"), the top fives at 0.03 or more (the postmortem page's least)
# are 727 matches of which 0.33 judged to share a failure mechanism; at 0.12, 206 and 0.69.
MIN_SCORE = 0.12  # an incident's id among the model's documents (a postmortem: its pk)


@dataclass(frozen=True)
class Seen:
    """One earlier match: a postmortem (with its action items) or an incident without one."""

    score: float
    reasons: tuple[str, ...]
    when: dt.date | None
    cause_score: float  # the score less what shared services add (what the least score reads)
    postmortem: Postmortem | None = None
    incident: Incident | None = None
    items: similar.Items = field(default_factory=similar.Items)


def for_incident(
    access: Access, incident: Incident, *, today: dt.date, top: int = similar.TOP
) -> list[Seen]:
    """What ``access`` may see that is most like ``incident`` and came before it, best first."""
    others = earlier(access, incident)
    record = records([incident.pk, *(i.pk for i in others)])
    target = target_of(incident, record_parts(incident.title, record.get(incident.pk, ())))
    compared = [(i, record_parts(i.title, record.get(i.pk, ()))) for i in others]
    return seen_before(access, target, compared, today=today, top=top)


def seen_before(
    access: Access,
    target: similar.Target,
    incidents: Sequence[tuple[Incident, Parts]],
    *,
    today: dt.date,
    top: int = similar.TOP,
) -> list[Seen]:
    """The ``top`` matches of ``target`` among the earlier postmortems ``access`` may see and
    ``incidents`` (read with :func:`record_parts`), ranked together by the one model."""
    found, texts = similar.candidates(access, target)
    library = [similar.doc_of(str(pk), texts[pk], pm) for pk, pm in found.items()]
    library += [
        similar.text_doc(f"{INCIDENT_ID}{i.pk}", p, [str(s) for s in i.services])
        for i, p in incidents
    ]
    matches = similar.likeness(target, library, top=top, least=MIN_SCORE)
    postmortems = {
        s.postmortem.pk: s for s in similar.described(target, matches, found, texts, today)
    }
    by_pk = {i.pk: i for i, _ in incidents}
    out = []
    for match in matches:
        if match.id.startswith(INCIDENT_ID):
            incident = by_pk[int(match.id.removeprefix(INCIDENT_ID))]
            cause = round(match.score - match.bonus, 4)
            out.append(
                Seen(match.score, _why(match.reasons), day_of(incident), cause, None, incident)
            )
        else:
            s = postmortems[int(match.id)]
            pm = s.postmortem
            out.append(
                Seen(s.score, _why(s.reasons), pm.incident_date, s.cause_score, pm, items=s.items)
            )
    return out


STILL_OPEN = 5  # postmortems listed under "still open on its services"


@dataclass(frozen=True)
class OpenOn:
    """An earlier postmortem on a service of the incident, its action items not all done."""

    postmortem: Postmortem
    services: tuple[str, ...]  # the incident's services it names
    items: similar.Items


def still_open(
    access: Access, incident: Incident, seen: Sequence[Seen], *, today: dt.date
) -> list[OpenOn]:
    """The postmortems ``access`` may see that name a service of ``incident`` and have action
    items still open — what was meant to keep this from happening again — that *Seen before?*
    does not list already (it ranks by what happened, not by the service): overdue first."""
    names = [str(s) for s in incident.services]
    if not names:
        return []
    shown = {s.postmortem.pk for s in seen if s.postmortem is not None}
    shown.add(incident.postmortem_id or 0)
    named = Q()
    for name in names:
        named |= Q(value__iexact=name)
    before = Q(postmortem__incident_date__isnull=True) | Q(
        postmortem__incident_date__lte=day_of(incident)
    )
    mine = queries.visible(access)
    labels = Label.objects.filter(named, before, kind="services", postmortem__in=mine)
    on: dict[int, set[str]] = defaultdict(set)
    for pk, value in labels.values_list("postmortem_id", "value"):
        if pk not in shown:
            on[pk].add(value)
    items = {pk: i for pk, i in similar.items_of(on, today).items() if i.open}
    rows = Postmortem.objects.only("key", "title", "restricted", "incident_date").in_bulk(items)

    def rank(pk: int) -> tuple[int, int, int]:
        day = rows[pk].incident_date or dt.date.min
        return (-items[pk].overdue, -items[pk].open_corrective, -day.toordinal())

    return [OpenOn(rows[pk], tuple(sorted(on[pk])), items[pk]) for pk in sorted(items, key=rank)][
        :STILL_OPEN
    ]


def _why(reasons: Iterable[str]) -> tuple[str, ...]:
    """The model's reasons as an incident's page says them: a live incident has no root cause
    yet, so the words its record shares with the other's cause are its cause words (less the
    error strings already named)."""
    reasons = list(reasons)
    errors = {r.removeprefix("error: ").lower() for r in reasons if r.startswith("error: ")}
    out = []
    for reason in reasons:
        if reason.startswith("root cause: "):
            words = reason.removeprefix("root cause: ").split(", ")
            kept = [w for w in words if w.lower() not in errors]
            out += [f"cause words: {', '.join(kept)}"] if kept else []
        else:
            out.append(reason)
    return tuple(out)


def earlier(access: Access, incident: Incident) -> list[Incident]:
    """The incidents opened before ``incident`` (within :data:`INCIDENT_DAYS`) that ``access``
    may see and that have no postmortem, newest first, at most :data:`INCIDENT_CANDIDATES`."""
    since = incident.created - dt.timedelta(days=INCIDENT_DAYS)
    rows = rights.visible(access).filter(
        postmortem__isnull=True, created__lt=incident.created, created__gte=since
    )
    rows = rows.exclude(pk=incident.pk).exclude(status__in=NOT_INCIDENTS)
    shown = ("key", "title", "status", "services", "restricted", "timezone", "started", "created")
    return list(rows.only(*shown)[:INCIDENT_CANDIDATES])


def records(ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """The ``(kind, text)`` of the events that tell what happened, of each of these incidents,
    in time order: :data:`EVENTS_READ` at most of each kind, misleading paths and redacted
    notes left out."""
    numbered = Window(
        RowNumber(), partition_by=[F("incident_id"), F("kind")], order_by=[F("at"), F("id")]
    )
    rows = (
        Event.objects.filter(
            incident_id__in=list(ids),
            kind__in=CAUSE_KINDS + REST_KINDS,
            misleading=False,
            redacted_at__isnull=True,  # its text is the redaction's marker, not what happened
        )
        .annotate(n=numbered)
        .filter(n__lte=EVENTS_READ)
        .order_by("incident_id", "at", "id")
        .values_list("incident_id", "kind", "text")
    )
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pk, kind, text in rows:
        out[pk].append((kind, text))
    return out


def record_parts(title: str, record: Iterable[tuple[str, str]]) -> Parts:
    """An incident's record as the index holds a postmortem: the title, the alerts and notes
    (the cause part), the chat and the deploys (the rest); each text once."""
    cause: dict[str, None] = {}
    rest: dict[str, None] = {}
    for kind, text in record:
        # An alert's words, once however often it fired.
        alert = text.removeprefix(FIRED_AGAIN).removeprefix(FIRED)
        said = (alert if kind == "alert-fired" else text).strip()
        (cause if kind in CAUSE_KINDS else rest).setdefault(said, None)
    return Parts(clean(title), clean("\n".join(cause)), clean("\n".join(rest)))


def target_of(incident: Incident, parts: Parts) -> similar.Target:
    """The incident as the lookup's target: its own postmortem, if any, is not an earlier one."""
    return similar.Target(
        parts,
        frozenset(str(s) for s in incident.services),
        exclude=incident.postmortem_id,
        until=day_of(incident),
    )


def day_of(incident: Incident) -> dt.date:
    """The day the incident began, in its own zone."""
    when = incident.started or incident.created
    try:
        return when.astimezone(ZoneInfo(incident.timezone)).date()
    except (ValueError, KeyError, OverflowError):  # a zone no longer known: the UTC day
        return when.date()
