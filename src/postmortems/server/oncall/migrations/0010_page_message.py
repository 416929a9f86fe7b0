from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0009_override_made_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="page",
            name="message",
            field=models.CharField(
                blank=True,
                help_text="Why they are paged, in the words of whoever paged (optional).",
                max_length=300,
            ),
        ),
    ]
