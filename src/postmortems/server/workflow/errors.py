"""The one error the workflow raises; views turn it into a message, commands into an exit code."""

from __future__ import annotations

from postmortems.errors import PostmortemsError


class WorkflowError(PostmortemsError):
    """A transition, review step or action-item edit that is not allowed now."""
