"""The rule that keeps a restricted schedule's on-call within its team: no escalation policy of
another team pages it (its pages, notifications and the incident's timeline would name that
team's on-call to the policy's team).

It is checked wherever a schedule or a policy is saved — ``pm oncall apply`` and its API, the
schedule form, the admin — by :func:`paging_problems`, given what is about to be saved.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from itertools import groupby
from operator import itemgetter

from postmortems.oncall import model
from postmortems.server.oncall.models import Schedule, Step

# (policy, its team, step number counted from 1, the schedule the step pages)
Paging = tuple[str, str, int, str]


def paging_problems(
    policies: Iterable[model.EscalationPolicy] = (),
    schedules: Mapping[str, tuple[bool, str]] | None = None,
    *,
    sources: Mapping[str, str] | None = None,
    deleted: Collection[str] = (),
) -> list[str]:
    """What saving ``policies`` and ``schedules`` (name → (restricted, team), as they are about
    to be saved) over what is stored would break: each step that would page a schedule
    restricted to another team than its policy's.

    Only a step of a policy being saved, or one paging a schedule being saved, is reported:
    stored policies that page neither are someone else's change. ``sources`` (a file's
    objects) puts the file before each policy of the file; ``deleted``: stored policies the
    same change deletes.
    """
    changed = dict(schedules or {})
    restricted = dict(Schedule.objects.filter(restricted=True).values_list("name", "team"))
    for name, (is_restricted, team) in changed.items():
        if is_restricted:
            restricted[name] = team
        else:
            restricted.pop(name, None)
    saved = {p.name for p in policies}
    pairs: list[Paging] = [pair for p in policies for pair in _schedules_paged(p)]
    if changed:
        pairs += _stored_paging(skip={*saved, *deleted}, schedules=changed.keys())
    problems = []
    for policy, team, number, schedule in pairs:
        owner = restricted.get(schedule)
        if owner is None or owner == team:
            continue
        where = f"policy {policy!r}"
        if sources is not None and policy in saved:
            where = f"{sources.get(policy, '<input>')}: {where}"
        problems.append(
            f"{where} (team {team or '(none)'}) step {number} pages schedule {schedule!r}, "
            f"restricted to team {owner or '(none)'}: its pages would name that team's on-call "
            "to another team — page it from a policy of its own team, or lift its restriction"
        )
    return problems


def _schedules_paged(policy: model.EscalationPolicy) -> Iterator[Paging]:
    for number, step in enumerate(policy.steps, 1):
        for target in step.targets:
            if target.kind == "schedule":
                yield policy.name, policy.team, number, target.name


def _stored_paging(*, skip: Collection[str], schedules: Collection[str]) -> list[Paging]:
    """The stored steps (of policies not in ``skip``) that page one of ``schedules``.

    Targets are read as stored (``.get``): a malformed one made before the admin checked them
    pages no schedule, and must not stop a schedule from being saved."""
    rows = (
        Step.objects.exclude(policy__name__in=list(skip))
        .order_by("policy__name", "position", "id")
        .values_list("policy__name", "policy__team", "targets")
    )
    found = []
    for (policy, team), steps in groupby(rows, itemgetter(0, 1)):
        for number, (_, _, targets) in enumerate(steps, 1):
            found += [
                (policy, team, number, str(t.get("name")))
                for t in (targets if isinstance(targets, list) else [])
                if isinstance(t, dict)
                and t.get("kind") == "schedule"
                and t.get("name") in schedules
            ]
    return found
