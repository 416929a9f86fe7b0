"""Who sees and who edits on-call objects (the accounts app's teams are the boundaries).

A schedule or policy of a team is visible to anyone who reads the library unless it is
restricted: then only its team's members (and superusers) see it, and it answers 404 like a
missing one everywhere else (pages, API, feeds). Editing a schedule made in the UI needs the
author role in its team; one managed by a YAML file is edited in its file, never here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import Access
from postmortems.server.accounts.roles import Action, Role
from postmortems.server.oncall.models import Notification, Page, Policy, Schedule, Service

_Row = TypeVar("_Row", bound=Model)


def paged_incident(
    access: Access, key: str, policy: Policy | None = None, *, now: dt.datetime
) -> str:
    """The incident a page by hand names, checked: its timeline records the page, so the person
    paging must be able to change it. A hidden incident is refused like a missing one; with
    ``policy``, one that ended, that the policy is paging already, or that is restricted and
    the policy may page someone who may not see it, too
    (:func:`~postmortems.server.oncall.handpaging.check_policy`, a ``PagingRefused``)."""
    key = key.strip()
    if not key or not apps.is_installed("postmortems.server.incidents"):
        return key
    from postmortems.server.incidents import rights

    incident = rights.visible(access).filter(key=key).first()
    if incident is None or not rights.changes(access, incident):
        raise PostmortemsError(
            f"no incident {key} that you may change",
            hint="give the key of an incident of your team, or leave it empty",
        )
    if policy is not None:
        from postmortems.server.oncall import handpaging

        handpaging.check_policy(access, incident, policy, now)
    return key


def visible_schedules(access: Access) -> QuerySet[Schedule]:
    if not access.may(Action.READ):
        return Schedule.objects.none()
    if access.superuser:
        return Schedule.objects.all()
    return Schedule.objects.filter(Q(restricted=False) | Q(team__in=sorted(access.teams)))


def schedule_or_404(access: Access, name: str) -> Schedule:
    found = visible_schedules(access).filter(name=name).first()
    if found is None:
        raise Http404("no such schedule")
    return found


def may_edit(access: Access, team: str) -> bool:
    """The author role in ``team`` (any team's, for an object of no team)."""
    teams = frozenset({team}) if team else frozenset()
    return access.role_in(teams) >= Role.AUTHOR


def _of_my_teams(rows: QuerySet[_Row], access: Access) -> QuerySet[_Row]:
    """Those of ``rows`` of no team or of the user's teams (all, for a superuser)."""
    if not access.may(Action.READ):
        return rows.none()
    if access.superuser:
        return rows
    return rows.filter(Q(team="") | Q(team__in=sorted(access.teams)))


def visible_services(access: Access) -> QuerySet[Service]:
    """Services of no team or of the user's teams (like escalation policies)."""
    return _of_my_teams(Service.objects.all(), access)


def visible_policies(access: Access) -> QuerySet[Policy]:
    """Escalation policies of no team or of the user's teams (like services)."""
    return _of_my_teams(Policy.objects.all(), access)


def visible_pages(access: Access) -> QuerySet[Page]:
    """Pages of policies the user may see (a page's policy team bounds it like a schedule's;
    a page by hand of a restricted schedule, that schedule's team), and the pages that reached
    the user."""
    if not access.may(Action.READ):
        return Page.objects.none()
    if access.superuser:
        return Page.objects.all()
    hidden = Policy.objects.exclude(pk__in=visible_policies(access).values("pk")).values("pk")
    # A page by hand of a restricted schedule carries the schedule's team (of a restricted
    # incident, the incident's); whoever it reached sees it all the same.
    teams = sorted(access.teams)
    shown = (Q(team="") | Q(team__in=teams)) & ~Q(policy__in=hidden)
    if access.user_id is not None:
        me = User.objects.filter(pk=access.user_id).values("username")
        shown |= Q(pk__in=Notification.objects.filter(user__in=me).values("page_id"))
    return Page.objects.filter(shown)


HIDDEN_ON_CALL = "the on-call of a restricted schedule"
HIDDEN_SCHEDULE = "a restricted schedule"


def target_names(
    access: Access | None, page: Page, schedules: Mapping[str, tuple[bool, str]] | None = None
) -> list[str]:
    """A page by hand's targets as ``access`` may read them (``schedule primary``, ``user
    alice``): a schedule restricted to a team the reader is not in is :data:`HIDDEN_SCHEDULE`,
    as its own page answers them 404 (someone it reached who left the team since). A schedule
    gone since is hidden when the page was kept to a team (``page.team``) the reader is not in.
    ``None``: a reader not signed in. ``schedules``: :func:`schedule_states`, read once for a
    list of pages."""
    states = schedule_states() if schedules is None else schedules
    hidden = _hidden_targets(access, page, states)
    return [
        HIDDEN_SCHEDULE
        if t.get("kind") == "schedule" and t.get("name") in hidden
        else f"{t.get('kind', '')} {t.get('name', '')}"
        for t in page.targets
    ]


def schedule_states() -> dict[str, tuple[bool, str]]:
    """Every schedule's name with whether it is restricted and its team (one query)."""
    rows = Schedule.objects.values_list("name", "restricted", "team")
    return {name: (restricted, team) for name, restricted, team in rows}


def _hidden_targets(
    access: Access | None, page: Page, states: Mapping[str, tuple[bool, str]]
) -> set[str]:
    names = {t.get("name", "") for t in page.targets if t.get("kind") == "schedule"}
    if not names or (access is not None and access.superuser):
        return set()
    teams = access.teams if access is not None else frozenset()
    gone = bool(page.team) and page.team not in teams  # deleted since: as the page was kept
    return {
        name
        for name in names
        if (states[name][0] and states[name][1] not in teams if name in states else gone)
    }


@dataclass(frozen=True)
class Names:
    """Whom pages name to one reader: a notification a page sent through a restricted schedule
    the reader may not see names :data:`HIDDEN_ON_CALL` (as the incident's timeline says it),
    and so does the page (its people reached, who acknowledged it) for a person it reached only
    so; the reader is named to themself. ``rows``: the notifications hidden, by id;
    ``people``: the people hidden, by page id."""

    rows: frozenset[int] = frozenset()
    people: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def of(self, page: Page, user: str) -> str:
        return HIDDEN_ON_CALL if user in self.people.get(page.pk, frozenset()) else user

    def row(self, notification: Notification) -> str:
        return HIDDEN_ON_CALL if notification.pk in self.rows else notification.user

    def acknowledged(self, page: Page) -> str:
        by = page.acknowledged_by
        return self.of(page, by.get_username()) if by is not None else ""


def through_schedule(reason: str) -> tuple[str, str, bool]:
    """A notification's reason parted: what comes before the schedule it names at its end
    (``sre-page: step 1 of 2 (schedule primary)``), that schedule ('' for none), and whether its
    name is whole (an older row cut at 200 characters may end inside it)."""
    head, said, rest = reason.rpartition(" (schedule ")
    if not said:
        return reason, "", True
    return (head, rest[:-1], True) if rest.endswith(")") else (head, rest, False)


# The fields of a notification :func:`names_from` reads.
NAMING_FIELDS = (
    "pk",
    "page_id",
    "user",
    "reason",
    "schedule_id",
    "schedule_team",
    "schedule_restricted",
)


def names_for(access: Access, pages: Iterable[Page]) -> Names:
    """The :class:`Names` of ``pages`` for ``access``: a few queries, none for a superuser."""
    ids = [p.pk for p in pages]
    if access.superuser or not ids:
        return Names()
    found = Notification.objects.filter(page_id__in=ids).only(*NAMING_FIELDS)
    return names_from(access, found)


def _hidden_by_name(visible: QuerySet[Schedule]) -> Callable[[str, bool], bool]:
    """For a notification kept before its schedule was: whether the schedule its reason names
    (whole, or cut short) hides its person. It fails closed: a schedule the reader may not see
    (``visible``: those they may) hides it, and so does one gone since (renamed or deleted: it
    may have been restricted) or a name cut short that could be either. Two queries, on the
    first call."""

    @cache
    def names() -> tuple[set[str], set[str]]:
        seen = set(visible.values_list("name", flat=True))
        others = Schedule.objects.exclude(pk__in=visible.values("pk"))
        return seen, set(others.values_list("name", flat=True))

    def secret(name: str, whole: bool) -> bool:
        seen, unseen = names()
        if whole:
            return name not in seen
        return any(h.startswith(name) for h in unseen) or not any(v.startswith(name) for v in seen)

    return secret


def names_from(access: Access, notifications: Iterable[Notification]) -> Names:
    """The :class:`Names` of ``notifications`` (their :data:`NAMING_FIELDS` read) for
    ``access``. A person paged through a schedule is named to ``access`` when they might see
    that schedule both then (it was open, or of one of their teams) and now (under whatever
    name it has; deleted since, as it was then): a schedule restricted later, moved to another
    team or opened since reveals nothing it hid. :func:`hidden_notifications` is the same rule
    as a query."""
    if access.superuser:
        return Names()
    visible = visible_schedules(access)
    shown = set(visible.values_list("pk", flat=True))
    by_name = _hidden_by_name(visible)

    def secret(n: Notification) -> bool:
        _, name, whole = through_schedule(n.reason)
        if n.schedule_restricted is not None:  # hidden then, or now (gone: as it was then)
            then = n.schedule_restricted and n.schedule_team not in access.teams
            return then or (n.schedule_id is not None and n.schedule_id not in shown)
        return bool(name) and by_name(name, whole)

    me = User.objects.filter(pk=access.user_id or 0).values_list("username", flat=True).first()
    rows, named = set(), set()
    reached: dict[int, set[str]] = defaultdict(set)
    for n in notifications:
        reached[n.page_id].add(n.user)
        if n.user != me and secret(n):
            rows.add(n.pk)
        else:
            named.add((n.page_id, n.user))
    people = {p: frozenset(u for u in users if (p, u) not in named) for p, users in reached.items()}
    return Names(frozenset(rows), {p: users for p, users in people.items() if users})


def hidden_notifications(access: Access, rows: QuerySet[Notification]) -> QuerySet[Notification]:
    """Those of ``rows`` whose person :func:`names_from` hides from ``access``, as a query (the
    rows kept before notifications held their schedule are read by :func:`names_from`)."""
    if access.superuser:
        return rows.none()
    me = User.objects.filter(pk=access.user_id or 0).values_list("username", flat=True).first()
    others = rows.exclude(user=me) if me else rows
    then = Q(schedule_restricted=True) & ~Q(schedule_team__in=sorted(access.teams))
    now = Q(schedule__isnull=False) & ~Q(schedule__in=visible_schedules(access).values("pk"))
    older = others.filter(schedule_restricted__isnull=True, reason__contains=" (schedule ")
    by_name = names_from(access, older.only(*NAMING_FIELDS)).rows
    return others.filter(then | now | Q(pk__in=sorted(by_name)))


def page_or_404(access: Access, page_id: int) -> Page:
    found = visible_pages(access).filter(pk=page_id).select_related("policy").first()
    if found is None:
        raise Http404("no such page")
    return found


def may_acknowledge(access: Access, username: str, page: Page) -> bool:
    """Someone the page reached, or an author of its policy's team: acknowledging stops the
    escalation, which a reader who is neither must not do."""
    if page.notifications.filter(user=username).exists():
        return True
    return may_edit(access, page.policy.team if page.policy else page.team)
