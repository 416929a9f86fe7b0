"""Never fail twice: approving a repeat of an earlier incident whose corrective items are open.

Which earlier postmortems a postmortem repeats is another app's question (the insights app's
similar incidents), named in ``settings.PM_REPEAT_CHECK``: a function ``(postmortem, user,
today) -> [Repeat]`` that only describes postmortems ``user`` may see. The workflow asks it
before an approval, refuses the approval until the reviewer acknowledges the repeat, and records
the acknowledgement as an event of the postmortem's history. Everyone who reads the postmortem
reads that history, so it names only the repeats that are not restricted: a restricted one the
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

from postmortems.server.library.models import Postmortem
from postmortems.server.workflow.models import Event

ACKNOWLEDGE = "acknowledge-repeat"


@dataclass(frozen=True, slots=True)
class Repeat:
    """An earlier postmortem that is repeated, described for the reviewer (who may see it)."""

    description: str
    restricted: bool = False

    def __str__(self) -> str:
        return self.description


Check = Callable[[Postmortem, Any, dt.date], list[Repeat]]


@cache
def _check(path: str) -> Check | None:
    return import_string(path) if path else None


def check(pm: Postmortem, user: Any, today: dt.date) -> list[Repeat]:
    """The earlier postmortems ``pm`` repeats whose corrective items are open (described)."""
    found = _check(str(getattr(settings, "PM_REPEAT_CHECK", "")))
    return found(pm, user, today) if found is not None else []


def public_note(repeats: list[Repeat]) -> str:
    """What the history says of an acknowledged repeat: the restricted ones counted, not named."""
    named = [r.description for r in repeats if not r.restricted]
    hidden = len(repeats) - len(named)
    if hidden:
        named.append(f"{hidden} restricted postmortem{'s' * (hidden != 1)}")
    return "acknowledged a repeat of " + "; ".join(named)


def record(pm: Postmortem, user: Any, state: str, repeats: list[Repeat], now: dt.datetime) -> Event:
    """The reviewer's acknowledgement, in the postmortem's history (read by all its readers)."""
    return Event.in_place(pm, user, now, ACKNOWLEDGE, state, public_note(repeats))
