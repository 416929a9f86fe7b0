"""The rule that keeps a restricted schedule's on-call within its team: no escalation policy of
another team pages it (its pages, notifications and the incident's timeline would name that
team's on-call to the policy's team).

It is checked wherever a schedule or a policy is saved — ``pm oncall apply`` and its API, the
schedule form, the admin — by :func:`refusals`, given what is about to be saved and who
saves it: a refusal names another team's policy or schedule only to someone who may see it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import NamedTuple

from postmortems.oncall import model
from postmortems.server.accounts.access import Access
from postmortems.server.oncall import targets
from postmortems.server.oncall.models import Schedule
from postmortems.server.oncall.targets import Paging


class Refusal(NamedTuple):
    """One step that would page another team's restricted schedule, and what to tell."""

    policy: str
    step: int  # counted from 1
    text: str


def texts(found: Iterable[Refusal]) -> list[str]:
    """The refusals' texts, each once (two hidden policies may read the same)."""
    return list(dict.fromkeys(r.text for r in found))


def refusals(
    policies: Iterable[model.EscalationPolicy] = (),
    schedules: Mapping[str, tuple[bool, str]] | None = None,
    *,
    viewer: Access | None,
    sources: Mapping[str, str] | None = None,
    deleted: Collection[str] = (),
) -> list[Refusal]:
    """What saving ``policies`` and ``schedules`` (name → (restricted, team), as they are about
    to be saved) over what is stored would break: each step that would page a schedule
    restricted to another team than its policy's.

    Only a step of a policy being saved, or one paging a schedule being saved, is reported:
    stored policies that page neither are someone else's change. ``sources`` (a file's
    objects) puts the file before each object of the file; ``deleted``: stored policies the
    same change deletes. Each problem names the other team's policy or schedule only when
    ``viewer`` (the one saving; ``None``: the operator) may see it.
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
        pairs += targets.stored_paging(skip={*saved, *deleted}, schedules=changed.keys())
    wrong = [(*pair, restricted[pair[3]]) for pair in pairs if _breaks(pair, restricted)]
    if not wrong:
        return []
    seen = targets.seen(
        viewer, {w[0] for w in wrong} - saved, {w[3] for w in wrong} - changed.keys()
    )
    problems = []
    for policy, team, number, schedule, owner in wrong:
        step = targets.step_name(policy, team, number)
        where = ""
        if sources is not None:
            source = sources.get(policy) if policy in saved else sources.get(schedule)
            where = f"{source or '<input>'}: "
        if schedule not in changed and schedule not in seen:
            # A step of the saver's own policy, by a name they gave: not found, to them.
            said = f"{step} {targets.not_found(schedule, viewer)}"
        elif policy not in saved and policy not in seen:
            said = _unseen_policy(schedule, owner, number)
        else:
            said = f"{step} {_named(schedule, owner)}"
        problems.append(Refusal(policy, number, where + said))
    return problems


def _breaks(pair: Paging, restricted: Mapping[str, str]) -> bool:
    owner = restricted.get(pair[3])
    return owner is not None and owner != pair[1]


def _named(schedule: str, owner: str) -> str:
    return (
        f"pages schedule {schedule!r}, restricted to team {owner or '(none)'}: its pages would "
        "name that team's on-call to another team — page it from a policy of its own team, or "
        "lift its restriction"
    )


def _unseen_policy(schedule: str, owner: str, number: int) -> str:
    """A stored policy the saver may not see pages the schedule they save: said without its
    name or team."""
    return (
        f"schedule {schedule!r}, restricted to team {owner or '(none)'}, would be paged by step "
        f"{number} of a policy of another team, one you may not see: its pages would name the "
        "on-call of the schedule to that team — leave the schedule unrestricted, or ask a "
        "superuser to remove that step"
    )


def _schedules_paged(policy: model.EscalationPolicy) -> Iterator[Paging]:
    for number, step in enumerate(policy.steps, 1):
        for target in step.targets:
            if target.kind == "schedule":
                yield policy.name, policy.team, number, target.name
