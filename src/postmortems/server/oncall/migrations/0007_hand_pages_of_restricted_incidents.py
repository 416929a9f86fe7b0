"""A page by hand (no policy) of a restricted incident, made before such pages carried the
incident's team, takes it now: it was listed to every reader (its key in the summary)."""

from typing import Any

from django.db import migrations


def bound(apps: Any, schema_editor: Any) -> None:
    page = apps.get_model("oncall", "Page")
    incident = apps.get_model("incidents", "Incident")
    restricted = incident.objects.filter(restricted=True).exclude(team="")
    for key, team in restricted.values_list("key", "team"):
        page.objects.filter(policy=None, team="", incident_key=key).update(team=team)


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0006_override_from_file"),
        ("incidents", "0011_entry_names"),
    ]

    operations = [migrations.RunPython(bound, migrations.RunPython.noop)]
