"""Keep action items in step with the Markdown whenever a postmortem's text is saved."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from postmortems.server.library.models import Postmortem


@receiver(post_save, sender=Postmortem, dispatch_uid="workflow-sync-action-items")
def _sync_items(sender: type[Postmortem], instance: Postmortem, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and "text" not in fields:
        return
    from postmortems.server.workflow.actions import sync_from_text

    sync_from_text(instance)
