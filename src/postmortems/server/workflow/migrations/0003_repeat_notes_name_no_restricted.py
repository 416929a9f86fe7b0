"""Acknowledged repeats recorded before the history counted restricted postmortems instead of
naming them: their notes named every repeat the reviewer could see, for every reader to read."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

PREFIX = "acknowledged a repeat of "


KEY = re.compile(r"[^\s;]+ \(")  # a part starts with a key and " ("


def parts(described: str) -> list[str]:
    """``"PM-7 (Title): 2 open action items; PM-9 (…): 1 open action item"`` in its parts. A
    title holding "; word (" splits too: that piece then names no public postmortem and is
    counted, never shown (safe, if the count is then one too high)."""
    found: list[str] = []
    for piece in described.split("; "):
        if found and not KEY.match(piece):
            found[-1] += "; " + piece
        else:
            found.append(piece)
    return found


def count_restricted(apps: Any, schema_editor: Any) -> None:
    from postmortems.server.workflow.repeats import Repeat, public_note

    event = apps.get_model("workflow", "Event")
    postmortem = apps.get_model("library", "Postmortem")
    # Named only when it is still there and public: a deleted one may have been restricted.
    public = set(postmortem.objects.filter(restricted=False).values_list("key", flat=True))
    for row in event.objects.filter(transition="acknowledge-repeat", note__startswith=PREFIX):
        described = parts(row.note.removeprefix(PREFIX))
        found = [Repeat(p, restricted=p.split(" (", 1)[0] not in public) for p in described]
        note = public_note(found)
        if note != row.note:
            event.objects.filter(pk=row.pk).update(note=note)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_action_items_of_existing_postmortems"),
        ("library", "0006_search_inline_tsvector"),
    ]

    operations = [migrations.RunPython(count_restricted, migrations.RunPython.noop)]
