"""The list fields' values on the postmortem row, filled in from the Label rows."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def fill_label_values(apps: Any, schema_editor: Any) -> None:
    postmortem = apps.get_model("library", "Postmortem")
    label = apps.get_model("library", "Label")
    found: dict[int, dict[str, list[str]]] = {}
    for pm_id, kind, value in label.objects.order_by("id").values_list(
        "postmortem_id", "kind", "value"
    ):
        found.setdefault(pm_id, {}).setdefault(kind, []).append(value)
    for pm_id, values in found.items():
        postmortem.objects.filter(pk=pm_id).update(label_values=values)


class Migration(migrations.Migration):
    dependencies = [("library", "0003_postmortem_sections")]

    operations = [
        migrations.AddField(
            model_name="postmortem",
            name="label_values",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(fill_label_values, migrations.RunPython.noop),
    ]
