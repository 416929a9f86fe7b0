"""The incidents' words, indexed for the header search (:mod:`incidents.textsearch`).

SQLite: two FTS5 tables kept by triggers, so every way an incident or an entry is written (the
ORM's saves, ingestion's bulk inserts, an edit, a redaction) keeps them current:
``incidents_incident_fts`` holds each incident's title and services (its own copy: a few short
words a row), ``incidents_event_fts`` indexes the timeline's text without a copy (an external
content table over ``incidents_event``). A redaction (``redacted_at`` set with the text) merges
the index's segments, in which FTS5 keeps a replaced row's words until a merge.

PostgreSQL: GIN indexes on expressions, which the search repeats word for word: the title
(weight A) and services of an incident, and each entry's text. Built ``CONCURRENTLY`` (the
migration is not atomic), so alerts keep arriving while a large timeline is indexed.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, transaction

TOKENS = "tokenize = 'porter unicode61 remove_diacritics 2'"
# The services as words (a JSON list in the column).
SERVICES = (
    "(CASE WHEN json_valid({row}.services) THEN "
    "(SELECT group_concat(value, ' ') FROM json_each({row}.services)) ELSE '' END)"
)
SQLITE = [
    f"CREATE VIRTUAL TABLE incidents_incident_fts USING fts5(title, services, {TOKENS})",
    "CREATE TRIGGER incidents_incident_fts_new AFTER INSERT ON incidents_incident BEGIN "
    "INSERT INTO incidents_incident_fts (rowid, title, services) "
    f"VALUES (new.id, new.title, {SERVICES.format(row='new')}); END",
    "CREATE TRIGGER incidents_incident_fts_changed AFTER UPDATE OF title, services "
    "ON incidents_incident BEGIN "
    f"UPDATE incidents_incident_fts SET title = new.title, services = {SERVICES.format(row='new')} "
    "WHERE rowid = new.id; END",
    "CREATE TRIGGER incidents_incident_fts_gone AFTER DELETE ON incidents_incident BEGIN "
    "DELETE FROM incidents_incident_fts WHERE rowid = old.id; END",
    "INSERT INTO incidents_incident_fts (rowid, title, services) "
    f"SELECT id, title, {SERVICES.format(row='incidents_incident')} FROM incidents_incident",
    "CREATE VIRTUAL TABLE incidents_event_fts USING fts5("
    f"text, content = 'incidents_event', content_rowid = 'id', {TOKENS})",
    "CREATE TRIGGER incidents_event_fts_new AFTER INSERT ON incidents_event BEGIN "
    "INSERT INTO incidents_event_fts (rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER incidents_event_fts_changed AFTER UPDATE OF text ON incidents_event BEGIN "
    "INSERT INTO incidents_event_fts (incidents_event_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO incidents_event_fts (rowid, text) VALUES (new.id, new.text); "
    "INSERT INTO incidents_event_fts (incidents_event_fts) "
    "SELECT 'optimize' WHERE new.redacted_at IS NOT NULL AND old.redacted_at IS NULL; END",
    "CREATE TRIGGER incidents_event_fts_gone AFTER DELETE ON incidents_event BEGIN "
    "INSERT INTO incidents_event_fts (incidents_event_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "INSERT INTO incidents_event_fts (incidents_event_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS incidents_{table}_fts_{what}"
        for table in ("incident", "event")
        for what in ("new", "changed", "gone")
    ),
    "DROP TABLE IF EXISTS incidents_incident_fts",
    "DROP TABLE IF EXISTS incidents_event_fts",
]
# The expressions are repeated by the search's queries (textsearch.PG_INCIDENT, PG_EVENT).
POSTGRESQL = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS incidents_incident_words ON incidents_incident "
    "USING GIN ((setweight(to_tsvector('english'::regconfig, title), 'A') "
    "|| to_tsvector('english'::regconfig, services::text)))",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS incidents_event_words ON incidents_event "
    "USING GIN (to_tsvector('english'::regconfig, text))",
]
POSTGRESQL_DROP = [
    "DROP INDEX CONCURRENTLY IF EXISTS incidents_incident_words",
    "DROP INDEX CONCURRENTLY IF EXISTS incidents_event_words",
]


def create(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, POSTGRESQL, SQLITE)


def drop(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, POSTGRESQL_DROP, SQLITE_DROP)


def _run(schema_editor: Any, postgresql: list[str], sqlite: list[str]) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in postgresql:  # CONCURRENTLY: each on its own, outside a transaction
            schema_editor.execute(sql)
        return
    with transaction.atomic(using=schema_editor.connection.alias):
        for sql in sqlite:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("incidents", "0008_event_alert_and_details_change")]

    operations = [migrations.RunPython(create, drop)]
