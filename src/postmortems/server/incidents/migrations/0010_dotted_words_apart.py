"""PostgreSQL: the incidents' word indexes read a dot between two letters or digits as a space
(``web-01.prod``: ``web-01 prod``), as SQLite's FTS5 tokenizer does; PostgreSQL's parser read
such a host or version as one word, so ``prod`` or ``web-01`` did not find it there. The new
indexes are built ``CONCURRENTLY`` before the old ones go (the migration is not atomic). The
search repeats the expressions (``textsearch.PG_INCIDENT``, ``PG_EVENT``). SQLite: nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

APART = r"regexp_replace({}, '(\w)\.(?=\w)', '\1 ', 'g')"


def _words(column: str, dotted_apart: bool) -> str:
    text = APART.format(column) if dotted_apart else column
    return f"to_tsvector('english'::regconfig, {text})"


def _indexes(dotted_apart: bool) -> list[str]:
    title, services = _words("title", dotted_apart), _words("services::text", dotted_apart)
    incident = f"setweight({title}, 'A') || {services}"
    return [
        # An attempt that failed leaves an invalid index behind, which would be renamed into
        # place and never used: build the new ones afresh, and drop the old only after.
        "DROP INDEX CONCURRENTLY IF EXISTS incidents_incident_words_new",
        "DROP INDEX CONCURRENTLY IF EXISTS incidents_event_words_new",
        "CREATE INDEX CONCURRENTLY incidents_incident_words_new "
        f"ON incidents_incident USING GIN (({incident}))",
        "CREATE INDEX CONCURRENTLY incidents_event_words_new ON incidents_event "
        f"USING GIN ({_words('text', dotted_apart)})",
        "DROP INDEX CONCURRENTLY IF EXISTS incidents_incident_words",
        "DROP INDEX CONCURRENTLY IF EXISTS incidents_event_words",
        "ALTER INDEX incidents_incident_words_new RENAME TO incidents_incident_words",
        "ALTER INDEX incidents_event_words_new RENAME TO incidents_event_words",
    ]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in _indexes(dotted_apart=True):  # CONCURRENTLY: each on its own
            schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in _indexes(dotted_apart=False):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("incidents", "0009_text_search")]

    operations = [migrations.RunPython(forwards, backwards)]
