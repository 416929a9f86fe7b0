"""The ``postmortem-drafted`` kind: the server's entry that a person wrote the incident's
postmortem from its record (before, a note in that person's name, "Postmortem drafted from the
timeline.", which read as typed by them and offered Edit and Redact). Those notes become entries
of the new kind, unless someone edited or redacted one (it is then theirs, kept as it is)."""

from django.db import migrations, models

OLD_TEXT = "Postmortem drafted from the timeline."
# The first versions named the key: "Postmortem PM-2026-0004 drafted from the timeline."
OLD_HEAD, OLD_TAIL = "Postmortem PM-", " drafted from the timeline."


def _named_key(text: str) -> str:
    """The key an old note names ('' for the note without one)."""
    if text != OLD_TEXT and text.startswith(OLD_HEAD) and text.endswith(OLD_TAIL):
        key = text[len("Postmortem ") : -len(OLD_TAIL)]
        return key if " " not in key else ""
    return ""


def convert_notes(apps, schema_editor):  # type: ignore[no-untyped-def]
    Event = apps.get_model("incidents", "Event")
    notes = Event.objects.filter(
        kind="note",
        text__endswith=OLD_TAIL,
        text__startswith="Postmortem ",
        edited_at__isnull=True,
        redacted_at__isnull=True,
    ).select_related("incident__postmortem")
    for note in notes.iterator():
        named = _named_key(note.text)
        if note.text != OLD_TEXT and not named:
            continue  # a note a person wrote that only looks like it
        linked = note.incident.postmortem
        key = named or (linked.key if linked is not None else "")
        note.kind = "postmortem-drafted"
        note.text = f"{note.author or 'Someone'} drafted the postmortem from the timeline."
        note.detail = [["postmortem", key]] if key else []
        note.save(update_fields=["kind", "text", "detail"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0013_alert_firing_after_its_incident"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("alert-fired", "alert-fired"),
                    ("page", "page"),
                    ("acknowledgement", "acknowledgement"),
                    ("escalation", "escalation"),
                    ("status-change", "status-change"),
                    ("role-change", "role-change"),
                    ("handover", "handover"),
                    ("note", "note"),
                    ("chat-message", "chat-message"),
                    ("deploy", "deploy"),
                    ("misleading-path", "misleading-path"),
                    ("key-moment", "key-moment"),
                    ("milestone-edit", "milestone-edit"),
                    ("alert-resolved", "alert-resolved"),
                    ("severity-change", "severity-change"),
                    ("details-change", "details-change"),
                    ("postmortem-drafted", "postmortem-drafted"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(convert_notes, migrations.RunPython.noop),
    ]
