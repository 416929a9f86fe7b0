"""Who a page by hand for a restricted incident may reach: only people who may see it.

A restricted incident is seen by its team (and superusers) only, and a page for it links to it.
So a schedule or an escalation policy is paged for it by hand only when everyone it may page
may see the incident: a schedule's people are everyone its layers rotate and everyone its
overrides not yet over put on call (whoever is on call changes with the hand-overs, and a
page by hand pages again minutes later); a policy's are those of each target of its steps (a
person, a schedule's people, a team's members). A name that is no active account cannot see
it either. For an incident that is not restricted nothing is left out here: anyone with a role
reads it.

:func:`unseen_schedules` and :func:`unseen_policies` answer for many at once (the form offers
the others); :mod:`.handpaging` refuses one named anyway.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from postmortems.server.accounts.models import Membership
from postmortems.server.incidents import rights
from postmortems.server.incidents.models import Incident
from postmortems.server.oncall.models import Layer, Override, Policy, Step

# The overrides that put someone on call (a `remove` takes someone off).
PUTS_ON_CALL = ("replace", "add")


def schedule_people(names: Collection[str], now: dt.datetime) -> dict[str, frozenset[str]]:
    """Everyone each schedule of ``names`` may put on call from ``now``: its layers' people and
    those of its overrides that are not over (two queries)."""
    found: dict[str, set[str]] = defaultdict(set)
    layers = Layer.objects.filter(schedule__name__in=sorted(names))
    for name, users in layers.values_list("schedule__name", "users"):
        found[name].update(str(user) for user in users)
    overrides = Override.objects.filter(
        schedule__name__in=sorted(names), end__gt=now, kind__in=PUTS_ON_CALL
    )
    for name, user in overrides.values_list("schedule__name", "user"):
        found[name].add(user)
    return {name: frozenset(found[name]) for name in names}


def _team_people(slugs: Collection[str]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    rows = Membership.objects.filter(team__slug__in=sorted(slugs))
    for slug, user in rows.values_list("team__slug", "user__username"):
        found[slug].add(user)
    return {slug: frozenset(found[slug]) for slug in slugs}


def policy_people(
    policies: Iterable[Policy], now: dt.datetime
) -> dict[str, dict[str, frozenset[str]]]:
    """For each policy, each target its steps page (``schedule primary``, ``team sre``, ``user
    ann``) with the people it may page (four queries)."""
    targets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, listed in Step.objects.filter(policy__in=list(policies)).values_list(
        "policy__name", "targets"
    ):
        targets[name] += [(str(t.get("kind", "")), str(t.get("name", ""))) for t in listed]
    every = [t for listed in targets.values() for t in listed]
    schedules = schedule_people({n for k, n in every if k == "schedule"}, now)
    teams = _team_people({n for k, n in every if k == "team"})
    people: Mapping[str, Mapping[str, frozenset[str]]] = {"schedule": schedules, "team": teams}
    return {
        policy: {
            f"{kind} {name}": people[kind][name] if kind in people else frozenset({name})
            for kind, name in listed
        }
        for policy, listed in targets.items()
    }


def unseen_schedules(
    incident: Incident, names: Collection[str], now: dt.datetime
) -> dict[str, list[str]]:
    """The schedules of ``names`` that may page someone who may not see ``incident``, each with
    those people (sorted); none when it is not restricted."""
    if not incident.restricted:
        return {}
    people = schedule_people(names, now)
    readers = rights.readers(incident, (p for group in people.values() for p in group))
    unseen = {name: sorted(group - readers) for name, group in people.items()}
    return {name: outsiders for name, outsiders in unseen.items() if outsiders}


def unseen_policies(
    incident: Incident, policies: Collection[Policy], now: dt.datetime
) -> dict[str, list[str]]:
    """The policies of ``policies`` that may page someone who may not see ``incident``, each
    with the targets of its steps through which (``schedule payments-primary``); none when it
    is not restricted."""
    if not incident.restricted or not policies:
        return {}
    reach = policy_people(policies, now)
    everyone = (p for targets in reach.values() for group in targets.values() for p in group)
    readers = rights.readers(incident, everyone)
    unseen = {
        policy: [target for target, group in targets.items() if group - readers]
        for policy, targets in reach.items()
    }
    return {policy: list(dict.fromkeys(ts)) for policy, ts in unseen.items() if ts}
