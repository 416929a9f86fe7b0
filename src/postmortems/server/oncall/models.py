"""On-call rows: schedules with their layers and overrides, swap requests, escalation policies with
their steps, services, pages with their notifications, hand-over notes and calendar feed tokens.

People are named by username (as in the YAML files, where a person need not have an account yet);
``managed_by`` is the YAML file an object was applied from, empty when it was made in the UI.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models

from postmortems.oncall.model import KINDS, UNITS
from postmortems.oncall.spec import shown_file
from postmortems.server.rows import NewestFirst

USER = settings.AUTH_USER_MODEL


def value_choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """Django's choices for one of the on-call model's value tables (``hours`` is "Hours")."""
    return [(v, v.capitalize()) for v in values]


class Managed(models.Model):
    """A named object of a team, either managed by a YAML file (read-only in the UI) or made in
    the UI; each kind declares its ``name`` (unique: the files refer to objects by name)."""

    name: str
    team = models.CharField(max_length=64, blank=True, db_index=True)
    managed_by = models.CharField(
        max_length=500, blank=True, help_text="The YAML file it was applied from; empty: the UI."
    )

    class Meta:
        abstract = True
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def by_code(self) -> bool:
        return bool(self.managed_by)

    @property
    def file_shown(self) -> str:
        """Its file as everyone is shown it: an absolute path stored by an older
        ``pm oncall apply`` by its name alone (:func:`~postmortems.oncall.spec.shown_file`)."""
        return shown_file(self.managed_by)


class Schedule(Managed):
    name = models.SlugField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    restricted = models.BooleanField(
        default=False, help_text="Visible only to members of its team."
    )
    description = models.TextField(blank=True)


class Layer(models.Model):
    """A rotation; layers later in ``position`` win where they cover."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="layers")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=100)
    users = models.JSONField(default=list, help_text="Usernames, in rotation order.")
    shift_unit = models.CharField(max_length=8, choices=value_choices(UNITS), default="weeks")
    shift_count = models.PositiveIntegerField(default=1)
    handoff = models.TimeField(help_text="Hand-over time, in the schedule's zone.")
    start = models.CharField(
        max_length=40, help_text="ISO date (or date-time): the first shift starts that day."
    )
    restrictions = models.JSONField(
        default=list,
        blank=True,  # none: the layer covers all the time (the admin must accept [])
        help_text='[{"weekdays": [0..6], "start": "09:00", "end": "17:00"}]',
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["schedule", "position", "id"]

    def __str__(self) -> str:
        return f"{self.schedule_id}/{self.name}"

    @property
    def windows(self) -> list[str]:
        """Its restrictions as people read them: ``Mon–Fri 09:00–17:00``, ``Sat, Sun …``; a row
        stored before the admin checked it, that no page can read, says so."""
        out = []
        try:
            for r in self.restrictions:
                start, end = str(r.get("start", ""))[:5], str(r.get("end", ""))[:5]
                out.append(f"{_days(r.get('weekdays', []))} {start}–{end}")
        except (AttributeError, TypeError, ValueError):
            return ["cannot be read: left out of the schedule until fixed in the admin"]
        return out


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _days(numbers: list[int]) -> str:
    """0..6 (0 = Monday) as day names; a run of three or more as a span (``Mon–Fri``)."""
    days = sorted({int(n) for n in numbers if 0 <= int(n) <= 6})
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        f"{DAY_NAMES[r[0]]}–{DAY_NAMES[r[-1]]}"
        if len(r) >= 3
        else ", ".join(DAY_NAMES[d] for d in r)
        for r in runs
    )


class Override(models.Model):
    """A change of who is on call for a while. On a schedule kept in a YAML file it is either
    one of the file's (``from_file``: applying the file again writes it anew) or one made on
    the server (a swap, a hand-off: kept beside the file's, which a later apply leaves alone).

    Overrides apply in the order :data:`ORDER` gives: by start; at the same start the file's
    first, then in the order they were made."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="overrides")
    start = models.DateTimeField()
    end = models.DateTimeField()
    user = models.CharField(max_length=150)
    replaces = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=8, choices=value_choices(KINDS), default="replace")
    note = models.CharField(max_length=200, blank=True)
    from_file = models.BooleanField(
        default=False,
        editable=False,  # set by `pm oncall apply` only: the admin cannot make one the file's
        help_text="Written by `pm oncall apply` from the schedule's file; else made here.",
    )
    made_by = models.CharField(
        max_length=150,
        blank=True,
        editable=False,  # set by who makes it (the page's form, the API, a swap accepted)
        help_text="The user who made it here; empty: the file's, the admin's, or made before "
        "this was kept.",
    )
    swap = models.ForeignKey(
        "SwapRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="overrides",
        editable=False,  # set by accepting the swap: removing one half cancels the swap
        help_text="The accepted swap it is a half of; empty: made on its own.",
    )

    ORDER = ("start", "-from_file", "id")

    class Meta:
        ordering: ClassVar[list[str]] = ["schedule", "start", "-from_file", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # The rule of the pure model (oncall.model.Override): a row breaking it would stop
            # every page, feed and command that reads the schedules.
            models.CheckConstraint(
                condition=models.Q(kind="replace") | models.Q(replaces=""),
                name="replaces_only_with_replace",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.start:%Y-%m-%d %H:%M}"


class SwapRequest(NewestFirst):
    """``requester`` asks ``responder`` to take their shift ``give``, and takes ``take`` back
    (optional); accepting makes the pair of overrides. ``decided``: when the person asked
    answered; ``cancelled_by`` and ``cancelled_at``: who cancelled it and when, the requester
    before an answer, or anyone who removed a half of it once accepted (both halves go)."""

    class State(models.TextChoices):
        ASKED = "asked"
        ACCEPTED = "accepted"
        DECLINED = "declined"
        CANCELLED = "cancelled"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="swaps")
    requester = models.CharField(max_length=150)
    responder = models.CharField(max_length=150)
    give_start = models.DateTimeField()
    give_end = models.DateTimeField()
    take_start = models.DateTimeField(null=True, blank=True)
    take_end = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASKED)
    decided = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=150, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.requester} → {self.responder} ({self.state})"

    @property
    def undone(self) -> bool:
        """Cancelled after it was accepted (its overrides removed), not before an answer."""
        return self.state == self.State.CANCELLED and self.decided is not None

    def label(self) -> str:
        """``swap 3 (alice ↔ bob)``, as its overrides' note names it."""
        return f"swap {self.pk} ({self.requester} ↔ {self.responder})"

    @classmethod
    def waiting(cls, now: datetime) -> models.QuerySet[SwapRequest]:
        """The swaps asked and not answered whose shifts have not ended (one that has can only
        be declined: an accept is refused, so it is offered no more)."""
        asked = cls.objects.filter(state=cls.State.ASKED, give_end__gt=now)
        return asked.exclude(take_end__lte=now)


class Policy(Managed):
    """An escalation policy: ordered steps, repeated ``repeat`` more times until acknowledged."""

    name = models.SlugField(max_length=100, unique=True)
    repeat = models.PositiveIntegerField(default=0)

    class Meta(Managed.Meta):
        verbose_name_plural = "policies"


class Service(Managed):
    """A service a team runs; an alert about it (its ``service``, ``app`` or ``job`` label) that
    opens an incident pages ``policy`` unless its routing rule names one (by name, like the
    YAML: a policy applied later or renamed is found by its name)."""

    name = models.CharField(max_length=200, unique=True)
    policy = models.CharField(max_length=100, help_text="The escalation policy's name.")


class Step(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    targets = models.JSONField(default=list, help_text='[{"kind": "user|schedule|team", ...}]')
    delay = models.DurationField(help_text="Wait before the next step.")

    class Meta:
        ordering: ClassVar[list[str]] = ["policy", "position", "id"]

    def __str__(self) -> str:
        return f"{self.policy_id}#{self.position}"

    @property
    def wait(self) -> str:
        """The delay as people say it: ``10 min``, ``1 h 30 min`` (not ``0:10:00``)."""
        hours, minutes = divmod(int(self.delay.total_seconds()) // 60, 60)
        return (
            " ".join(
                p for p in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if p
            )
            or "0 min"
        )


class Page(models.Model):
    """A page: an incident (or an alert) paging a policy, until someone acknowledges it; or a
    page by hand of one person or schedule (``targets``, no policy) for an incident."""

    class State(models.TextChoices):
        OPEN = "open"
        ACKNOWLEDGED = "acknowledged"
        EXHAUSTED = "exhausted"
        RESOLVED = "resolved"  # its incident was resolved or closed before anyone acknowledged
        CANCELLED = "cancelled"  # its incident was cancelled, or marked a duplicate

    BY_HAND = "by hand"  # the policy_name of a page of a person or a schedule

    policy = models.ForeignKey(Policy, null=True, on_delete=models.SET_NULL, related_name="pages")
    policy_name = models.CharField(max_length=100)
    targets = models.JSONField(
        default=list,
        blank=True,
        help_text='A page by hand: [{"kind": "user|schedule", "name": …}]; empty: the policy.',
    )
    team = models.CharField(
        max_length=64,
        blank=True,
        help_text="A page by hand of a restricted schedule: its team, the only one that sees it.",
    )
    opened_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incident_key = models.CharField(max_length=120, blank=True, db_index=True)
    alert = models.CharField(max_length=300, blank=True)
    summary = models.CharField(max_length=300)
    message = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why they are paged, in the words of whoever paged (optional).",
    )
    state = models.CharField(max_length=14, choices=State.choices, default=State.OPEN)
    opened = models.DateTimeField(db_index=True)
    step = models.PositiveIntegerField(default=0)
    round = models.PositiveIntegerField(default=0)
    notified = models.JSONField(default=list, help_text="[[step, round], …] already paged.")
    acknowledged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    stopped = models.CharField(
        max_length=300, blank=True, help_text="Why paging stopped unacknowledged ('' : it did not)."
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-opened", "-id"]

    def __str__(self) -> str:
        return f"page {self.pk}: {self.summary}"

    @property
    def is_open(self) -> bool:
        """Not acknowledged yet (still escalating, or every step paged in vain)."""
        return self.state in (self.State.OPEN, self.State.EXHAUSTED)


class Notification(models.Model):
    """One person paged at one step of one round, on one channel: unique, so never twice."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="notifications")
    user = models.CharField(max_length=150)
    step = models.PositiveIntegerField()
    round = models.PositiveIntegerField()
    channel = models.CharField(max_length=10)  # email | webhook
    reason = models.CharField(max_length=200, blank=True)
    # The schedule this person was paged through (the reason names it as it was then), and its
    # team and whether it was restricted then: whom the page reached is named by them
    # (``visibility.Names``) once the schedule is renamed, and once it is deleted.
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    schedule_team = models.CharField(max_length=64, blank=True)
    schedule_restricted = models.BooleanField(
        null=True,
        blank=True,
        help_text="Empty: not paged through a schedule, or paged before this was kept.",
    )
    created = models.DateTimeField()
    ok = models.BooleanField(default=False)
    detail = models.TextField(blank=True, default="pending")

    class Meta:
        ordering: ClassVar[list[str]] = ["created", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["page", "user", "step", "round", "channel"], name="page_once_per_step"
            )
        ]

    def __str__(self) -> str:
        # Not whom: a page's delete confirmation lists its notifications by this, to staff the
        # on-call of another team's restricted schedule is hidden from (``visibility.Names``).
        return f"notification {self.pk} via {self.channel} (step {self.step}, round {self.round})"


class Handover(models.Model):
    """A change of who is on call on a schedule, and the note the outgoing person left."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="handovers")
    at = models.DateTimeField(db_index=True)
    outgoing = models.JSONField(default=list)
    incoming = models.JSONField(default=list)
    note = models.TextField(blank=True)
    author = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["schedule", "at"], name="one_handover_per_change")
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} at {self.at:%Y-%m-%d %H:%M}"


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class FeedToken(NewestFirst):
    """A secret calendar feed URL (per person or per schedule); only its hash is stored.

    The feed shows what its owner may see, checked on every fetch; revoking it makes it 404.
    """

    PREFIX = "pmf_"

    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="feed_tokens")
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.CASCADE, related_name="feeds"
    )
    person = models.CharField(max_length=150, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    revoked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed {self.hint}… of {self.owner_id}"

    @classmethod
    def new_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
