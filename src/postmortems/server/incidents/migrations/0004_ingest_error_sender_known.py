"""Refusals kept apart by whether the sender was known; those recorded before, with a wrong
secret (401) or an oversized body (413, checked before the sender then), were not."""

from typing import Any

from django.db import migrations, models


def mark_before_sender(apps: Any, schema_editor: Any) -> None:
    apps.get_model("incidents", "IngestError").objects.filter(status__in=(401, 413)).update(
        sender_known=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_severity_change_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="ingesterror",
            name="sender_known",
            field=models.BooleanField(
                default=True, help_text="False: refused before the sender proved who it is."
            ),
        ),
        migrations.RunPython(mark_before_sender, migrations.RunPython.noop),
    ]
