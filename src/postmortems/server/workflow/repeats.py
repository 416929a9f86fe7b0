"""Never fail twice: approving a repeat of an earlier incident whose corrective items are open.

Which earlier postmortems a postmortem repeats is another app's question (the insights app's
similar incidents), named in ``settings.PM_REPEAT_CHECK``: a function ``(postmortem, user,
today) -> [Repeat]`` that only describes postmortems ``user`` may see. The workflow asks it
before an approval, refuses the approval until the reviewer acknowledges the repeat, and records
the acknowledgement as an event of the postmortem's history and as a :class:`Recurrence`, so the
earlier postmortem's page says it happened again. A reviewer who reads the match
otherwise marks it "not a repeat" (:func:`dismiss`): it is asked about no more, and the history
says who decided. A reviewer who reads it again may take that back (:func:`take_back`): the
match is flagged again, and the history says that too. Everyone who reads the postmortem reads
that history, so it names only the repeats that are not restricted: a restricted one the
reviewer may see is counted there, not named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from postmortems.server.accounts.access import access_of
from postmortems.server.library.models import Postmortem
from postmortems.server.library.queries import visible
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import Event, NotARepeat, Recurrence

ACKNOWLEDGE = "acknowledge-repeat"
NOT_A_REPEAT = "not-a-repeat"
REPEAT_AFTER_ALL = "repeat-after-all"  # a "not a repeat" taken back


@dataclass(frozen=True, slots=True)
class Repeat:
    """An earlier postmortem that is repeated, described for the reviewer (who may see it):
    ``key`` and ``title`` name it (the panel links it), ``open_items`` its open action items."""

    description: str
    restricted: bool = False
    key: str = ""
    title: str = ""
    open_items: int = 0

    def __str__(self) -> str:
        return self.description


Check = Callable[[Postmortem, Any, dt.date], list[Repeat]]


@cache
def _check(path: str) -> Check | None:
    return import_string(path) if path else None


def _flagged(pm: Postmortem, user: Any, today: dt.date) -> list[Repeat]:
    """What the check finds, "not a repeat" or not."""
    found = _check(str(getattr(settings, "PM_REPEAT_CHECK", "")))
    return found(pm, user, today) if found is not None else []


def _marks(pm: Postmortem) -> dict[str, str]:
    """The keys marked "not a repeat" of ``pm``, each with who marked it ("" when unknown)."""
    rows = NotARepeat.objects.filter(postmortem=pm).values_list("earlier__key", "actor__username")
    return {key: who or "" for key, who in rows}


@dataclass(frozen=True, slots=True)
class Marked:
    """A match the check still flags that a reviewer (``by``) marked "not a repeat"."""

    repeat: Repeat
    by: str = ""


def review(pm: Postmortem, user: Any, today: dt.date) -> tuple[list[Repeat], list[Marked]]:
    """What the check flags for ``user`` (so only postmortems they may see), in two: the repeats
    an approval asks to acknowledge, and those marked "not a repeat", which may be taken back."""
    found = _flagged(pm, user, today)
    marks = _marks(pm) if found else {}
    asked = [r for r in found if r.key not in marks]
    return asked, [Marked(r, marks[r.key]) for r in found if r.key in marks]


def check(pm: Postmortem, user: Any, today: dt.date) -> list[Repeat]:
    """The earlier postmortems ``pm`` repeats whose corrective items are open (described),
    less those a reviewer marked "not a repeat"."""
    return review(pm, user, today)[0]


def marked(pm: Postmortem, user: Any, today: dt.date) -> list[Marked]:
    """The matches of ``pm`` marked "not a repeat" that the check still flags for ``user``."""
    return review(pm, user, today)[1]


def public_note(repeats: list[Repeat]) -> str:
    """What the history says of an acknowledged repeat: the restricted ones counted, not named."""
    named = [r.description for r in repeats if not r.restricted]
    hidden = len(repeats) - len(named)
    if hidden:
        named.append(f"{hidden} restricted postmortem{'s' * (hidden != 1)}")
    return "acknowledged a repeat of " + "; ".join(named)


def record(pm: Postmortem, user: Any, state: str, repeats: list[Repeat], now: dt.datetime) -> Event:
    """The reviewer's acknowledgement, in the postmortem's history (read by all its readers), and
    on each earlier postmortem, whose page then says it happened again."""
    person = user if getattr(user, "is_authenticated", False) else None
    earlier = Postmortem.objects.filter(key__in=[r.key for r in repeats if r.key])
    Recurrence.objects.bulk_create(
        [Recurrence(postmortem=pm, earlier=e, actor=person, created=now) for e in earlier],
        ignore_conflicts=True,  # acknowledged before (approved again after a new round)
    )
    return Event.in_place(pm, user, now, ACKNOWLEDGE, state, public_note(repeats))


@dataclass(frozen=True, slots=True)
class Recurred:
    """A later postmortem acknowledged as a repeat of the one shown, when and by whom."""

    key: str
    title: str
    when: dt.datetime
    by: str


def recurrences(pm: Postmortem, user: Any) -> list[Recurred]:
    """The later postmortems acknowledged as repeats of ``pm`` that ``user`` may read, oldest
    first (one query; a later one ``user`` may not read is not named, nor counted)."""
    rows = (
        Recurrence.objects.filter(earlier=pm)
        .filter(postmortem__in=visible(access_of(user)))
        .order_by("created", "pk")
        .values_list("postmortem__key", "postmortem__title", "created", "actor__username")
    )
    return [Recurred(key, title, when, by or "") for key, title, when, by in rows]


def named(repeat: Repeat) -> str:
    """How the history (read by all the postmortem's readers) names one earlier postmortem."""
    return "a restricted postmortem" if repeat.restricted else repeat.description


def dismiss(pm: Postmortem, user: Any, key: str, state: str, now: dt.datetime) -> Event | None:
    """``user`` marks the flagged repeat of ``key`` "not a repeat"; the caller checked that they
    may approve ``pm``. Only a match the check flags for ``user`` may be marked: a key they may
    not see is refused as any other that is not flagged, naming nothing."""
    found = next((r for r in check(pm, user, now.date()) if r.key == key), None)
    earlier = Postmortem.objects.filter(key=key).first() if found is not None else None
    if found is None or earlier is None:
        raise WorkflowError(
            f"{key} is not flagged as an earlier incident {pm.key} repeats",
            hint="reload the page: the list of repeats may have changed",
        )
    person = user if getattr(user, "is_authenticated", False) else None
    _, created = NotARepeat.objects.get_or_create(
        postmortem=pm, earlier=earlier, defaults={"actor": person, "created": now}
    )
    if not created:  # another reviewer's click came first, and its event says so
        return None
    # An acknowledgement by an earlier approval is taken back: the earlier one no longer says
    # it happened again.
    Recurrence.objects.filter(postmortem=pm, earlier=earlier).delete()
    return Event.in_place(pm, user, now, NOT_A_REPEAT, state, f"not a repeat of {named(found)}")


def take_back(pm: Postmortem, user: Any, key: str, state: str, now: dt.datetime) -> Event | None:
    """``user`` takes back the "not a repeat" of ``key``: the approval asks to acknowledge it
    again. The caller checked that they may approve ``pm``. Only a mark on a match the check
    flags for ``user`` is taken back: a key they may not see is refused as any other that is
    not marked, naming nothing."""
    found = next((m.repeat for m in marked(pm, user, now.date()) if m.repeat.key == key), None)
    if found is None:
        raise WorkflowError(
            f"{key} is not marked as an earlier incident {pm.key} does not repeat",
            hint="reload the page: the list of repeats may have changed",
        )
    taken, _ = NotARepeat.objects.filter(postmortem=pm, earlier__key=key).delete()
    if not taken:  # another reviewer's click came first, and its event says so
        return None
    note = f"flagged again as a repeat of {named(found)}"
    return Event.in_place(pm, user, now, REPEAT_AFTER_ALL, state, note)
