"""A postmortem's services are service names (:mod:`postmortems.servicenames`): a front matter
whose ``services`` holds another (``Checkout API``, ``../../etc``) now leaves the field unset and
lint says which to write. The services labels derived before from such a list (the service
links, the /services/ list) are taken off as a save would take them off now; the Markdown is
not touched: it is the author's, and its next save reads it the same way."""

from django.db import migrations

from postmortems import servicenames


def drop_labels(apps, schema_editor):  # type: ignore[no-untyped-def]
    Label = apps.get_model("library", "Label")
    Postmortem = apps.get_model("library", "Postmortem")
    found = Label.objects.filter(kind="services").values_list("postmortem_id", "value")
    wrong = sorted({pk for pk, value in found.iterator() if not servicenames.is_name(value)})
    for pk in wrong:
        Label.objects.filter(postmortem_id=pk, kind="services").delete()
        pm = Postmortem.objects.only("pk", "label_values").get(pk=pk)
        values = {k: v for k, v in (pm.label_values or {}).items() if k != "services"}
        Postmortem.objects.filter(pk=pk).update(label_values=values)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0014_card_incident_key"),
    ]

    operations = [migrations.RunPython(drop_labels, migrations.RunPython.noop)]
