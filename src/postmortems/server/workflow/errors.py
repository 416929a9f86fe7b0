"""The errors the workflow raises; views turn them into a message, commands into an exit code."""

from __future__ import annotations

from postmortems.errors import PostmortemsError


class WorkflowError(PostmortemsError):
    """A transition, review step or action-item edit that is not allowed now."""


class RoleRefused(WorkflowError):
    """A review step the user's role never allows them (a viewer's approval): HTTP 403, the
    page and the API saying which role it needs. A step refused for the postmortem's state, or
    because a reviewer was not asked, stays a :class:`WorkflowError` (409)."""
