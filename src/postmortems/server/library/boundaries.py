"""Teams are boundaries: a save may not move a postmortem where the user has no rights.

The save path (:mod:`store`) calls :func:`check_move` with the teams and restriction before and
after; the rule itself is :meth:`Access.move_refusal`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import access_of

Place = tuple[frozenset[str], bool]


class NotAllowed(PostmortemsError):
    """The user may not give a postmortem these teams or this restriction (HTTP 403)."""


def place(labels: Iterable[tuple[str, str]], restricted: bool) -> Place:
    """(teams, restricted) from a postmortem's (kind, value) labels."""
    return frozenset(v for k, v in labels if k == "teams"), bool(restricted)


def check_move(user: Any, old: Place | None, new: Place) -> None:
    """Raise :class:`NotAllowed` unless ``user`` may save from ``old`` (None: new) to ``new``.

    Without a signed-in user (``pm import``, an operator's tool) nothing is checked.
    """
    if user is None or not getattr(user, "is_authenticated", False) or old == new:
        return
    why = access_of(user).move_refusal(old, new)
    if why:
        needs = "an administrator of that team" if "admin role" in why else "an author of that team"
        raise NotAllowed(why, hint=f"ask {needs}, or a superuser")
