from django.db import migrations, models

import postmortems.server.incidents.models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_ingest_error_sender_known"),
    ]

    operations = [
        migrations.AddField(
            model_name="integration",
            name="timezone",
            field=models.CharField(
                default="UTC",
                help_text="IANA zone of the incidents it opens: their timeline and postmortem read in it.",
                max_length=64,
                validators=[postmortems.server.incidents.models.known_zone],
            ),
        ),
    ]
