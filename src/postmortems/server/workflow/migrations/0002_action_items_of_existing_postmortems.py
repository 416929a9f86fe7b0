"""Action items for postmortems saved before the workflow app existed (later saves keep them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone


def create_items(apps: Any, schema_editor: Any) -> None:
    from postmortems.document import parse
    from postmortems.errors import PostmortemsError
    from postmortems.server.workflow.sync import kind_of

    postmortem = apps.get_model("library", "Postmortem")
    action_item = apps.get_model("workflow", "ActionItem")
    now = timezone.now()
    for pm in postmortem.objects.exclude(pk__in=action_item.objects.values("postmortem_id")):
        try:
            doc = parse(pm.text, pm.source_name or f"{pm.key}.md")
        except PostmortemsError:
            continue
        action_item.objects.bulk_create(
            action_item(
                postmortem_id=pm.pk,
                position=i,
                line=item.line,
                text=item.text,
                kind=kind_of(item.text),
                owner=item.owner or "",
                due=item.due,
                status="done" if item.done else "open",
                created=now,
                closed=now if item.done else None,
            )
            for i, item in enumerate(doc.action_items)
        )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial"), ("library", "0001_initial")]

    operations = [migrations.RunPython(create_items, migrations.RunPython.noop)]
