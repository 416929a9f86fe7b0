"""The card's incident key marked for a link (front matter ``incident:``).

A postmortem's page is rendered once and stored (``page_cache``); the pages stored before the
card marked the key would show it unlinked until their next save. Those whose text names an
incident are rendered again when next read.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    postmortem = apps.get_model("library", "Postmortem")
    postmortem.objects.filter(text__contains="incident:").update(rendered_version=0)


class Migration(migrations.Migration):
    dependencies = [("library", "0013_postmortem_duration_minutes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
