"""An add or remove override replaces no one: the form let one through (a 500 on every page,
feed and command reading the schedules); such rows lose their ``replaces``, then the database
refuses new ones."""

from typing import Any

from django.db import migrations, models


def _drop_replaces(apps: Any, schema_editor: Any) -> None:
    override = apps.get_model("oncall", "Override")
    override.objects.exclude(kind="replace").exclude(replaces="").update(replaces="")


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0002_service"),
    ]

    operations = [
        migrations.RunPython(_drop_replaces, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="override",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "replace"), ("replaces", ""), _connector="OR"),
                name="replaces_only_with_replace",
            ),
        ),
    ]
