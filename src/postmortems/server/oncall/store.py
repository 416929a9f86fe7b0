"""Schedules and policies as code: apply a validated :class:`Config` in one transaction, and read
everything stored back as one (the interface ``pm oncall apply/export --data-dir`` uses).

Applying a file makes the objects it defines match it and marks them ``managed_by`` that file
(read-only in the UI). An object the file no longer defines, but which it applied before, is
deleted. An object made in the UI with the same name is adopted by the file. An object managed
by another file is refused: two files must not fight over one schedule.
"""

from __future__ import annotations

import dataclasses
import functools
import ntpath
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from postmortems.errors import PostmortemsError
from postmortems.oncall import model
from postmortems.oncall.spec import problems_of, shown_file
from postmortems.server.accounts.access import Access
from postmortems.server.accounts.models import Team
from postmortems.server.oncall import convert, policyuse, queries, restricted, targets
from postmortems.server.oncall.models import (
    Layer,
    Managed,
    Override,
    Policy,
    Schedule,
    Service,
    Step,
)


class StoreError(PostmortemsError):
    """A configuration that cannot be applied to this server; nothing was changed."""


def load_schedules(
    rows: Iterable[Schedule] | None = None,
    *,
    files_only: bool = False,
    left_out: list[str] | None = None,
) -> dict[str, model.Schedule]:
    """Every stored schedule (or those of ``rows``) as pure schedules: three queries.
    ``files_only``: without the overrides made on the server beside a file's (what the file
    itself holds, to compare with it). A layer row no one can read (stored before the admin
    checked it) is left out, as the pages leave it out, and said in ``left_out``."""
    rows = list(Schedule.objects.all() if rows is None else rows)
    ids = [r.pk for r in rows]
    layers: dict[int, list[Layer]] = defaultdict(list)
    for layer in Layer.objects.filter(schedule_id__in=ids).order_by("position", "id"):
        layers[layer.schedule_id].append(layer)
    overrides: dict[int, list[Override]] = defaultdict(list)
    found = Override.objects.filter(schedule_id__in=ids).order_by(*Override.ORDER)
    for o in found.filter(from_file=True) if files_only else found:
        overrides[o.schedule_id].append(o)
    return {
        r.name: convert.schedule_of(r, _readable(r, layers[r.pk], left_out), overrides[r.pk])
        for r in rows
    }


def _readable(row: Schedule, layers: list[Layer], left_out: list[str] | None) -> list[model.Layer]:
    """The pure layers of ``row``'s layer rows that can be read (``queries.readable``)."""
    read = (
        queries.readable(row.name, x.name, functools.partial(convert.layer_of, x), left_out)
        for x in layers
    )
    return [layer for layer in read if layer is not None]


def schedule_names() -> list[str]:
    """Every stored schedule's name (those made in the UI too): what a policy of the files
    ``pm oncall apply --data-dir`` reads may page without defining it."""
    return list(Schedule.objects.values_list("name", flat=True))


def load_policies() -> dict[str, model.EscalationPolicy]:
    steps: dict[int, list[Step]] = defaultdict(list)
    for step in Step.objects.order_by("position", "id"):
        steps[step.policy_id].append(step)
    return {p.name: convert.policy_of(p, steps[p.pk]) for p in Policy.objects.all()}


def load_services() -> dict[str, model.Service]:
    rows = Service.objects.values_list("name", "policy", "team")
    return {name: model.Service(name, policy, team) for name, policy, team in rows}


def load_config(left_out: list[str] | None = None) -> model.Config:
    """Everything stored, for ``pm oncall export``, ``who`` and ``shifts``; a layer row no one
    can read is left out and said in ``left_out`` (:func:`load_schedules`)."""
    schedules = load_schedules(left_out=left_out)
    policies = load_policies()
    sources = {s.name: s.managed_by for s in Schedule.objects.exclude(managed_by="")}
    sources.update({p.name: p.managed_by for p in Policy.objects.exclude(managed_by="")})
    for name, managed_by in Service.objects.exclude(managed_by="").values_list(
        "name", "managed_by"
    ):
        sources[model.service_key(name)] = managed_by
    return model.Config(
        schedules=tuple(schedules.values()),
        policies=tuple(policies.values()),
        sources=sources,
        services=tuple(load_services().values()),
    )


def _conflicts(config: model.Config, viewer: Access | None) -> list[str]:
    """Objects of the config that another file manages, targets that name nothing, and steps
    that would page another team's restricted schedule."""
    problems, names = [], _names_of(config)
    for kind, table, items in (
        ("schedule", Schedule, config.schedules),
        ("policy", Policy, config.policies),
        ("service", Service, config.services),
    ):
        owners = dict(table.objects.exclude(managed_by="").values_list("name", "managed_by"))
        for item in items:
            owner, mine = owners.get(item.name, ""), _source(config, item)
            if owner and names.get(os.path.normpath(owner)) != mine:
                said = f"{kind} {item.name!r} is managed by {shown_file(owner)}"
                problems.append(f"{mine or '<input>'}: {said} — {_untangled(owner, mine)}")
    defined, gone = {s.name for s in config.schedules}, _schedules_gone(config)
    for policy in config.policies:
        where = config.sources.get(policy.name) or "<input>"
        found = targets.refusals(policy, viewer=viewer, defined=defined, gone=gone)
        problems += [f"{where}: {text}" for _, text in found]
    problems += _paged_when_gone(config, gone, viewer)
    problems += _policies_in_use(config, viewer)
    problems += _policies_moved(config, viewer)
    problems += _restricted_by_apply(config, viewer)
    policies = {p.name for p in config.policies} | set(
        Policy.objects.values_list("name", flat=True)
    )
    for service in config.services:
        if service.policy not in policies:
            problems.append(
                f"{_source(config, service) or '<input>'}: service {service.name!r} pages policy "
                f"{service.policy!r}, which does not exist — define it or fix the name"
            )
    return problems


def _untangled(owner: str, mine: str) -> str:
    """How to end a clash with the file ``owner``. One stored by its name alone that is this
    file's name may be this file, applied before from outside its directory: from there (the
    name alone again) it is one file; never taken for it unasked, which could be another."""
    fix = "remove it from that file first, or rename it here"
    if mine and shown_file(owner) == owner == ntpath.basename(mine) != mine:
        fix += (
            f" (if it is this file, applied before from outside its directory, apply it from "
            f"there as {owner}, as it was)"
        )
    return fix


def _names_of(config: model.Config) -> dict[str, str]:
    """Every name a file of ``config`` goes by (normalized), to the file: its own, and those an
    apply may have given it before (``./oncall/sre.yaml``, its absolute path:
    :attr:`~postmortems.oncall.model.Config.aliases`)."""
    found = {}
    for file in set(config.sources.values()) - {""}:
        for name in (file, *config.aliases.get(file, ())):
            found[os.path.normpath(name)] = file
    return found


def _files(config: model.Config) -> list[str]:
    """The files ``config`` was read from, and the names stored objects give the same files
    (:func:`_names_of`): what those files applied before is theirs."""
    names = _names_of(config)
    stored: set[str] = set()
    for table in (Schedule, Policy, Service):
        stored.update(table.objects.exclude(managed_by="").values_list("managed_by", flat=True))
    return sorted(set(names.values()) | {f for f in stored if os.path.normpath(f) in names})


def _schedules_gone(config: model.Config) -> set[str]:
    """The stored schedules applying ``config`` deletes (its files held them before)."""
    files = _files(config)
    rows = Schedule.objects.filter(managed_by__in=files)
    kept = {s.name for s in config.schedules}
    return set(rows.exclude(name__in=sorted(kept)).values_list("name", flat=True))


def _paged_when_gone(config: model.Config, gone: set[str], viewer: Access | None) -> list[str]:
    """The schedules applying ``config`` deletes (or renames) that a stored policy it neither
    writes nor deletes still pages: that step would page nobody."""
    if not gone:
        return []
    files = _files(config)
    written = {p.name for p in config.policies}
    deleted = Policy.objects.filter(managed_by__in=files).exclude(name__in=sorted(written))
    skip = written | set(deleted.values_list("name", flat=True))
    owners = dict(Schedule.objects.filter(name__in=sorted(gone)).values_list("name", "managed_by"))
    problems = []
    for name in sorted(gone):
        said = targets.still_paged(
            [name],
            viewer=viewer,
            how=f"no longer in {shown_file(owners[name])}, this apply would delete it",
            fix="change that step first, or keep the schedule in its file",
            skip=skip,
        )
        problems += [f"{shown_file(owners[name])}: {text}" for text in said]
    return problems


def _policies_in_use(config: model.Config, viewer: Access | None) -> list[str]:
    """The policies applying ``config`` deletes (its files held them before) that something it
    does not change still pages: a service, a routing rule, its team's alerts, a page."""
    files = _files(config)
    written = sorted(p.name for p in config.policies)
    gone = Policy.objects.filter(managed_by__in=files).exclude(name__in=written)
    if not gone.exists():
        return []
    services = {s.name for s in config.services}
    services |= set(
        Service.objects.filter(managed_by__in=files).values_list("name", flat=True)
    )  # those the files still hold are rewritten, the others deleted: either way, not left
    kept = {p.team for p in config.policies}
    problems = []
    for name, owner in gone.order_by("name").values_list("name", "managed_by"):
        change = policyuse.Change(
            [name],
            how=f"no longer in {shown_file(owner)}, this apply would delete it",
            skip=services,
            kept=kept,
            keep="keep the policy in its file",
        )
        said = policyuse.still_used(change, viewer=viewer)
        problems += [f"{shown_file(owner)}: {text}" for text in said]
    return problems


def _policies_moved(config: model.Config, viewer: Access | None) -> list[str]:
    """The stored policies applying ``config`` moves to another team (its ``team:`` changed)
    that were their team's only one, the team's alerts still routed: they would page nobody."""
    stored = dict(Policy.objects.values_list("name", "team"))
    kept = {p.team for p in config.policies}  # teams the config gives a policy
    problems = []
    for policy in config.policies:
        before = stored.get(policy.name)
        if before is None or before == policy.team:
            continue
        change = policyuse.Change(
            [policy.name], how=policyuse.moved_to(policy.team), moved=True, kept=kept
        )
        where = config.sources.get(policy.name) or "<input>"
        problems += [f"{where}: {text}" for text in policyuse.still_used(change, viewer=viewer)]
    return problems


def _restricted_by_apply(config: model.Config, viewer: Access | None) -> list[str]:
    """The steps applying ``config`` would make page a schedule restricted to another team: of
    its policies, and of stored ones paging a schedule whose team it changes (a schedule keeps
    its ``restricted`` flag where the file does not say it)."""
    stored = dict(Schedule.objects.values_list("name", "restricted"))
    schedules = {
        s.name: (stored.get(s.name, False) if s.restricted is None else s.restricted, s.team)
        for s in config.schedules
    }
    files = _files(config)
    kept = [p.name for p in config.policies]
    deleted = Policy.objects.filter(managed_by__in=files).exclude(name__in=kept)
    found = restricted.refusals(
        config.policies,
        schedules,
        viewer=viewer,
        sources=config.sources,
        deleted=set(deleted.values_list("name", flat=True)),
    )
    return restricted.texts(found)


def _source(
    config: model.Config, item: model.Schedule | model.EscalationPolicy | model.Service
) -> str:
    key = model.service_key(item.name) if isinstance(item, model.Service) else item.name
    return config.sources.get(key, "")


def teams_touched(config: model.Config) -> set[str]:
    """The teams whose objects applying ``config`` may change ('' for objects of no team):
    those it names, those of the stored objects it would update, adopt or delete, and those
    its policies page as a whole (a ``{team: X}`` target)."""
    files = _files(config)
    kinds: tuple[tuple[type[Schedule | Policy | Service], Iterable[Any]], ...] = (
        (Schedule, config.schedules),
        (Policy, config.policies),
        (Service, config.services),
    )
    teams: set[str] = set()
    for table, items in kinds:
        names = [o.name for o in items]
        teams.update(o.team for o in items)
        stored = table.objects.filter(Q(name__in=names) | Q(managed_by__in=files))
        teams.update(stored.values_list("team", flat=True))
    # A step that pages a whole team pages people of that team: it needs the admin role there too.
    teams.update(
        t.name
        for p in config.policies
        for step in p.steps
        for t in step.targets
        if t.kind == "team"
    )
    return teams


def without_accounts(config: model.Config) -> list[str]:
    """People ``config`` puts on call or pages who have no active account on this server (a
    page to them reaches nobody), each with where it names them. Files may be applied before
    the accounts are made, so this warns, it does not refuse."""
    named: dict[str, set[str]] = {}
    for schedule in config.schedules:
        for layer in schedule.layers:
            for user in layer.users:
                named.setdefault(user, set()).add(f"schedule {schedule.name}")
        for o in schedule.overrides:
            if o.kind != "remove":
                named.setdefault(o.user, set()).add(f"schedule {schedule.name}")
    for policy in config.policies:
        for step in policy.steps:
            for t in step.targets:
                if t.kind == "user":
                    named.setdefault(t.name, set()).add(f"policy {policy.name}")
    missing = without_account(named)
    return [
        f"no account {name} (in {', '.join(sorted(named[name]))}): a page to it would reach nobody"
        for name in sorted(missing)
    ]


def without_account(names: Iterable[str]) -> set[str]:
    """The user names among ``names`` that are no active account of this server."""
    wanted = {n for n in names if n}
    found = User.objects.filter(username__in=wanted, is_active=True)
    return wanted - set(found.values_list("username", flat=True))


def same_but_case(names: Iterable[str]) -> dict[str, str]:
    """Of ``names`` (no accounts), each that exactly one active account spells with other
    capitals, with that account's name (``Sam``: ``sam``): what the person most likely meant.
    User names are case-sensitive (``Sam`` and ``sam`` may be two people), so it is offered,
    never taken in its place."""
    wanted = {n.casefold(): n for n in names if n}
    if not wanted:
        return {}
    alike = Q()
    for name in wanted.values():
        alike |= Q(username__iexact=name)
    found: dict[str, list[str]] = {}
    rows = User.objects.filter(alike, is_active=True).values_list("username", flat=True)
    for name in rows:
        if name.casefold() in wanted:
            found.setdefault(wanted[name.casefold()], []).append(name)
    return {given: accounts[0] for given, accounts in found.items() if len(accounts) == 1}


def apply_config(config: model.Config, *, dry_run: bool, viewer: Access | None = None) -> list[str]:
    """Make the server match ``config``; the changes, human-readable. All or nothing.

    ``viewer``: who applies it (through the API), to whom a refusal names only what they may
    see; ``None``, the operator of ``pm oncall apply --data-dir``, who sees everything."""
    problems = _conflicts(config, viewer)
    if problems:
        said = f"{problems_of(len(problems))}; nothing was applied"
        raise StoreError("\n".join(problems), hint=said)
    with transaction.atomic():
        changes = _teams(config)
        changes += _apply_schedules(config)
        changes += _apply_policies(config)
        changes += _apply_services(config)
        if dry_run:
            transaction.set_rollback(True)
    return changes


def _teams(config: model.Config) -> list[str]:
    wanted = {s.team for s in config.schedules} | {p.team for p in config.policies}
    wanted = (wanted | {s.team for s in config.services}) - {""}
    have = set(Team.objects.filter(slug__in=sorted(wanted)).values_list("slug", flat=True))
    for slug in sorted(wanted - have):
        Team.objects.create(slug=slug, name=slug)
    return [f"create team {slug}" for slug in sorted(wanted - have)]


def _apply_schedules(config: model.Config) -> list[str]:
    files = _files(config)
    stored = {s.name: s for s in Schedule.objects.all()}
    current = load_schedules(stored.values(), files_only=True)
    changes = []
    for schedule in config.schedules:
        source = config.sources.get(schedule.name, "")
        row = stored.get(schedule.name)
        # A file that does not say keeps the stored flag (a new schedule: not restricted).
        said, kept = schedule.restricted, row is not None and row.restricted
        restricted = kept if said is None else said
        schedule = dataclasses.replace(schedule, restricted=restricted or None)
        if row is not None and _same(row, current[schedule.name], schedule, source):
            continue
        changes.append(_written("schedule", schedule.name, row, source))
        _write_schedule(row, schedule, source, restricted=restricted)
    return changes + _delete_gone("schedule", stored, {s.name for s in config.schedules}, files)


def _same(row: Schedule, stored: model.Schedule, schedule: model.Schedule, source: str) -> bool:
    """The file's ``schedule`` is what is stored: the same, from the same file, and every layer
    row read (a row no one can read, left out of ``stored``, is written again from the file)."""
    readable = row.layers.count() == len(stored.layers)
    return stored == schedule and row.managed_by == source and readable


def _write_schedule(
    row: Schedule | None, schedule: model.Schedule, source: str, *, restricted: bool
) -> None:
    """The file's schedule written over the stored one: its layers and its own overrides anew.
    The overrides made on the server (swaps, hand-offs, in the UI or before the file adopted
    the schedule) are kept, except one the file now holds itself (it took it over)."""
    if row is None:
        row = Schedule(name=schedule.name)
    row.timezone, row.team, row.managed_by = schedule.timezone, schedule.team, source
    row.restricted = restricted
    row.save()
    row.layers.all().delete()
    row.overrides.filter(from_file=True).delete()
    Layer.objects.bulk_create(
        Layer(schedule=row, position=i, **convert.layer_fields(layer))
        for i, layer in enumerate(schedule.layers)
    )
    Override.objects.bulk_create(
        Override(schedule=row, from_file=True, **convert.override_fields(o))
        for o in schedule.overrides
    )
    held = set(schedule.overrides)
    taken = [o.pk for o in row.overrides.filter(from_file=False) if convert.override_of(o) in held]
    Override.objects.filter(pk__in=taken).delete()


def _apply_policies(config: model.Config) -> list[str]:
    files = _files(config)
    stored = {p.name: p for p in Policy.objects.all()}
    current = load_policies()
    changes = []
    for policy in config.policies:
        source = config.sources.get(policy.name, "")
        row = stored.get(policy.name)
        if row is not None and current.get(policy.name) == policy and row.managed_by == source:
            continue
        changes.append(_written("policy", policy.name, row, source))
        if row is None:
            row = Policy(name=policy.name)
        row.team, row.repeat, row.managed_by = policy.team, policy.repeat, source
        row.save()
        row.steps.all().delete()
        Step.objects.bulk_create(
            Step(policy=row, position=i, **convert.step_fields(s))
            for i, s in enumerate(policy.steps)
        )
    return changes + _delete_gone("policy", stored, {p.name for p in config.policies}, files)


def _apply_services(config: model.Config) -> list[str]:
    files = _files(config)
    stored = {s.name: s for s in Service.objects.all()}
    changes = []
    for service in config.services:
        source = _source(config, service)
        row = stored.get(service.name)
        same = row is not None and (row.policy, row.team) == (service.policy, service.team)
        if same and row is not None and row.managed_by == source:
            continue
        changes.append(_written("service", service.name, row, source))
        row = row or Service(name=service.name)
        row.policy, row.team, row.managed_by = service.policy, service.team, source
        row.save()
    return changes + _delete_gone("service", stored, {s.name for s in config.services}, files)


def _written(kind: str, name: str, row: Managed | None, source: str) -> str:
    """The change line of an object about to be written: created, adopted from the UI by a
    file, or updated."""
    verb = "create" if row is None else ("adopt" if not row.managed_by else "update")
    return f"{verb} {kind} {name}" + (f" ({source})" if source else "")


def _delete_gone(
    kind: str, stored: Mapping[str, Managed], wanted: set[str], files: list[str]
) -> list[str]:
    """Delete the objects a file applied before that it no longer holds; their change lines."""
    gone = []
    for name, row in stored.items():
        if row.managed_by in files and name not in wanted:
            row.delete()
            gone.append(f"delete {kind} {name} (no longer in {row.file_shown})")
    return gone
