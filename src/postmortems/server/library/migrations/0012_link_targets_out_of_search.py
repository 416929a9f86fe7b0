"""The search index without the targets of Markdown links and images.

A snippet showed a link as its Markdown ("suggested by [Benoit382 on slack](https://…)",
"![img.png](img.png)"); the index now holds a link's or an image's text only, as the page shows
it (:func:`fulltextindex.clean`). Only the postmortems holding a link are written again; the review
comments' part is rewritten by ``pm admin reindex``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Q


def forwards(apps: Any, schema_editor: Any) -> None:
    from postmortems.server.library import fulltextindex

    postmortem = apps.get_model("library", "Postmortem")
    linked = postmortem.objects.filter(
        Q(text__contains="](")
        | Q(text__contains="][")
        | Q(text__contains="<http")
        | Q(text__contains="<mailto:")
    )
    fulltextindex.rewrite(linked.only("key", "title", "text", "source_name").iterator(200))


class Migration(migrations.Migration):
    dependencies = [("library", "0011_draft_editor")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
