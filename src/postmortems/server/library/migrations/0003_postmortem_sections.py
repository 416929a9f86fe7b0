"""Section titles stored at save (the review panel offers them), filled in for existing rows."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill_sections(apps: Any, schema_editor: Any) -> None:
    from postmortems.document import parse
    from postmortems.errors import PostmortemsError

    postmortem = apps.get_model("library", "Postmortem")
    for pm in postmortem.objects.only("pk", "key", "text", "source_name").iterator():
        try:
            doc = parse(pm.text, pm.source_name or f"{pm.key}.md")
        except PostmortemsError:
            continue
        titles = "\n".join(s.title for s in doc.sections if s.title)
        postmortem.objects.filter(pk=pm.pk).update(sections=titles)


class Migration(migrations.Migration):
    dependencies = [("library", "0002_library_state")]

    operations = [
        migrations.AddField(
            model_name="postmortem",
            name="sections",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_sections, migrations.RunPython.noop),
    ]
