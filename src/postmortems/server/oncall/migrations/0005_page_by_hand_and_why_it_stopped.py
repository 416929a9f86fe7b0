"""Pages of one person or schedule by hand (``targets``, ``team``, ``opened_by``), and why a page
stopped unacknowledged (``stopped``; the state ``cancelled``: its incident was cancelled or marked
a duplicate)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0004_layer_restrictions_may_be_empty"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="page",
            name="opened_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="page",
            name="stopped",
            field=models.CharField(
                blank=True,
                help_text="Why paging stopped unacknowledged ('' : it did not).",
                max_length=300,
            ),
        ),
        migrations.AddField(
            model_name="page",
            name="targets",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='A page by hand: [{"kind": "user|schedule", "name": …}]; empty: the policy.',
            ),
        ),
        migrations.AddField(
            model_name="page",
            name="team",
            field=models.CharField(
                blank=True,
                help_text="A page by hand of a restricted schedule: its team, the only one that sees it.",
                max_length=64,
            ),
        ),
        migrations.AlterField(
            model_name="page",
            name="state",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("acknowledged", "Acknowledged"),
                    ("exhausted", "Exhausted"),
                    ("resolved", "Resolved"),
                    ("cancelled", "Cancelled"),
                ],
                default="open",
                max_length=14,
            ),
        ),
    ]
