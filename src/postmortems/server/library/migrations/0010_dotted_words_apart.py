"""PostgreSQL: a dot between two letters or digits parts the words around it before the text is
read into the vector, as SQLite's FTS5 tokenizer parts them. PostgreSQL's parser reads
``web-01.prod``, ``api.example.com`` or ``v1.2`` as one word (a host, a version), so a search
for ``prod`` or ``web-01`` missed them there while SQLite found them. The generated column is
made again (as 0009 makes it), which reads every row anew.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "library_fulltext"
APART = r"regexp_replace({}, '(\w)\.(?=\w)', '\1 ', 'g')"  # "web-01.prod" -> "web-01 prod"


def _words(column: str, dotted_apart: bool) -> str:
    text = APART.format(column) if dotted_apart else column
    return f"to_tsvector('english'::regconfig, {text})"


def _vector(dotted_apart: bool) -> list[str]:
    weights = (("title", "A"), ("head", "B"), ("body", "C"), ("notes", "D"))
    parts = [f"setweight({_words(c, dotted_apart)}, '{w}')" for c, w in weights]
    return [
        f"ALTER TABLE {TABLE} DROP COLUMN document",
        f"ALTER TABLE {TABLE} ADD COLUMN document tsvector GENERATED ALWAYS AS "
        f"({' || '.join(parts)}) STORED",
        f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE MAIN",
        f"UPDATE {TABLE} SET title = title",  # rewrites the rows: the vector moves in line
        f"CREATE INDEX library_fulltext_document ON {TABLE} USING GIN (document)",
        f"ANALYZE {TABLE}",
    ]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in _vector(dotted_apart=True):
            schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in _vector(dotted_apart=False):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("library", "0009_comments_weight_d")]

    operations = [migrations.RunPython(forwards, backwards)]
