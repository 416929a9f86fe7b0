"""Roles, in increasing order of power, and what each one may do."""

from __future__ import annotations

import enum


class Role(enum.IntEnum):
    """A member's role in a team. A user's role is the highest over their teams."""

    NONE = 0
    VIEWER = 10  # reads what is visible to them
    AUTHOR = 20  # writes and edits postmortems
    REVIEWER = 30  # an author who also reviews
    ADMIN = 40  # everything, including deleting

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Role:
        try:
            return cls[label.upper()]
        except KeyError:
            raise ValueError(
                f"unknown role {label!r}: use one of viewer, author, reviewer, admin"
            ) from None


class Action(enum.Enum):
    READ = Role.VIEWER
    WRITE = Role.AUTHOR
    DELETE = Role.ADMIN

    @property
    def needs(self) -> Role:
        return Role(self.value)


ROLE_CHOICES = [(r.label, r.label) for r in Role if r is not Role.NONE]
