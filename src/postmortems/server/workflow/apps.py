from __future__ import annotations

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "postmortems.server.workflow"
    label = "workflow"
    verbose_name = "Review workflow"

    def ready(self) -> None:
        # Every save of a postmortem's Markdown (editor, API, import) refreshes its action items.
        # A postmortem page shows its events and action items: cached page bodies follow them.
        from postmortems.server.library import state
        from postmortems.server.workflow import signals  # noqa: F401
        from postmortems.server.workflow.models import ActionItem, Event

        state.follow(ActionItem)
        state.follow(Event)
