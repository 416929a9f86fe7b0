"""Keep workflow rows in step whenever a postmortem's text is saved (editor, API, import).

* Action items follow the document's task list.
* A `status:` changed by hand in the Markdown (not through a transition) is still recorded as an
  event, so the history and the metrics see every change of state.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from postmortems.server.library.models import Postmortem

_in_transition: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "in_transition", default=False
)


@contextmanager
def transition_save() -> Iterator[None]:
    """Saves inside this block are the workflow's own: it records their event itself."""
    token = _in_transition.set(True)
    try:
        yield
    finally:
        _in_transition.reset(token)


def _text_saved(kwargs: dict[str, Any]) -> bool:
    fields = kwargs.get("update_fields")
    return fields is None or "text" in fields


@receiver(pre_save, sender=Postmortem, dispatch_uid="workflow-remember-status")
def _remember_status(sender: type[Postmortem], instance: Postmortem, **kwargs: Any) -> None:
    if instance.pk is None or not _text_saved(kwargs) or _in_transition.get():
        return
    before = Postmortem.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    instance._pm_status_before = before  # type: ignore[attr-defined]


@receiver(post_save, sender=Postmortem, dispatch_uid="workflow-sync-action-items")
def _after_save(sender: type[Postmortem], instance: Postmortem, **kwargs: Any) -> None:
    if not _text_saved(kwargs):
        return
    from postmortems.server.workflow.actions import sync_from_text

    sync_from_text(instance)
    before = getattr(instance, "_pm_status_before", None)
    if before is not None and before != instance.status and not _in_transition.get():
        _record_hand_edit(instance, before)
    instance._pm_status_before = None  # type: ignore[attr-defined]


def _record_hand_edit(pm: Postmortem, before: str) -> None:
    from postmortems.server.workflow.lifecycle import state_of
    from postmortems.server.workflow.models import Event

    Event.objects.create(
        postmortem=pm,
        actor=None,
        created=timezone.now(),
        transition="edit",
        from_state=state_of(before).value,
        to_state=state_of(pm.status).value,
        note="status changed in the Markdown, outside the review workflow",
    )
