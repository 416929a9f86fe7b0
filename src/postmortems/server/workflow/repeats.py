"""Never fail twice: approving a repeat of an earlier incident whose corrective items are open.

Which earlier postmortems a postmortem repeats is another app's question (the insights app's
similar incidents), named in ``settings.PM_REPEAT_CHECK``: a function ``(postmortem, user,
today) -> [description]`` that only describes postmortems ``user`` may see. The workflow asks it
before an approval, refuses the approval until the reviewer acknowledges the repeat, and records
the acknowledgement as an event of the postmortem's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from postmortems.server.library.models import Postmortem
from postmortems.server.workflow.models import Event

ACKNOWLEDGE = "acknowledge-repeat"
Check = Callable[[Postmortem, Any, dt.date], list[str]]


@cache
def _check(path: str) -> Check | None:
    return import_string(path) if path else None


def check(pm: Postmortem, user: Any, today: dt.date) -> list[str]:
    """The earlier postmortems ``pm`` repeats whose corrective items are open (described)."""
    found = _check(str(getattr(settings, "PM_REPEAT_CHECK", "")))
    return found(pm, user, today) if found is not None else []


def record(pm: Postmortem, user: Any, state: str, repeats: list[str], now: dt.datetime) -> Event:
    """The reviewer's acknowledgement, in the postmortem's history."""
    return Event.objects.create(
        postmortem=pm,
        actor=user if getattr(user, "is_authenticated", False) else None,
        created=now,
        transition=ACKNOWLEDGE,
        from_state=state,
        to_state=state,
        note="acknowledged a repeat of " + "; ".join(repeats),
    )
