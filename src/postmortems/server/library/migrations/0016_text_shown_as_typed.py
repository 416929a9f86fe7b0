"""What an author typed shows as typed: the renderer no longer turns quotes into curly ones,
``--`` into a dash, ``(c)`` into ©, ``...`` into an ellipsis (``alert('t')`` showed as
``alert(‘t’)``, ``a -- b`` as ``a – b``).

A postmortem's page is rendered once and stored (``page_cache``); the pages stored before would
show the rewritten text until their next save. Every one is rendered again when next read:
almost every text holds a quote or an apostrophe.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    postmortem = apps.get_model("library", "Postmortem")
    postmortem.objects.exclude(rendered_version=0).update(rendered_version=0)


class Migration(migrations.Migration):
    dependencies = [("library", "0015_service_labels")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
