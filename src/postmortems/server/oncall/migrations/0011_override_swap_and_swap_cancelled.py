from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def _swap_id(note: str) -> int | None:
    """The swap an accepted swap's override came from: its note reads ``swap 3: alice ↔ bob``."""
    head, colon, _ = note.partition(":")
    number = head.removeprefix("swap ")
    return int(number) if colon and head.startswith("swap ") and number.isdigit() else None


def _is_half(row: Any, swap: Any) -> bool:
    """``row`` is what accepting ``swap`` made: by its responder, on its schedule, one of its
    two people replacing the other (an override merely noted ``swap N: …`` by someone else, or
    naming other people, is one of its own)."""
    people = {(swap.responder, swap.requester), (swap.requester, swap.responder)}
    return (
        swap.state == "accepted"
        and row.made_by == swap.responder
        and row.schedule_id == swap.schedule_id
        and (row.user, row.replaces) in people
    )


def link_halves(apps: Any, schema_editor: Any) -> None:
    """The overrides made by accepting a swap before this was kept, tied to their swap; a swap
    cancelled then was cancelled by its requester, before an answer (``decided`` is now the
    answer's time only)."""
    Override = apps.get_model("oncall", "Override")
    SwapRequest = apps.get_model("oncall", "SwapRequest")
    for row in Override.objects.filter(note__startswith="swap ", made_by__gt=""):
        pk = _swap_id(row.note)
        swap = SwapRequest.objects.filter(pk=pk).first() if pk is not None else None
        if swap is not None and _is_half(row, swap):
            Override.objects.filter(pk=row.pk).update(swap_id=pk)
    for swap in SwapRequest.objects.filter(state="cancelled", cancelled_by=""):
        SwapRequest.objects.filter(pk=swap.pk).update(
            cancelled_by=swap.requester, cancelled_at=swap.decided, decided=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("oncall", "0010_page_message"),
    ]

    operations = [
        migrations.AddField(
            model_name="swaprequest",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="swaprequest",
            name="cancelled_by",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="override",
            name="swap",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The accepted swap it is a half of; empty: made on its own.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="overrides",
                to="oncall.swaprequest",
            ),
        ),
        migrations.RunPython(link_halves, migrations.RunPython.noop),
    ]
