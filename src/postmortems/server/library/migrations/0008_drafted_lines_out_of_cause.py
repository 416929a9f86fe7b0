"""The search index's cause part without the lines drafted from an incident's record.

A postmortem written from an incident holds generated parts (between ``<!-- generated:NAME``
markers): its summary's "From 15:34 to 16:34, api-gateway and search were affected" and its root
cause's "Mitigated at 16:04". The index now keeps them with the rest of the text, not with the
cause (:func:`fulltextindex.parts_of`), so that the similar incidents and the repeat check read
what people wrote about the cause. Only the postmortems holding such parts are written again.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from postmortems.server.library import fulltextindex

    postmortem = apps.get_model("library", "Postmortem")
    drafted = postmortem.objects.filter(text__contains="<!-- generated:")
    fulltextindex.rewrite(drafted.only("key", "title", "text", "source_name").iterator(200))


class Migration(migrations.Migration):
    dependencies = [("library", "0007_no_status_is_draft")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
