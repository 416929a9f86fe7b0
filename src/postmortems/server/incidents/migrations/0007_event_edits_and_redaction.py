import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_alert_dismissal"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="edited_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="edited_by",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="event",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="redacted_by",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="event",
            name="redaction_reason",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.CreateModel(
            name="EventVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("at", models.DateTimeField(help_text="The entry's time in this version.")),
                (
                    "by",
                    models.CharField(
                        blank=True, help_text="Who wrote this version.", max_length=200
                    ),
                ),
                ("written", models.DateTimeField(help_text="When this version was written.")),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="incidents.event",
                    ),
                ),
            ],
            options={
                "ordering": ["written", "id"],
            },
        ),
    ]
