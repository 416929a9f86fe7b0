from django.db import migrations, models


class Migration(migrations.Migration):
    """An alert that resolved and comes back firing with the same start fires again: how many
    times it fired numbers its timeline entries (docs/incidents.md, "Prometheus Alertmanager")."""

    dependencies = [
        ("incidents", "0011_entry_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="firings",
            field=models.PositiveIntegerField(default=1),
        ),
    ]
