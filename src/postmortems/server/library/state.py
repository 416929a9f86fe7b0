"""A token that changes whenever the library does: a save or a delete of a postmortem.

Cached list pages are keyed by it. :mod:`store` bumps one row in the same transaction as the
save or delete itself, so every process sees a new token exactly when it sees the change (unlike
the newest ``updated`` time, which a slower transaction can commit after a newer one).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from postmortems.server.library.models import LibraryState

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
