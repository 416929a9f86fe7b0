"""Services as service names (:mod:`postmortems.servicenames`). An incident's services typed
before the rule (``Checkout API``) become the name they are typed as now (``checkout-api``), so
the incident is one of its service's (escalation, Seen before?, the service's page). One that is
no name however written (``../../etc``, ``<b>x</b>``) is kept as it was: it is what someone
typed, the page shows it without a link, and the details form asks for a name when the services
are next changed. An alert's service, read from its labels, becomes the name or '' as ingestion
reads labels now (the alert's labels keep what was sent)."""

from django.db import migrations

from postmortems import servicenames


def _kept(typed: str) -> str:
    name = servicenames.normal(typed)
    return name if servicenames.is_name(name) else typed


def name_services(apps, schema_editor):  # type: ignore[no-untyped-def]
    Incident = apps.get_model("incidents", "Incident")
    Alert = apps.get_model("incidents", "Alert")
    for pk, typed in Incident.objects.values_list("pk", "services").iterator():
        names = sorted({_kept(t) for t in typed or []})
        if names != list(typed or []):
            Incident.objects.filter(pk=pk).update(services=names)
    for pk, service in Alert.objects.exclude(service="").values_list("pk", "service").iterator():
        name = servicenames.from_label(service)
        if name != service:
            Alert.objects.filter(pk=pk).update(service=name)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0014_postmortem_drafted_event"),
    ]

    operations = [migrations.RunPython(name_services, migrations.RunPython.noop)]
