from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_team_draft_profile"),
    ]

    operations = [
        migrations.AlterField(
            model_name="team",
            name="draft_profile",
            field=models.CharField(
                choices=[
                    ("classic", "classic"),
                    ("google-sre", "google-sre"),
                    ("minimal", "minimal"),
                ],
                default="classic",
                help_text=(
                    "The format of the team's postmortems: drafts from its incidents start from "
                    "it, and the server's lint holds its postmortems to it."
                ),
                max_length=16,
            ),
        ),
    ]
