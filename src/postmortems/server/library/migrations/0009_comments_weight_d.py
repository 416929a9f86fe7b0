"""PostgreSQL: the review comments get the vector's weight D of their own (they shared C with
the rest of the text), so that a search for a reader who may not read the comments (a viewer:
the review panel shows them none) matches only the text (``'word':ABC``). ``ts_rank`` weighs D as
it weighed C (``fulltext.PG_WEIGHTS``): the ranking does not change. The generated column is
made again (PostgreSQL 15 cannot change its expression), kept in the row as 0006 keeps it.
SQLite's FTS5 table leaves its ``notes`` column out of such a search with a column filter.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "library_fulltext"


def _vector(notes_weight: str) -> list[str]:
    return [
        f"ALTER TABLE {TABLE} DROP COLUMN document",
        f"""ALTER TABLE {TABLE} ADD COLUMN document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, head), 'B')
            || setweight(to_tsvector('english'::regconfig, body), 'C')
            || setweight(to_tsvector('english'::regconfig, notes), '{notes_weight}')
        ) STORED""",
        f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE MAIN",
        f"UPDATE {TABLE} SET title = title",  # rewrites the rows: the vector moves in line
        f"CREATE INDEX library_fulltext_document ON {TABLE} USING GIN (document)",
        f"ANALYZE {TABLE}",
    ]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in _vector("D"):
            schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in _vector("C"):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("library", "0008_drafted_lines_out_of_cause")]

    operations = [migrations.RunPython(forwards, backwards)]
