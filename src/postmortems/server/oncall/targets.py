"""The schedules an escalation step pages must exist: a step naming none would page nobody, and
only say so on an incident's timeline once it was needed.

Checked wherever a step is saved — the admin's policy form, ``pm oncall apply`` and its API —
with the same words. A refusal never tells someone that a schedule they may not see is there: to
them, a schedule restricted to a team they are not in reads like one that does not exist
(:func:`not_found`, which ``restricted`` says too).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from postmortems.oncall import model
from postmortems.server.accounts.access import Access
from postmortems.server.oncall.models import Schedule


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
