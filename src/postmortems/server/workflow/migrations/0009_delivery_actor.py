# Who made the change a notification tells of, for the inbox to name ("Approved by bob").
# Nullable: the deliveries sent before keep working, named by their kind alone.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0008_recurrence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                help_text="Who made the change it tells of (none: the system, or sent before "
                "it was kept).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
