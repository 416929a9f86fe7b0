"""A token that changes whenever the library does: a save or a delete of a postmortem, or of a
workflow row that its page shows (an event, an action item).

Cached list pages and reader page bodies are keyed by it. Saves and deletes bump one row in the
same transaction as the change itself, so every process sees a new token exactly when it sees
the change (unlike the newest ``updated`` time, which a slower transaction can commit after a
newer one).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone

from postmortems.server.library.models import LibraryState, Postmortem

ROW = 1


def bump() -> None:
    """Move the token on: called for every save and delete of a postmortem."""
    now = timezone.now()
    if LibraryState.objects.filter(pk=ROW).update(generation=F("generation") + 1, changed=now):
        return
    try:
        with transaction.atomic():
            LibraryState.objects.create(pk=ROW, generation=1, changed=now)
    except IntegrityError:  # created by a concurrent save: bump that one
        LibraryState.objects.filter(pk=ROW).update(generation=F("generation") + 1, changed=now)


def token() -> str:
    """The current token, in one query (the row is created on first use)."""
    row = LibraryState.objects.filter(pk=ROW).values_list("generation", "changed").first()
    if row is None:
        bump()
        row = LibraryState.objects.filter(pk=ROW).values_list("generation", "changed").first()
    generation, changed = row if row is not None else (0, None)
    # The time as well: a test that rolls back its transaction reuses generation numbers.
    return f"{generation}@{changed.isoformat() if changed else ''}"


def _changed(sender: Any, **kwargs: Any) -> None:
    bump()


def follow(model: type[Model]) -> None:
    """Move the token on every save and delete of ``model`` too (cached pages show its rows)."""
    from django.db.models.signals import post_delete, post_save

    name = model._meta.label_lower
    post_save.connect(_changed, sender=model, dispatch_uid=f"library-state-save-{name}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"library-state-delete-{name}")


def connect() -> None:
    follow(Postmortem)
