from __future__ import annotations

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "postmortems.server.workflow"
    label = "workflow"
    verbose_name = "Review workflow"
