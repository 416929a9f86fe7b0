"""Acknowledged repeats recorded before the history counted restricted postmortems instead of
naming them: their notes named every repeat the reviewer could see, for every reader to read."""

from __future__ import annotations

from typing import Any

from django.db import migrations

PREFIX = "acknowledged a repeat of "


def parts(described: str, keys: set[str]) -> list[str]:
    """``"PM-7 (Title): 2 open action items; PM-9 (…): 1 open action item"`` in its parts: a part
    starts with the key of a postmortem and " (" (a title may hold "; " too)."""
    found: list[str] = []
    for piece in described.split("; "):
        if found and piece.split(" (", 1)[0] not in keys:
            found[-1] += "; " + piece
        else:
            found.append(piece)
    return found


def count_restricted(apps: Any, schema_editor: Any) -> None:
    from postmortems.server.workflow.repeats import Repeat, public_note

    event = apps.get_model("workflow", "Event")
    postmortem = apps.get_model("library", "Postmortem")
    restricted = dict(postmortem.objects.values_list("key", "restricted"))
    for row in event.objects.filter(transition="acknowledge-repeat", note__startswith=PREFIX):
        described = parts(row.note.removeprefix(PREFIX), set(restricted))
        found = [
            Repeat(p, restricted=restricted.get(p.split(" (", 1)[0], False)) for p in described
        ]
        note = public_note(found)
        if note != row.note:
            event.objects.filter(pk=row.pk).update(note=note)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_action_items_of_existing_postmortems"),
        ("library", "0006_search_inline_tsvector"),
    ]

    operations = [migrations.RunPython(count_restricted, migrations.RunPython.noop)]
