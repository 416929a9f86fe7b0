"""A comment keeps the words of the text it is about (the passage selected or typed), shown
instead of its whole source line."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workflow", "0004_not_a_repeat")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="quote",
            field=models.CharField(
                blank=True,
                help_text="The words of the text the comment is about.",
                max_length=1000,
            ),
        ),
    ]
