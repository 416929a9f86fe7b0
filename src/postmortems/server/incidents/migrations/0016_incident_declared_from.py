"""An incident records the inbox's alert a person declared it from (``declared_from``), and its
Time in inbox counts from that alert, not from the first of its alerts. An incident declared
from the inbox before takes the alert its declaration attached: the ``Alert attached`` entry
written in the same transaction as its opening (the same ``created``, by the same person)."""

import importlib
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

ATTACHED = "Alert attached: "


def _declared_alert(Event: Any, incident: Any) -> Any:
    opening = incident.events.filter(kind="status-change").order_by("at", "id").first()
    if opening is None or dict(opening.detail or []).get("via") != "inbox":
        return None
    attached = Event.objects.filter(
        incident=incident,
        kind="alert-fired",
        text__startswith=ATTACHED,
        created=opening.created,
        user_id=incident.opened_by_id,
        alert__isnull=False,
    )
    return attached.order_by("id").values_list("alert_id", flat=True).first()


def record_declared_from(apps, schema_editor):  # type: ignore[no-untyped-def]
    Incident = apps.get_model("incidents", "Incident")
    Event = apps.get_model("incidents", "Event")
    declared = Incident.objects.filter(integration__isnull=True, opened_by__isnull=False)
    for incident in declared.iterator():
        alert = _declared_alert(Event, incident)
        if alert is not None:
            Incident.objects.filter(pk=incident.pk).update(declared_from_id=alert)


def keep_the_search_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Going back, SQLite drops the column by copying the table, and the copy loses the text
    search's triggers on it (0009): made again, so incidents written after stay searchable."""
    if schema_editor.connection.vendor != "sqlite":
        return
    search = importlib.import_module("postmortems.server.incidents.migrations.0009_text_search")
    triggers = [
        sql for sql in search.SQLITE if sql.startswith("CREATE TRIGGER incidents_incident_")
    ]
    for sql in [*search.SQLITE_DROP[:3], *triggers]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0015_service_names")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, keep_the_search_triggers),
        migrations.AddField(
            model_name="incident",
            name="declared_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="incidents.alert",
            ),
        ),
        migrations.RunPython(record_declared_from, migrations.RunPython.noop),
    ]
