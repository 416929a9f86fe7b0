from django.db import migrations, models


class Migration(migrations.Migration):
    """An alert sent firing again with its start after its incident ended is a new row of that
    firing (one firing more), routed as a new alert (docs/incidents.md, "Prometheus
    Alertmanager"): a firing is one row per start and number of firings."""

    dependencies = [
        ("incidents", "0012_alert_firings"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="alert",
            name="one_alert_per_firing",
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                fields=("integration", "fingerprint", "starts_at", "firings"),
                name="one_alert_per_firing",
            ),
        ),
    ]
