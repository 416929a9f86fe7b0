"""What the on-call pages do: make rotations, overrides and swaps.

Each function refuses, with :class:`OncallError` saying why and what to do instead, a change the
user may not make. A schedule kept in a YAML file keeps its rotation there (its layers change in
the file, or the two would drift), but takes overrides and swaps on the server: a hand-off is an
everyday, temporary change that must not wait for a commit. Those are stored beside the file's
own overrides (``from_file`` false), and ``pm oncall apply`` keeps them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from postmortems.errors import PostmortemsError
from postmortems.oncall import model, walltime
from postmortems.server.accounts.access import Access
from postmortems.server.oncall import queries, restricted, store
from postmortems.server.oncall.models import Layer, Override, Policy, Schedule, SwapRequest
from postmortems.server.oncall.visibility import may_edit


class OncallError(PostmortemsError):
    """An on-call change that cannot be made; ``field``: the form's field it is about (said
    beside it), when it is about one."""

    def __init__(self, message: str, *, hint: str | None = None, field: str = "") -> None:
        super().__init__(message, hint=hint)
        self.field = field


def check_editable(access: Access, schedule: Schedule) -> None:
    """The schedule's rotation (its layers) may be changed here: made in the UI, and by
    someone with the author role in its team."""
    if schedule.managed_by:
        raise OncallError(
            f"schedule {schedule.name} is managed by {schedule.file_shown}",
            hint="change its layers in that file and run `pm oncall apply`",
        )
    check_may_change(access, schedule)


def check_may_change(access: Access, schedule: Schedule) -> None:
    """The author role in the schedule's team: needed to add or remove an override, on a
    schedule made here or kept in a file alike."""
    if not may_edit(access, schedule.team):
        raise OncallError(
            f"your role cannot change schedules of team {schedule.team or '(none)'}",
            hint="ask someone with the author role in that team",
        )


def check_accounts(
    names: Iterable[str], schedule: Schedule, asker: Access, field: str = "users"
) -> None:
    """The people of a rotation, an override or a swap of ``schedule`` are accounts of this
    server: a page to a name with no account reaches nobody (said beside the form's ``field``).
    The account a name may mean is offered to ``asker`` only as :func:`may_offer` says."""
    missing = sorted(store.without_account(names))
    if not missing:
        return
    alike = store.same_but_case(missing).items()
    meant = {name: account for name, account in alike if may_offer(account, schedule, asker)}
    if len(missing) == 1 and missing[0] in meant:  # "Sam" for sam: said, never guessed
        raise OncallError(
            f"no account {missing[0]} — did you mean {meant[missing[0]]}?",
            hint="user names are case-sensitive: give it as the account writes it",
            field=field,
        )
    said = ", ".join(f"{n} (did you mean {meant[n]}?)" if n in meant else n for n in missing)
    raise OncallError(
        f"no account {said}: a page to it would reach nobody",
        hint="give user names of this server (an admin creates accounts)",
        field=field,
    )


def may_offer(account: str, schedule: Schedule, asker: Access) -> bool:
    """Whether "did you mean ``account``?" is said to ``asker`` on ``schedule``: the account
    could be put on it (it may see it: a restricted schedule's team only) and is someone the
    asker knows of: of one of the asker's teams (a superuser's account is of every team, and a
    superuser asker knows everyone), or already on the schedule's rotation, which its page
    shows. An account of a team the asker is not in is not told, on an open schedule too: its
    spelling is none of the asker's business, and a name that differs only in case there is
    more likely someone else than the person meant, who would be paged by mistake."""
    from django.contrib.auth.models import User

    from postmortems.server.accounts.access import access_of

    if not may_see(account, schedule):
        return False
    if asker.superuser or any(account in layer.users for layer in schedule.layers.all()):
        return True
    theirs = access_of(User.objects.get(username=account))
    return theirs.superuser or bool(theirs.teams & asker.teams)


def outsiders(names: Iterable[str], team: str) -> list[str]:
    """Of ``names``, the active accounts that are not of ``team`` (a superuser is of every
    team): people a schedule restricted to ``team`` may not put on call, who would read it.
    A name with no account reads nothing (:func:`check_accounts` refuses it where it must)."""
    from django.contrib.auth.models import User

    from postmortems.server.accounts.access import access_of

    return sorted(
        user.get_username()
        for user in User.objects.filter(username__in=set(names), is_active=True)
        if not ((seen := access_of(user)).superuser or team in seen.teams)
    )


def check_may_see(names: Iterable[str], schedule: Schedule, field: str = "users") -> None:
    """The people put on call on a restricted schedule are of its team, as a swap's: paged
    through it, they would read its name and its on-call's elsewhere hidden from them."""
    if not schedule.restricted:
        return
    outside = ", ".join(outsiders(names, schedule.team))
    if outside:
        raise OncallError(
            f"{outside} may not see schedule {schedule.name}",
            hint=f"put members of team {schedule.team} on it (a restricted schedule is its "
            "team's only), or add them to the team first",
            field=field,
        )


def _layer_fields(data: dict[str, Any], schedule: Schedule, asker: Access) -> dict[str, Any]:
    check_accounts(data["users"], schedule, asker)
    restrictions = []
    if data.get("from_time") is not None:  # the form asks for both hours; no day: every day
        restrictions.append(
            {
                "weekdays": sorted(int(d) for d in data.get("weekdays") or range(7)),
                "start": data["from_time"].isoformat(),
                "end": data["to_time"].isoformat(),
            }
        )
    return {
        "name": data["layer"],
        "users": list(data["users"]),
        "shift_unit": data["shift_unit"],
        "shift_count": data["shift_count"],
        "handoff": data["handoff"],
        "start": data["start"].isoformat(),
        "restrictions": restrictions,
    }


def create_schedule(access: Access, data: dict[str, Any]) -> Schedule:
    """A schedule made in the UI, with its first layer (the rotation)."""
    if not may_edit(access, data.get("team") or ""):
        raise OncallError(
            f"your role cannot make schedules of team {data.get('team') or '(none)'}",
            hint="choose a team where you have the author role",
        )
    if Schedule.objects.filter(name=data["name"]).exists():
        raise OncallError(
            f"a schedule named {data['name']} exists", hint="choose another name", field="name"
        )
    if Policy.objects.filter(name=data["name"]).exists():  # as `pm oncall check` refuses it
        raise OncallError(
            f"an escalation policy is named {data['name']}: schedules and policies have names "
            "of their own",
            hint="choose another name",
            field="name",
        )
    team, hidden = data.get("team") or "", bool(data.get("restricted"))
    if hidden and not team:
        raise OncallError(
            "a restricted schedule names its team", hint="give its team", field="team"
        )
    # A stored policy may page this name already (a schedule deleted and made again, or named
    # in the admin before it was made): restricted, it must not be another team's.
    found = restricted.refusals(schedules={data["name"]: (hidden, team)}, viewer=access)
    problems = restricted.texts(found)
    if problems:
        raise OncallError("\n".join(problems))
    with transaction.atomic():
        schedule = Schedule.objects.create(
            name=data["name"],
            timezone=data["timezone"],
            team=team,
            restricted=hidden,
        )
        Layer.objects.create(schedule=schedule, position=0, **_layer_fields(data, schedule, access))
        check_may_see(data["users"], schedule)
    return schedule


def checked_layer(
    access: Access, schedule: Schedule, data: dict[str, Any], layer: Layer | None = None
) -> dict[str, Any]:
    """The columns of a layer of ``schedule`` from :class:`LayerForm`'s data, once the checks
    of a layer added (or ``layer`` changed) pass: the schedule's rotation may be changed here
    by ``access``, the name is the layer's own, its people are accounts that may see it."""
    check_editable(access, schedule)
    same_name = schedule.layers.filter(name=data["layer"])
    if layer is not None:
        same_name = same_name.exclude(pk=layer.pk)
    if same_name.exists():  # the export must read back
        raise OncallError(
            f"schedule {schedule.name} has a layer named {data['layer']}",
            hint="give the layer a name of its own",
            field="layer",
        )
    fields = _layer_fields(data, schedule, access)  # the accounts exist
    check_may_see(data["users"], schedule)
    return fields


def add_layer(access: Access, schedule: Schedule, data: dict[str, Any]) -> Layer:
    """A new layer on top of the others (it wins where it covers)."""
    fields = checked_layer(access, schedule, data)
    top = schedule.layers.order_by("-position").values_list("position", flat=True).first()
    return Layer.objects.create(schedule=schedule, position=(top or 0) + 1, **fields)


def remove_layer(access: Access, layer: Layer) -> None:
    """Take a layer out of a rotation made here: one added by mistake (the wrong people, the
    wrong hours) would otherwise win wherever it covers until a staff user removed it in the
    admin. The last layer stays: without it, every hour of the schedule is a gap."""
    schedule = layer.schedule
    check_editable(access, schedule)
    with transaction.atomic():  # two removals at once: the second sees the first's
        Schedule.objects.select_for_update().filter(pk=schedule.pk).first()
        if not schedule.layers.exclude(pk=layer.pk).exists():
            raise OncallError(
                f"layer {layer.name} is the only layer of schedule {schedule.name}: without "
                "it, nobody would be on call",
                hint="add the layer that replaces it first, then remove this one",
            )
        schedule.layers.filter(pk=layer.pk).delete()


def add_override(
    access: Access, schedule: Schedule, data: dict[str, Any], *, made_by: str
) -> Override:
    """An override made here by ``made_by`` (on a schedule of a file too: kept beside the
    file's), from the page's form or the API (:class:`OverrideForm`'s cleaned data). One the
    same as an override of the schedule (person, kind, whom it replaces, start and end) is
    refused; one overlapping another is not (overrides apply in order: see ``Override``)."""
    check_may_change(access, schedule)
    if data["kind"] != "remove":  # taking someone off (who may have left) names no one to page
        check_accounts([data["user"]], schedule, access, field="user")
        check_may_see([data["user"]], schedule, field="user")
    fields = {
        "start": data["start"],
        "end": data["end"],
        "user": data["user"],
        "kind": data["kind"],
        "replaces": data.get("replaces") or "",
    }
    with transaction.atomic():
        Schedule.objects.select_for_update().filter(pk=schedule.pk).first()  # one at a time
        same = schedule.overrides.filter(**fields).first()
        if same is not None:
            raise OncallError(
                f"the same override exists: {describe(same)}",
                hint="change the person or the times, or keep the one there",
                field="user",
            )
        _check_changes_something(schedule, data)
        note = data.get("note") or ""
        return Override.objects.create(schedule=schedule, note=note, made_by=made_by, **fields)


def _check_changes_something(schedule: Schedule, data: dict[str, Any]) -> None:
    """An override that would be saved and change nothing is refused: one putting a person in
    their own place, or on call where they already are (alone, for one replacing everyone) the
    whole time; one replacing, or taking off, someone who is not on call then (a misspelt
    name, a wrong day): the team would think it covered."""
    user, kind = data["user"], data["kind"]
    if kind == "replace" and data.get("replaces") == user:
        raise OncallError(
            f"{user} would replace {user}: this override changes nothing",
            hint="put someone else on call, or name in Replaces the person they take over from",
            field="replaces",
        )
    alone = kind == "replace"
    if kind == "add" or (alone and not data.get("replaces")):
        _check_not_on_call_throughout(schedule, user, data["start"], data["end"], alone=alone)
    field = "user" if kind == "remove" else "replaces"
    whom = data.get(field) or ""
    if whom and data["kind"] in ("remove", "replace"):
        hint = "this override would change nothing: give a time when they are on call"
        if field == "replaces":
            hint += ", or leave Replaces empty to replace whoever is on call"
        _check_on_call(schedule, whom, data["start"], data["end"], f"{whom} is", hint, field)


def describe(override: Override, *, where: bool = True) -> str:
    """An override as the page lists it: ``carol replaces alice, Thu 5 Mar 09:00 – 18:00
    (Europe/Berlin), in oncall/sre.yaml`` (without where it is kept, unless ``where``)."""
    zone = ZoneInfo(override.schedule.timezone)
    what = {"add": "is added", "remove": "is taken off"}.get(override.kind, "replaces everyone")
    if override.replaces:
        what = f"replaces {override.replaces}"
    start = walltime.label(override.start, zone, "%a %d %b %Y %H:%M")
    end = walltime.label(override.end, zone, "%a %d %b %Y %H:%M")
    kept = "made here"
    if override.from_file:
        kept = f"in {override.schedule.file_shown}"
    elif override.schedule.managed_by:
        kept = "made here, not in the schedule's files"
    said = f"{override.user} {what}, {start} – {end} ({zone.key})"
    return f"{said}, {kept}" if where else said


def ask_swap(
    access: Access, schedule: Schedule, requester: str, data: dict[str, Any], *, now: dt.datetime
) -> SwapRequest:
    if data["responder"] == requester:
        raise OncallError("you cannot swap with yourself", hint="name the other person")
    check_accounts([data["responder"]], schedule, access, field="responder")
    _check_to_come(data["give_end"], data.get("take_end"), now)
    if not may_see(data["responder"], schedule):
        raise OncallError(
            f"{data['responder']} may not see schedule {schedule.name}",
            hint="ask someone of its team (a restricted schedule is its team's only)",
        )
    _check_on_call(schedule, requester, data["give_start"], data["give_end"], "you are")
    if data.get("take_start") and data.get("take_end"):
        who = f"{data['responder']} is"
        _check_on_call(schedule, data["responder"], data["take_start"], data["take_end"], who)
    swap = SwapRequest.objects.create(
        schedule=schedule,
        requester=requester,
        responder=data["responder"],
        give_start=data["give_start"],
        give_end=data["give_end"],
        take_start=data.get("take_start"),
        take_end=data.get("take_end"),
        note=data.get("note") or "",
        created=now,
    )
    tell(swap)
    return swap


def tell(swap: SwapRequest) -> None:
    """The person the swap now concerns hears of it by email: a task the worker runs, written
    with the swap (the database task backend), so a change rolled back tells no one. The task
    carries the news (the state now): the swap may have moved on before it runs."""
    from postmortems.server.oncall.tasks import tell_swap

    tell_swap.enqueue(swap.pk, swap.state)


def may_see(username: str, schedule: Schedule) -> bool:
    """Whether the active account ``username`` may see ``schedule``."""
    from django.contrib.auth.models import User

    from postmortems.server.accounts.access import access_of
    from postmortems.server.oncall.visibility import visible_schedules

    user = User.objects.filter(username=username, is_active=True).first()
    return user is not None and visible_schedules(access_of(user)).filter(pk=schedule.pk).exists()


def _check_to_come(give_end: dt.datetime, take_end: dt.datetime | None, now: dt.datetime) -> None:
    """A swap trades shifts to come: one that is over would rewrite who was on call."""
    if give_end <= now or (take_end is not None and take_end <= now):
        raise OncallError(
            "that shift is over: a swap trades shifts to come (who was on call stays as it was)",
            hint="give a shift that has not ended yet",
        )


SWAP_HINT = "a swap trades shifts: give one of yours, take one of theirs (or ask for an override)"


def _check_on_call(
    schedule: Schedule,
    user: str,
    start: dt.datetime,
    end: dt.datetime,
    who: str,
    hint: str = SWAP_HINT,
    field: str = "",
) -> None:
    """``user`` is on call at some time from start to end: a swap trades shifts people have,
    and an override replacing (or taking off) someone who is not on call changes nothing."""
    if not any(user in shift.users for shift in queries.shifts(schedule, start, end)):
        zone, day = ZoneInfo(schedule.timezone), "%Y-%m-%d %H:%M"
        span = f"{walltime.label(start, zone, day)} to {walltime.label(end, zone, day)}"
        raise OncallError(
            f"{who} not on call on {schedule.name} from {span}", hint=hint, field=field
        )


def _check_not_on_call_throughout(
    schedule: Schedule, user: str, start: dt.datetime, end: dt.datetime, *, alone: bool
) -> None:
    """Refuse to put ``user`` on call from ``start`` to ``end`` when they are already, without a
    break (``alone``: with no one beside them, as an override replacing everyone leaves them)."""
    reached = start
    for shift in queries.shifts(schedule, start, end):
        if shift.start > reached or user not in shift.users or (alone and len(shift.users) > 1):
            return
        reached = max(reached, shift.end)
    if reached < end:
        return
    zone, day = ZoneInfo(schedule.timezone), "%a %d %b %Y %H:%M"
    span = f"{walltime.label(start, zone, day)} – {walltime.label(end, zone, day)} ({zone.key})"
    what = "alone " if alone else ""
    raise OncallError(
        f"{user} is already on call {what}on {schedule.name} the whole time, {span}: this "
        "override changes nothing",
        hint="put someone else on call then, or give a time when they are not",
        field="user",
    )


def answer_swap(swap: SwapRequest, username: str, *, accept: bool, now: dt.datetime) -> None:
    """The responder accepts (the pair of overrides is made) or declines; the requester may
    cancel. Each swap is answered once."""
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update().select_related("schedule").get(pk=swap.pk)
        if swap.state != SwapRequest.State.ASKED:
            raise OncallError(f"this swap was already {swap.state}", hint="ask for a new one")
        if username == swap.requester and not accept:  # not an answer: ``decided`` stays empty
            swap.state = SwapRequest.State.CANCELLED
            swap.cancelled_by, swap.cancelled_at = username, now
        elif username != swap.responder:
            raise OncallError("only the person asked may answer", hint=f"ask {swap.responder}")
        elif not accept:
            swap.state = SwapRequest.State.DECLINED
        else:
            _check_to_come(swap.give_end, swap.take_end, now)  # answered after it ended
            _overrides_of(swap, now)  # made on the server (by the one who accepts), a file's too
            swap.state = SwapRequest.State.ACCEPTED
        if swap.state != SwapRequest.State.CANCELLED:
            swap.decided = now
        swap.save(update_fields=["state", "decided", "cancelled_by", "cancelled_at"])
        tell(swap)


def _overrides_of(swap: SwapRequest, now: dt.datetime) -> None:
    """The pair of overrides of an accepted swap, from now on: a shift under way is traded for
    what is left of it (who was on call until now stays as it was)."""
    note = f"swap {swap.pk}: {swap.requester} ↔ {swap.responder}"
    give = model.Shift(max(swap.give_start, now), swap.give_end, (swap.requester,))
    take = (
        model.Shift(max(swap.take_start, now), swap.take_end, (swap.responder,))
        if swap.take_start and swap.take_end
        else None
    )
    pair = model.swap(give, swap.requester, take or give, swap.responder)
    for o in pair if take else pair[:1]:
        Override.objects.create(
            schedule=swap.schedule,
            start=o.start,
            end=o.end,
            user=o.user,
            replaces=o.replaces or "",
            kind=o.kind,
            note=note,
            made_by=swap.responder,
            swap=swap,
        )
