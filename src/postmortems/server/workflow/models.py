"""Workflow rows: transition events, review requests, comment threads, action items, deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from postmortems.document.model import Status
from postmortems.server.library.models import Postmortem
from postmortems.server.weburl import is_web_url

STATUS_CHOICES = [(s.value, s.value) for s in Status]
USER = settings.AUTH_USER_MODEL


class Event(models.Model):
    """One transition of the lifecycle: who moved it, when, from which state to which."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(db_index=True)
    transition = models.CharField(max_length=32)
    from_state = models.CharField(max_length=32, choices=STATUS_CHOICES)
    to_state = models.CharField(max_length=32, choices=STATUS_CHOICES)
    note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.postmortem_id}: {self.from_state} → {self.to_state}"

    @classmethod
    def in_place(
        cls, pm: Postmortem, actor: Any, now: dt.datetime, transition: str, state: str, note: str
    ) -> Event:
        """A row of the history that moves nothing (an approval short of enough, the
        acknowledgement of a repeat); ``actor`` None: the system."""
        person = actor if getattr(actor, "is_authenticated", False) else None
        row = cls(postmortem=pm, actor=person, created=now, transition=transition, note=note)
        row.from_state = row.to_state = state  # it moves nothing
        row.save()
        return row


class ReviewRequest(models.Model):
    """A reviewer asked to review a postmortem, and their verdict in the current round."""

    class State(models.TextChoices):
        REQUESTED = "requested"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    class Verdict(models.TextChoices):
        NONE = ""
        APPROVED = "approved"
        CHANGES = "changes-requested"

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="review_requests")
    requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff = models.BooleanField(default=False, help_text="Assigned by the staff fallback.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True, default="")
    created = models.DateTimeField()
    answered = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["postmortem", "reviewer"], name="one_request_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.postmortem_id}: {self.state} {self.verdict}"


class Comment(models.Model):
    """A review comment on a section or a line; replies hang off the thread's first comment."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    section = models.CharField(max_length=200, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    quote = models.CharField(
        max_length=1000, blank=True, help_text="The words of the text the comment is about."
    )
    revision = models.PositiveIntegerField(help_text="Revision the comment was written against.")
    text = models.TextField()
    created = models.DateTimeField()
    resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["created", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.postmortem_id}"


class ActionItem(models.Model):
    """A task of the document's task list, with what the Markdown line cannot hold."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective"
        PREVENTIVE = "preventive"
        DETECTIVE = "detective"

    class Priority(models.TextChoices):
        HIGH = "high"
        MEDIUM = "medium"
        LOW = "low"

    class State(models.TextChoices):  # labels as the postmortem's action table writes them
        OPEN = "open", "Open"
        IN_PROGRESS = "in-progress", "In progress"
        DONE = "done", "Done"
        WONT_DO = "wont-do", "Won't do"

    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="action_items"
    )
    position = models.PositiveIntegerField(help_text="Index in the document's task list.")
    line = models.PositiveIntegerField(default=0, help_text="1-based line in the current text.")
    text = models.TextField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CORRECTIVE)
    owner = models.CharField(max_length=150, blank=True, db_index=True)
    due = models.DateField(null=True, blank=True, db_index=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    reason = models.TextField(blank=True, help_text="Why it won't be done.")
    tracker_url = models.URLField(blank=True, max_length=500)
    created = models.DateTimeField()
    closed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["postmortem_id", "position"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def done(self) -> bool:
        return self.status == self.State.DONE

    def is_overdue(self, today: dt.date) -> bool:
        """Still to do (open or in progress) and due before ``today``."""
        open_states = {self.State.OPEN, self.State.IN_PROGRESS}
        return self.due is not None and self.due < today and self.status in open_states

    @property
    def tracker_link(self) -> str:
        """``tracker_url`` when it is an http(s) address (rows stored before it was checked)."""
        return self.tracker_url if is_web_url(self.tracker_url) else ""


class Delivery(models.Model):
    """A notification sent (or attempted); ``key`` makes reminders idempotent."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32)
    postmortem = models.ForeignKey(
        Postmortem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    recipients = models.TextField(blank=True)
    created = models.DateTimeField()
    ok = models.BooleanField(default=False)
    detail = models.TextField(blank=True)
    # who made the change it tells of, for the inbox to name (none: the system, or before 0009)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return self.key


class EarlierMark(models.Model):
    """A reviewer's word, by ``actor``, on whether ``postmortem`` repeats ``earlier`` (one each
    pair)."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="+")
    earlier = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        abstract = True
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["postmortem", "earlier"], name="one_%(class)s")
        ]


class NotARepeat(EarlierMark):
    """A reviewer's word that ``postmortem`` is not a repeat of ``earlier``, though the repeat
    check flagged it: the approval no longer asks to acknowledge it (the history says who)."""

    class Meta(EarlierMark.Meta):
        verbose_name = "not-a-repeat mark"

    def __str__(self) -> str:
        return f"{self.postmortem_id} is not a repeat of {self.earlier_id}"


class Recurrence(EarlierMark):
    """A reviewer's acknowledgement that ``postmortem`` repeats ``earlier``: the earlier one's
    page says it happened again (to those who may read the later one)."""

    class Meta(EarlierMark.Meta):
        verbose_name = "acknowledged repeat"

    def __str__(self) -> str:
        return f"{self.postmortem_id} repeats {self.earlier_id}"
