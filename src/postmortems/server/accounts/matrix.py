"""The permission table of ``docs/security.md``, computed from :mod:`access` (not written by hand).

Each row asks :class:`Access` the question a view asks, for a user whose only membership is in
the postmortem's own team, or in another team; a test fails when the document differs.
"""

from __future__ import annotations

from collections.abc import Callable

from postmortems.server.accounts.access import Access
from postmortems.server.accounts.roles import Action, Role

OWN, OTHER, STAFF = "sre", "payments", "staff"
TEAMS = frozenset({OWN})
Ask = Callable[[Access], bool]


def _pm(restricted: bool) -> object:
    from postmortems.server.library.models import Postmortem

    return Postmortem(key="PM-1", restricted=restricted)


def _can(action: Action, restricted: bool = False) -> Ask:
    return lambda a: a.can(action, _pm(restricted), TEAMS)  # type: ignore[arg-type]


def _moves(old: tuple[frozenset[str], bool] | None, new: tuple[frozenset[str], bool]) -> Ask:
    return lambda a: a.move_refusal(old, new) == ""


def _comments(a: Access) -> bool:
    return _can(Action.WRITE)(a) or a.reviews(TEAMS)


def _staff_reviews(a: Access) -> bool:
    """The same user with the reviewer role in the staff review team (``staff_review_team``)."""
    roles = (*a.team_roles, (STAFF, Role.REVIEWER))
    staff = Access(a.user_id, max(a.role, Role.REVIEWER), a.teams | {STAFF}, a.superuser, roles)
    return _can(Action.READ)(staff) and staff.reviews(TEAMS, STAFF)


ROWS: tuple[tuple[str, Ask], ...] = (
    ("read it (not restricted)", _can(Action.READ)),
    ("read it (restricted)", _can(Action.READ, restricted=True)),
    ("edit it, change its action items", _can(Action.WRITE)),
    ("delete it", _can(Action.DELETE)),
    ("comment on it", _comments),
    ("review it: approve, request changes (never one's own work)", lambda a: a.reviews(TEAMS)),
    ("review it, being a reviewer in the staff review team too", _staff_reviews),
    ("create a postmortem of the team", _moves(None, (TEAMS, False))),
    ("restrict it, or lift the restriction", _moves((TEAMS, False), (TEAMS, True))),
    ("move it to another team (`teams:`)", _moves((TEAMS, False), (frozenset({OTHER}), False))),
)
ROLES = (Role.VIEWER, Role.AUTHOR, Role.REVIEWER, Role.ADMIN)


def columns() -> list[tuple[str, Access]]:
    """(heading, who): each role in the postmortem's team and in another team; a superuser."""
    out = []
    for where, team in (("own team", OWN), ("other team", OTHER)):
        for role in ROLES:
            access = Access(1, role, frozenset({team}), False, ((team, role),))
            out.append((f"{role.label} ({where})", access))
    out.append(("superuser", Access(1, Role.ADMIN, frozenset(), True)))
    return out


def permission_table() -> str:
    """The Markdown table: one row per question, ✓ where the rules allow it."""
    cols = columns()
    lines = [
        "| a postmortem of team `sre`: may they … | " + " | ".join(h for h, _ in cols) + " |",
        "| --- |" + " :-: |" * len(cols),
    ]
    for label, ask in ROWS:
        cells = ("✓" if ask(access) else "–" for _, access in cols)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
