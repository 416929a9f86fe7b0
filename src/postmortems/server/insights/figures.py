"""The insights figures: what the library and the incidents say about a team over a period.

Counted in SQL with a few grouped queries over what the user may see (restricted postmortems and
incidents of other teams never enter a figure); only the durations whose median and 90th
percentile are wanted are read as plain values and summarised by
:mod:`postmortems.incident.metrics`. docs/insights.md defines every figure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncMonth

from postmortems.document.model import Severity
from postmortems.incident import metrics
from postmortems.incident.model import Milestones
from postmortems.search.factors import FACTORS
from postmortems.server.accounts.access import Access
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Incident
from postmortems.server.insights.models import ContributingFactor
from postmortems.server.library import queries
from postmortems.server.library.models import Label, Postmortem
from postmortems.server.workflow.models import ActionItem
from postmortems.server.workflow.repeats import ACKNOWLEDGE

SEVERITIES = (*(s.value for s in Severity), "")  # "" : no severity stated
MAX_MONTHS = 36  # a longer period is counted per year
TOP = 12  # services, causes and factors shown (the export has them all)
FACTOR_TITLES = {f.slug: f.title for f in FACTORS}

# The review steps timed from the incident's end: (name, label, transition, statuses past it).
STEPS = (
    (
        "time_to_review_request",
        "Time to review request",
        "request-review",
        ("in-review", "changes-requested", "approved", "published"),
    ),
    ("time_to_approval", "Time to approval", "approve", ("approved", "published")),
    ("time_to_publication", "Time to publication", "publish", ("published",)),
)
AGES = ((7, "< 1 week"), (30, "1–4 weeks"), (90, "1–3 months"), (365, "3–12 months"))


@dataclass(frozen=True)
class Scope:
    """What the figures cover: one team's (or every team's) items in a period of days."""

    team: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Step:
    """A review step timed from the incident's end, with what could not be timed."""

    name: str
    label: str
    summary: metrics.Summary
    no_history: int  # past the step by their status, but no transition recorded on the server
    no_end: int  # the incident's end unknown, or later than the step


@dataclass(frozen=True)
class Items:
    total: int
    done: int
    wont_do: int
    open: int
    overdue: int
    age: metrics.Summary  # of the open ones, since their incident (see _items)
    by_age: list[tuple[str, int]]

    @property
    def completion_rate(self) -> float | None:
        counted = self.total - self.wont_do
        return round(self.done / counted, 3) if counted else None


@dataclass(frozen=True)
class Figures:
    scope: Scope
    unit: str  # "month" or "year"
    periods: list[str]
    postmortems: int
    incidents: int
    undated: int  # postmortems without an incident date (in no period)
    pm_by_period: dict[str, list[int]]  # severity → one count per period
    inc_by_period: dict[str, list[int]]
    by_service: list[tuple[str, int, int]]  # (service, postmortems, incidents)
    by_cause: list[tuple[str, int]]
    by_factor: list[tuple[str, int]]
    response: dict[str, dict[str, metrics.Summary]]  # "incidents"/"postmortems" → metric → …
    steps: list[Step]
    items: Items
    repeats_checked: int
    repeats_flagged: int
    teams: list[str] = field(default_factory=list)

    @property
    def repeat_rate(self) -> float | None:
        if not self.repeats_checked:
            return None
        return round(self.repeats_flagged / self.repeats_checked, 3)


def postmortems_in(access: Access, scope: Scope) -> QuerySet[Postmortem]:
    """The postmortems the figures count: visible to ``access``, in the scope."""
    qs = queries.visible(access).filter(is_postmortem=True)
    if scope.team:
        teams = Label.objects.filter(kind="teams", value=scope.team)
        qs = qs.filter(pk__in=teams.values("postmortem_id"))
    if scope.since:
        qs = qs.filter(incident_date__gte=scope.since)
    if scope.until:
        qs = qs.filter(incident_date__lte=scope.until)
    return qs


def incidents_in(access: Access, scope: Scope) -> QuerySet[Incident]:
    """The incidents the figures count, dated by their start (else when they were opened)."""
    qs = rights.visible(access).annotate(
        when=Coalesce("started", "created", output_field=DateTimeField())
    )
    if scope.team:
        qs = qs.filter(team=scope.team)
    if scope.since:
        qs = qs.filter(when__date__gte=scope.since)
    if scope.until:
        qs = qs.filter(when__date__lte=scope.until)
    return qs


def teams_for(access: Access) -> list[str]:
    """The teams the filter offers: those named by something ``access`` may see."""
    names = {value for value, _ in queries.label_values(access, "teams")}
    names |= set(rights.visible(access).exclude(team="").values_list("team", flat=True))
    return sorted(names)


def compute(access: Access, scope: Scope, now: dt.datetime) -> Figures:
    """Every figure of the insights page for ``access`` over ``scope``."""
    pms = postmortems_in(access, scope)
    incidents = incidents_in(access, scope)
    pm_counts = _by_period_and_severity(pms, "incident_date")
    inc_counts = _by_period_and_severity(incidents, "when")
    unit, periods = _periods(scope, now.date(), [*pm_counts, *inc_counts])
    inc_rows = list(incidents.values_list("services", *metrics_fields(incident=True)))
    steps, checked, flagged = _review(pms)
    return Figures(
        scope=scope,
        unit=unit,
        periods=[_label(p, unit) for p in periods],
        postmortems=sum(pm_counts.values()),
        incidents=len(inc_rows),
        undated=sum(n for (day, _), n in pm_counts.items() if day is None),
        pm_by_period=_series(pm_counts, periods, unit),
        inc_by_period=_series(inc_counts, periods, unit),
        by_service=_services(pms, [row[0] for row in inc_rows]),
        by_cause=_counted(pms.order_by().values_list("cause_category").annotate(n=Count("id"))),
        by_factor=_factors(pms),
        response={
            "incidents": metrics.summarize_incidents(_stones(r[1:], True) for r in inc_rows),
            "postmortems": _postmortem_response(pms),
        },
        steps=steps,
        items=_items(pms, now),
        repeats_checked=checked,
        repeats_flagged=flagged,
    )


def metrics_fields(*, incident: bool) -> tuple[str, ...]:
    """The milestone columns each kind of row has (a postmortem records no acknowledgement)."""
    if incident:
        return ("started", "detected", "acknowledged", "mitigated", "resolved")
    return ("started", "detected", "mitigated", "resolved")


def _stones(row: Iterable[Any], incident: bool) -> Milestones:
    return Milestones(**dict(zip(metrics_fields(incident=incident), row, strict=True)))


def _by_period_and_severity(
    qs: QuerySet[Any], column: str
) -> dict[tuple[dt.date | None, str], int]:
    """(first day of the month, severity) → count, in one grouped query."""
    rows = qs.annotate(month=TruncMonth(column)).values_list("month", "severity")
    out: dict[tuple[dt.date | None, str], int] = {}
    for month, severity, n in rows.annotate(n=Count("id")).order_by():
        day = month.date() if isinstance(month, dt.datetime) else month
        key = (day, severity if severity in SEVERITIES else "")
        out[key] = out.get(key, 0) + n
    return out


def _periods(
    scope: Scope, today: dt.date, found: list[tuple[dt.date | None, str]]
) -> tuple[str, list[dt.date]]:
    """Every month from the start of the period (else the first one found) to its end (today
    or the last one found, whichever is later, at most): per year when that is more than
    :data:`MAX_MONTHS` months."""
    days = [day for day, _ in found if day is not None]
    first = scope.since or (min(days) if days else None)
    latest = max([today, *days])  # a period ending in the far future stops here
    last = min(scope.until, latest) if scope.until else latest
    if first is None:
        return "month", []
    y, m = first.year, first.month
    count = (last.year - y) * 12 + last.month - m + 1
    if count > MAX_MONTHS:
        return "year", [dt.date(year, 1, 1) for year in range(y, last.year + 1)]
    months = []
    for _ in range(max(count, 0)):
        months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return "month", months


def _label(day: dt.date, unit: str) -> str:
    return f"{day.year}" if unit == "year" else f"{day:%Y-%m}"


def _series(
    counts: dict[tuple[dt.date | None, str], int], periods: list[dt.date], unit: str
) -> dict[str, list[int]]:
    index = {day: i for i, day in enumerate(periods)}
    out = {sev: [0] * len(periods) for sev in SEVERITIES}
    for (day, severity), n in counts.items():
        if day is None:
            continue
        key = day.replace(month=1, day=1) if unit == "year" else day
        if key in index:
            out[severity][index[key]] += n
    return out


def _counted(rows: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(((name or "(none stated)", n) for name, n in rows), key=lambda r: (-r[1], r[0]))


def _services(
    pms: QuerySet[Postmortem], incident_services: list[Any]
) -> list[tuple[str, int, int]]:
    """(service, postmortems, incidents), most first; an incident's services are a JSON list,
    counted here from the one column already read."""
    labels = Label.objects.filter(kind="services", postmortem__in=pms.values("pk"))
    pm_counts = dict(labels.values_list("value").annotate(n=Count("postmortem_id", distinct=True)))
    inc_counts: Counter[str] = Counter()
    for names in incident_services:
        inc_counts.update({str(n) for n in names or () if n})
    names = set(pm_counts) | set(inc_counts)
    rows = [(name, pm_counts.get(name, 0), inc_counts[name]) for name in names]
    return sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))


def _factors(pms: QuerySet[Postmortem]) -> list[tuple[str, int]]:
    confirmed = ContributingFactor.objects.filter(
        state=ContributingFactor.State.CONFIRMED, postmortem__in=pms.values("pk")
    )
    rows = confirmed.values_list("slug").annotate(n=Count("postmortem_id", distinct=True))
    return _counted((FACTOR_TITLES.get(slug, slug), n) for slug, n in rows)


def _postmortem_response(pms: QuerySet[Postmortem]) -> dict[str, metrics.Summary]:
    """Each response metric over the postmortems' own times, one query per metric: the span
    (:func:`metrics.span`'s rule: both milestones known, the end not before the start) is
    computed by the database, so 10,000 rows are not four datetimes each to convert."""
    out = {}
    for metric in metrics.METRICS:
        start, end = metric.start_milestone, metric.end_milestone
        if end not in metrics_fields(incident=False):
            out[metric.name] = metrics.summarize([])
            continue
        spans = (
            pms.order_by()
            .filter(**{f"{start}__isnull": False, f"{end}__gte": F(start)})
            .annotate(span=ExpressionWrapper(F(end) - F(start), output_field=DurationField()))
            .values_list("span", flat=True)
        )
        out[metric.name] = metrics.summarize(list(spans))
    return out


def _review(pms: QuerySet[Postmortem]) -> tuple[list[Step], int, int]:
    """The review steps timed, and the repeat check (postmortems checked, flagged as repeats),
    from one query: per postmortem, the time from the incident's end to the first transition
    of each step (computed by the database) and how many such transitions there are."""
    end = Coalesce("resolved", "mitigated")
    columns: dict[str, Any] = {}
    for name, _, transition, _ in STEPS:
        first = Min("events__created", filter=Q(events__transition=transition))
        columns[name] = ExpressionWrapper(first - end, output_field=DurationField())
        columns[f"{name}_n"] = Count("events", filter=Q(events__transition=transition))
    rows = (  # grouped by these columns only (not every column of the row)
        pms.order_by()
        .values("pk", "status")
        .annotate(
            **columns,
            checked=Count("events", filter=Q(events__transition__in=["approve", ACKNOWLEDGE])),
            flagged=Count("events", filter=Q(events__transition=ACKNOWLEDGE)),
        )
        .values_list("status", "checked", "flagged", *columns)
    )
    spans: dict[str, list[dt.timedelta]] = defaultdict(list)
    missing: Counter[tuple[str, str]] = Counter()
    checked = flagged = 0
    for status, was_checked, was_flagged, *found in rows:
        checked += bool(was_checked)
        flagged += bool(was_flagged)
        for n, (name, _, _, past) in enumerate(STEPS):
            span, taken = found[2 * n], found[2 * n + 1]
            if not taken:
                missing[name, "history"] += status in past
            elif span is None or span < dt.timedelta(0):
                missing[name, "end"] += 1
            else:
                spans[name].append(span)
    steps = [
        Step(
            name,
            label,
            metrics.summarize(spans[name]),
            *(missing[name, w] for w in ("history", "end")),
        )
        for name, label, _, _ in STEPS
    ]
    return steps, checked, flagged


def _items(pms: QuerySet[Postmortem], now: dt.datetime) -> Items:
    """Action items of the postmortems counted, in one aggregate; the open ones' ages.

    An open item's age runs from its postmortem's incident date (from the day the server first
    recorded it when the postmortem has none): an imported item is as old as its incident, not
    as its import.
    """
    today = now.date()
    state = ActionItem.State
    still_open = Q(status__in=[state.OPEN, state.IN_PROGRESS])
    qs = ActionItem.objects.filter(postmortem__in=pms.values("pk"))
    undated = Q(postmortem__incident_date__isnull=True)

    def younger(days: int) -> Q:
        cut = today - dt.timedelta(days=days)
        return Q(postmortem__incident_date__gt=cut) | (undated & Q(created__date__gt=cut))

    buckets = {
        f"age{i}": Count("id", filter=still_open & younger(days))
        for i, (days, _) in enumerate(AGES)
    }
    found = qs.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=state.DONE)),
        wont=Count("id", filter=Q(status=state.WONT_DO)),
        open=Count("id", filter=still_open),
        overdue=Count("id", filter=still_open & Q(due__lt=today)),
        **buckets,
    )
    dates = qs.filter(still_open).values_list("postmortem__incident_date", "created")
    ages = [today - (day or created.date()) for day, created in dates]
    within = [found[f"age{i}"] for i in range(len(AGES))] + [found["open"]]
    labels = [label for _, label in AGES] + ["1 year +"]
    return Items(
        total=found["total"],
        done=found["done"],
        wont_do=found["wont"],
        open=found["open"],
        overdue=found["overdue"],
        age=metrics.summarize(ages),
        by_age=[
            (label, n - (within[i - 1] if i else 0))
            for i, (label, n) in enumerate(zip(labels, within, strict=True))
        ],
    )
