"""The schedules an escalation step pages must exist: a step naming none would page nobody, and
only say so on an incident's timeline once it was needed.

Checked wherever a step is saved — the admin's policy form, ``pm oncall apply`` and its API —
with the same words; and wherever a schedule is deleted or renamed — the admin (its form, its
delete page, its "delete selected" action), ``pm oncall apply`` deleting one its file no longer
holds — while a step of another policy still pages it by that name (:func:`still_paged`).
A refusal never tells someone that a schedule they may not see is there: to them, a schedule
restricted to a team they are not in reads like one that does not exist (:func:`not_found`,
which ``restricted`` says too); and it names a policy only to someone who may see it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from postmortems.oncall import model
from postmortems.oncall.spec import shown_file
from postmortems.server.accounts.access import Access
from postmortems.server.oncall.models import Policy, Schedule, Step
from postmortems.server.oncall.visibility import visible_policies, visible_schedules

# (policy, its team, step number counted from 1, the schedule the step pages)
Paging = tuple[str, str, int, str]


def sees_all(viewer: Access | None) -> bool:
    """``None`` is the operator (``pm oncall apply --data-dir``), who sees every object."""
    return viewer is None or viewer.superuser


def step_name(policy: str, team: str, number: int) -> str:
    """How a refusal names a step: ``policy 'blue-page' (team blue) step 1``."""
    return f"policy {policy!r} (team {team or '(none)'}) step {number}"


def not_found(name: str, viewer: Access | None) -> str:
    """What a step paging ``name`` is told when ``viewer`` cannot page it by that name: the same
    for a schedule that does not exist and one restricted to a team they are not in."""
    if sees_all(viewer):
        return f"pages schedule {name!r}, which does not exist — define it or fix the name"
    return (
        f"pages schedule {name!r}, which does not exist or is restricted to a team you are not "
        "in — fix the name, define it, or page it from a policy of the team it belongs to"
    )


def missing(
    names: Iterable[str], *, defined: Collection[str] = (), gone: Collection[str] = ()
) -> set[str]:
    """The names among ``names`` that are no schedule: not stored (or stored but deleted by the
    same change: ``gone``), nor in ``defined`` (the schedules saved with the step)."""
    wanted = {n for n in names if n not in defined}
    stored = Schedule.objects.filter(name__in=sorted(wanted)).values_list("name", flat=True)
    return wanted - (set(stored) - set(gone))


def schedules_named(targets: Iterable[model.Target]) -> list[str]:
    return [t.name for t in targets if t.kind == "schedule"]


def unknown_steps(
    policy: model.EscalationPolicy, *, defined: Collection[str] = (), gone: Collection[str] = ()
) -> Iterator[tuple[int, str]]:
    """(step number counted from 1, schedule name) for each schedule a step of ``policy`` pages
    that will not exist once saved (see :func:`missing`)."""
    named = (n for step in policy.steps for n in schedules_named(step.targets))
    absent = missing(named, defined=defined, gone=gone)
    for number, step in enumerate(policy.steps, 1):
        for name in schedules_named(step.targets):
            if name in absent:
                yield number, name


def refusals(
    policy: model.EscalationPolicy,
    *,
    viewer: Access | None,
    defined: Collection[str] = (),
    gone: Collection[str] = (),
) -> list[tuple[int, str]]:
    """(step number, what to tell) for each schedule a step of ``policy`` pages that will not
    exist (see :func:`missing`)."""
    return [
        (number, f"{step_name(policy.name, policy.team, number)} {not_found(name, viewer)}")
        for number, name in unknown_steps(policy, defined=defined, gone=gone)
    ]


def seen(viewer: Access | None, policies: Collection[str], schedules: Collection[str]) -> set[str]:
    """The names among ``policies`` and ``schedules`` that ``viewer`` may see."""
    if sees_all(viewer):
        return {*policies, *schedules}
    assert viewer is not None
    found = set(
        visible_policies(viewer).filter(name__in=sorted(policies)).values_list("name", flat=True)
    )
    found |= set(
        visible_schedules(viewer).filter(name__in=sorted(schedules)).values_list("name", flat=True)
    )
    return found


def stored_paging(*, skip: Collection[str], schedules: Collection[str]) -> list[Paging]:
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
        for number, (_, _, stored) in enumerate(steps, 1):
            found += [
                (policy, team, number, str(t.get("name")))
                for t in (stored if isinstance(stored, list) else [])
                if isinstance(t, dict)
                and t.get("kind") == "schedule"
                and t.get("name") in schedules
            ]
    return found


def still_paged(
    names: Collection[str],
    *,
    viewer: Access | None,
    how: str = "deleted",
    fix: str = "change that step first",
    skip: Collection[str] = (),
) -> list[str]:
    """Why the schedules ``names`` may not be deleted (or renamed: ``how``): each stored step
    (of a policy not in ``skip``: saved or deleted by the same change) that pages one by name,
    and would then page nobody. The policy is named, with its file, only when ``viewer`` may
    see it; else only that a policy of another team, one they may not see, pages it."""
    found = stored_paging(skip=skip, schedules=names)
    if not found:
        return []
    shown = seen(viewer, {p for p, _, _, _ in found}, ())
    files = dict(
        Policy.objects.filter(name__in=sorted(shown))
        .exclude(managed_by="")
        .values_list("name", "managed_by")
    )
    problems = []
    for policy, team, number, schedule in found:
        if policy in shown:
            kept = f" (kept in {shown_file(files[policy])})" if policy in files else ""
            problems.append(
                f"schedule {schedule!r} is paged by {step_name(policy, team, number)}{kept}: "
                f"{how}, that step would page nobody — {fix}"
            )
        else:
            problems.append(
                f"schedule {schedule!r} is paged by step {number} of a policy of another team, "
                f"one you may not see: {how}, that step would page nobody — ask a superuser to "
                "change that step first"
            )
    return list(dict.fromkeys(problems))
