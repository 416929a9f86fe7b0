"""PostgreSQL: keep each postmortem's ``tsvector`` in the table's row, not in the TOAST table.

A row of ``library_fulltext`` holds the text and its vector (about 2 kB for a 500-word
postmortem), so PostgreSQL moved the vector out of line, and ranking (``ts_rank``) fetched it
from the TOAST table for every match: three times the cost of the ranking itself for a common
word. ``STORAGE MAIN`` keeps the vector in the row (the text columns go out of line instead: only
snippets read them, for one page of results). The update rewrites the existing rows.

And no parallel workers for the table's queries: ranking the matches is a short query (at most a
few thousand rows scored), and starting workers cost more than they saved, the most on a busy
machine. SQLite's FTS5 index has no such settings: nothing to do there.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "library_fulltext"


def inline(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE MAIN")
        schema_editor.execute(f"UPDATE {TABLE} SET title = title")
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (parallel_workers = 0)")


def out_of_line(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE EXTENDED")
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [("library", "0005_fulltext")]

    operations = [migrations.RunPython(inline, out_of_line)]
