"""How the learning process itself is doing, per team: read from events and action items."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from postmortems.document.model import Status
from postmortems.server.accounts.access import Access
from postmortems.server.library.models import Label, Postmortem
from postmortems.server.workflow.models import ActionItem, Event

NO_TEAM = "(no team)"


@dataclass(frozen=True)
class TeamMetrics:
    team: str
    postmortems: int
    hours_to_draft: float | None  # median, incident end → postmortem created
    hours_to_approval: float | None
    hours_to_publication: float | None
    items: int
    items_done: int
    completion_rate: float | None  # done / (all - won't do)
    open_age_days: float | None  # median age of open items
    days_to_close: float | None  # median time to close done items


def _median(values: Iterable[float]) -> float | None:
    found = list(values)
    return round(statistics.median(found), 1) if found else None


def _hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def _first_reached(pm_ids: list[int], state: Status) -> dict[int, dt.datetime]:
    found: dict[int, dt.datetime] = {}
    rows = Event.objects.filter(postmortem_id__in=pm_ids, to_state=state).order_by("created")
    for pm_id, when in rows.values_list("postmortem_id", "created"):
        found.setdefault(pm_id, when)
    return found


def _teams_of(pm_ids: list[int]) -> dict[int, list[str]]:
    teams: dict[int, list[str]] = defaultdict(list)
    rows = Label.objects.filter(postmortem_id__in=pm_ids, kind="teams")
    for pm_id, value in rows.values_list("postmortem_id", "value"):
        teams[pm_id].append(value)
    return teams


def team_metrics(access: Access, now: dt.datetime) -> list[TeamMetrics]:
    """One row per team (postmortems without a team are grouped as ``(no team)``)."""
    pms = list(
        Postmortem.objects.filter(access.visible())
        .distinct()
        .only("id", "resolved", "mitigated", "created")
    )
    ids = [p.pk for p in pms]
    teams = _teams_of(ids)
    approved = _first_reached(ids, Status.APPROVED)
    published = _first_reached(ids, Status.PUBLISHED)
    by_team: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in pms:
        for team in teams.get(pm.pk) or [NO_TEAM]:
            by_team[team].append(pm)
    items: dict[int, list[ActionItem]] = defaultdict(list)
    for item in ActionItem.objects.filter(postmortem_id__in=ids):
        items[item.postmortem_id].append(item)
    return [
        _row(team, group, approved, published, items, now)
        for team, group in sorted(by_team.items())
    ]


def _row(
    team: str,
    group: list[Postmortem],
    approved: dict[int, dt.datetime],
    published: dict[int, dt.datetime],
    items: dict[int, list[ActionItem]],
    now: dt.datetime,
) -> TeamMetrics:
    def since_end(pm: Postmortem, when: dt.datetime | None) -> float | None:
        return _hours(pm.resolved or pm.mitigated, when)

    def present(values: Iterable[float | None]) -> list[float]:
        return [v for v in values if v is not None]

    mine = [i for pm in group for i in items.get(pm.pk, [])]
    done = [i for i in mine if i.status == ActionItem.State.DONE]
    counted = [i for i in mine if i.status != ActionItem.State.WONT_DO]
    open_items = [
        i for i in mine if i.status in (ActionItem.State.OPEN, ActionItem.State.IN_PROGRESS)
    ]
    return TeamMetrics(
        team=team,
        postmortems=len(group),
        hours_to_draft=_median(present(since_end(p, p.created) for p in group)),
        hours_to_approval=_median(present(since_end(p, approved.get(p.pk)) for p in group)),
        hours_to_publication=_median(present(since_end(p, published.get(p.pk)) for p in group)),
        items=len(mine),
        items_done=len(done),
        completion_rate=round(len(done) / len(counted), 3) if counted else None,
        open_age_days=_median((now - i.created).total_seconds() / 86400 for i in open_items),
        days_to_close=_median(
            (i.closed - i.created).total_seconds() / 86400 for i in done if i.closed is not None
        ),
    )
