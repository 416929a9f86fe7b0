"""A postmortem that states no status is a draft: the column says so (derive.columns), so that
the lists' and the API's status filters find the rows saved before it did."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("library", "Postmortem").objects.filter(status="").update(status="draft")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0006_search_inline_tsvector"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
