"""A layer without restrictions (``[]``: it covers all the time) could not be saved in the admin:
the field was required, and an empty list counts as empty."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0003_replaces_only_with_replace"),
    ]

    operations = [
        migrations.AlterField(
            model_name="layer",
            name="restrictions",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='[{"weekdays": [0..6], "start": "09:00", "end": "17:00"}]',
            ),
        ),
    ]
