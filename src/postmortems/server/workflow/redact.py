"""Restricted postmortems do not leak through notifications.

Emails go only to people who may see the postmortem (an action item's owner outside its teams
gets none, and ``pm remind`` sends them nothing either); webhook posts, which land in shared
channels, name no restricted postmortem: no title, no id, no text, only a link to the library.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.roles import Action
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import webhooks

RESTRICTED_TEXT = "A restricted postmortem changed ({event}): open the library to see it."


def may_see(pm: Postmortem | None, users: Iterable[Any]) -> list[Any]:
    """The users who may read ``pm`` (everyone, for a notification about no postmortem)."""
    if pm is None:
        return list(users)
    return [u for u in users if access_of(u).can(Action.READ, pm)]


def channel_body(
    pm: Postmortem | None, text: str, url: str, event: str, library_url: str
) -> dict[str, Any]:
    """The webhook body: as is for an ordinary postmortem, without any detail for a restricted."""
    if pm is not None and pm.restricted:
        return webhooks.slack_body(RESTRICTED_TEXT.format(event=event), library_url, event, "")
    return webhooks.slack_body(text, url, event, pm.key if pm is not None else "")
