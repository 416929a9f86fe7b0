"""An alert's entries name their alert (its description, labels and links on the timeline), and
the ``details-change`` kind (an incident's title, services or team changed). The entries of the
alerts stored before are linked by their external id (``kind:name:fingerprint:start:state``)."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

STATES = (":firing", ":resolved")


def _start(rest: str) -> dt.datetime | None:
    """The start an external id's tail names (``<startsAt>:firing``), or None."""
    for state in STATES:
        if rest.endswith(state):
            try:
                return dt.datetime.fromisoformat(rest[: -len(state)])
            except ValueError:
                return None
    return None


def link_alert_events(apps, schema_editor):  # type: ignore[no-untyped-def]
    Alert = apps.get_model("incidents", "Alert")
    Event = apps.get_model("incidents", "Event")
    alerts = Alert.objects.filter(incident__isnull=False).select_related("integration")
    for alert in alerts.iterator():
        prefix = f"{alert.integration.kind}:{alert.integration.name}:{alert.fingerprint}:"
        found = Event.objects.filter(
            incident_id=alert.incident_id,
            kind__in=("alert-fired", "alert-resolved"),
            external_id__startswith=prefix,
            alert__isnull=True,
        )
        for event in found.only("pk", "external_id"):
            start = _start(event.external_id[len(prefix) :])
            if start is not None and start == alert.starts_at:
                Event.objects.filter(pk=event.pk).update(alert=alert)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_event_edits_and_redaction"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="alert",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="events",
                to="incidents.alert",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("alert-fired", "alert-fired"),
                    ("page", "page"),
                    ("acknowledgement", "acknowledgement"),
                    ("escalation", "escalation"),
                    ("status-change", "status-change"),
                    ("role-change", "role-change"),
                    ("handover", "handover"),
                    ("note", "note"),
                    ("chat-message", "chat-message"),
                    ("deploy", "deploy"),
                    ("misleading-path", "misleading-path"),
                    ("key-moment", "key-moment"),
                    ("milestone-edit", "milestone-edit"),
                    ("alert-resolved", "alert-resolved"),
                    ("severity-change", "severity-change"),
                    ("details-change", "details-change"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(link_alert_events, migrations.RunPython.noop),
    ]
