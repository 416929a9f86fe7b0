"""An override on a schedule kept in a YAML file may be made on the server (a swap, a hand-off):
``from_file`` tells the file's overrides (which `pm oncall apply` writes anew) from those it
keeps. The overrides stored so far on a schedule of a file came from that file."""

from typing import Any

from django.db import migrations, models


def mark_the_files_overrides(apps: Any, schema_editor: Any) -> None:
    Override = apps.get_model("oncall", "Override")
    Override.objects.exclude(schedule__managed_by="").update(from_file=True)


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0005_page_by_hand_and_why_it_stopped"),
    ]

    operations = [
        migrations.AddField(
            model_name="override",
            name="from_file",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Written by `pm oncall apply` from the schedule's file; else made here.",
            ),
        ),
        migrations.AlterModelOptions(
            name="override",
            options={"ordering": ["schedule", "start", "-from_file", "id"]},
        ),
        migrations.RunPython(mark_the_files_overrides, migrations.RunPython.noop),
    ]
