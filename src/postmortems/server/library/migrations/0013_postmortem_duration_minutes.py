"""A postmortem's duration as the card reads it (:func:`postmortems.document.outage.outage_window`),
so that the library's list, the API and the card agree: an end before the start has none, an end
read across midnight is the next day's, and times in a zone nobody knows still have their length.
The stored pages are rendered again when next read, so their cards say it as well.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def forwards(apps: Any, schema_editor: Any) -> None:
    from postmortems.document import parse
    from postmortems.document.outage import outage_window
    from postmortems.errors import PostmortemsError

    postmortem = apps.get_model("library", "Postmortem")
    for pm in postmortem.objects.only("pk", "key", "text", "source_name").iterator(200):
        try:
            doc = parse(pm.text, pm.source_name or f"{pm.key}.md")
        except PostmortemsError:
            continue  # unreadable by this parser: no duration, as a save would store
        minutes = outage_window(doc).duration_minutes
        # the card reads the window so too: its stored page is rendered again when next read
        postmortem.objects.filter(pk=pm.pk).update(duration_minutes=minutes, rendered_version=0)


DURATION = models.IntegerField(
    blank=True, help_text="How long the outage lasted, as the card reads it.", null=True
)


class Migration(migrations.Migration):
    dependencies = [("library", "0012_link_targets_out_of_search")]
    operations = [
        migrations.AddField("postmortem", "duration_minutes", DURATION),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
