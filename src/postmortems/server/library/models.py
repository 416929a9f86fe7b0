"""Postmortems as stored: the Markdown text is the truth, the other columns are derived from it.

The derived columns mirror the front-matter field table (:mod:`postmortems.document.fields`); see
:mod:`postmortems.server.library.derive`. A test fails when the table gains a field the model
does not store.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from postmortems.render.summary import duration_text
from postmortems.server.library.derive import LIST_FIELDS


class Postmortem(models.Model):
    key = models.CharField(max_length=120, unique=True, help_text="The document id.")
    text = models.TextField(help_text="The Markdown exactly as last saved.")
    version = models.PositiveIntegerField(default=1, help_text="Number of the latest revision.")
    source_name = models.CharField(max_length=255, blank=True, help_text="File name on import.")
    # Derived from the text (front matter first, then what the body states).
    title = models.CharField(max_length=300, db_index=True)
    status = models.CharField(max_length=32, blank=True, db_index=True)
    severity = models.CharField(max_length=8, blank=True, db_index=True)
    timezone = models.CharField(max_length=64, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    detected = models.DateTimeField(null=True, blank=True)
    mitigated = models.DateTimeField(null=True, blank=True)
    resolved = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.IntegerField(
        null=True, blank=True, help_text="How long the outage lasted, as the card reads it."
    )
    users_affected_pct = models.FloatField(null=True, blank=True)
    cause_category = models.CharField(max_length=32, blank=True)
    restricted = models.BooleanField(default=False, db_index=True)
    incident_date = models.DateField(null=True, blank=True, db_index=True)
    is_postmortem = models.BooleanField(default=True)
    # Bookkeeping.
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The list fields' values by kind ({"services": [...], "teams": [...]}), as the Label rows
    # hold them: pages and access checks read them with the row instead of another query.
    label_values = models.JSONField(default=dict, blank=True, editable=False)
    # Section titles, one a line (the review panel's comment form offers them).
    sections = models.TextField(blank=True, editable=False)
    # Rendered HTML of revision `rendered_version`, so a page view does not re-render.
    rendered_html = models.TextField(blank=True, editable=False)
    rendered_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["-incident_date", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["-incident_date", "-id"], name="pm_date_desc"),
            models.Index(fields=["restricted", "-incident_date"], name="pm_restricted_date"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    def values_of(self, kind: str) -> list[str]:
        """The values of one list field (``services``, ``tags``, ``teams``, ...)."""
        return list(self.label_values.get(kind, ()))

    @property
    def teams(self) -> frozenset[str]:
        return frozenset(self.values_of("teams"))

    @property
    def duration(self) -> str:
        """How long the outage lasted (``2 h 30 min``), as the card reads it (the outage window
        of :mod:`postmortems.document.outage`); ``—`` when it cannot be told."""
        return duration_text(self.duration_minutes)


class Label(models.Model):
    """One value of a list field (service, tag, team, author, reviewer) of a postmortem."""

    # A kind for each list field of the field table, named in the singular ("services": Service).
    KINDS: ClassVar[list[tuple[str, str]]] = [
        (spec.meta_attr, spec.meta_attr.removesuffix("s").capitalize()) for spec in LIST_FIELDS
    ]

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField(max_length=16, choices=KINDS)
    value = models.CharField(max_length=200)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["kind", "value"], name="label_kind_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class Revision(models.Model):
    """Every save: who, when, the full text, and the diff from the previous revision."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    diff = models.TextField(blank=True)
    message = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["postmortem", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.postmortem.key} r{self.number}"


class Draft(models.Model):
    """Autosaved editor text, per user and postmortem (none: a new postmortem)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    postmortem = models.ForeignKey(
        Postmortem, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    text = models.TextField()
    base_version = models.PositiveIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)
    # The editor page (a browser tab) that wrote it: two tabs of one user keep two drafts, and
    # a save in one leaves the other's words alone.
    editor = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return f"draft of {self.postmortem_id or 'a new postmortem'} by {self.user_id}"


class LibraryState(models.Model):
    """One row that changes with every save or delete of a postmortem (signals in ``state``).

    Cached list pages are keyed by it, so one cheap query tells whether they are still current.
    """

    generation = models.PositiveBigIntegerField(default=0)
    changed = models.DateTimeField()

    def __str__(self) -> str:
        return f"library generation {self.generation}"
