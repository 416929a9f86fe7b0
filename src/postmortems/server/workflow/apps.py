from __future__ import annotations

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "postmortems.server.workflow"
    label = "workflow"
    verbose_name = "Review workflow"

    def ready(self) -> None:
        """Take part in every save of the library: the review gate and the action items."""
        from postmortems.server.library import hooks
        from postmortems.server.workflow.hooks import WorkflowSaveHooks

        hooks.register(WorkflowSaveHooks())
