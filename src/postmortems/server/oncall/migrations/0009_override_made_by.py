from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0008_notification_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="override",
            name="made_by",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The user who made it here; empty: the file's, the admin's, or made "
                "before this was kept.",
                max_length=150,
            ),
        ),
    ]
