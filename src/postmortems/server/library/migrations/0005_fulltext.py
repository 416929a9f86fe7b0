"""The full-text index (:mod:`postmortems.server.library.fulltext`), filled from what exists.

Raw SQL per database: an FTS5 table on SQLite (with a trigger that drops a deleted postmortem's
row), a table with a weighted, generated ``tsvector`` and a GIN index on PostgreSQL (triggers drop
the rows of deleted or truncated postmortems).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE library_fulltext USING fts5("
    "title, head, body, notes, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER library_fulltext_gone AFTER DELETE ON library_postmortem "
    "BEGIN DELETE FROM library_fulltext WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS library_fulltext_gone",
    "DROP TABLE IF EXISTS library_fulltext",
]
POSTGRESQL = [
    """CREATE TABLE library_fulltext (
        postmortem_id bigint PRIMARY KEY,
        title text NOT NULL DEFAULT '',
        head text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        notes text NOT NULL DEFAULT '',
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, head), 'B')
            || setweight(to_tsvector('english'::regconfig, body), 'C')
            || setweight(to_tsvector('english'::regconfig, notes), 'C')
        ) STORED
    )""",
    "CREATE INDEX library_fulltext_document ON library_fulltext USING GIN (document)",
    # Triggers rather than a foreign key: a table Django does not know may not hold a key to
    # one it truncates (a flush of the test database).
    """CREATE FUNCTION library_fulltext_gone() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM library_fulltext;
        ELSE
            DELETE FROM library_fulltext WHERE postmortem_id = OLD.id;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER library_fulltext_gone AFTER DELETE ON library_postmortem "
    "FOR EACH ROW EXECUTE FUNCTION library_fulltext_gone()",
    "CREATE TRIGGER library_fulltext_truncated AFTER TRUNCATE ON library_postmortem "
    "FOR EACH STATEMENT EXECUTE FUNCTION library_fulltext_gone()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS library_fulltext_truncated ON library_postmortem",
    "DROP TRIGGER IF EXISTS library_fulltext_gone ON library_postmortem",
    "DROP FUNCTION IF EXISTS library_fulltext_gone()",
    "DROP TABLE IF EXISTS library_fulltext",
]


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)
    index_existing(apps)


def drop(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(sql)


def index_existing(apps: Any) -> None:
    from postmortems.document import parse
    from postmortems.errors import PostmortemsError
    from postmortems.server.library import fulltextindex

    postmortem = apps.get_model("library", "Postmortem")
    comment = apps.get_model("workflow", "Comment")
    for pm in postmortem.objects.only("key", "title", "text").iterator(chunk_size=200):
        try:
            parts = fulltextindex.parts_of(parse(pm.text, f"{pm.key}.md"), pm.title)
        except PostmortemsError:
            parts = fulltextindex.Parts(
                fulltextindex.clean(pm.title), "", fulltextindex.clean(pm.text)
            )
        fulltextindex.write(pm.pk, parts)
    notes: dict[int, list[str]] = {}
    for pm_id, text in comment.objects.order_by("id").values_list("postmortem_id", "text"):
        notes.setdefault(pm_id, []).append(text)
    for pm_id, texts in notes.items():
        fulltextindex.write_notes(pm_id, "\n".join(texts))


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_postmortem_label_values"),
        ("workflow", "0002_action_items_of_existing_postmortems"),
    ]

    operations = [migrations.RunPython(create, drop)]
