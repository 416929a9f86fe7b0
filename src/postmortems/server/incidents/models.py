"""Incident rows: incidents, their timeline events and roles, integrations, alerts, ingest errors.

The domain rules (statuses, milestones, payloads, routing) live in :mod:`postmortems.incident`;
these models only store their values. Every change a person makes is an :class:`Event` row.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from postmortems.incident import routing
from postmortems.incident.lifecycle import STATUSES
from postmortems.incident.model import (
    EVENT_KINDS,
    MILESTONES,
    ROLES,
    SEVERITIES,
    IncidentError,
    Milestones,
    zone_info,
)
from postmortems.incident.payloads import KINDS
from postmortems.incident.routing import ACTIONS
from postmortems.server.accounts.models import Team
from postmortems.server.library.models import Postmortem
from postmortems.server.rows import NewestFirst
from postmortems.server.weburl import is_web_url

USER = settings.AUTH_USER_MODEL


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def known_zone(value: str) -> None:
    """A validator: an IANA zone name (a zone a sender's incidents cannot open in loses them)."""
    try:
        zone_info(value)
    except IncidentError as exc:
        raise ValidationError(exc.said) from None


def team_problem(restricted: bool, team: str, what: str = "a restricted incident") -> str:
    """Why ``team`` cannot be the team of ``what`` ('' when it can). A restricted incident is
    seen by its team only: with no team, or a team that does not exist, superusers alone would
    see it, and whoever declared it would lose it."""
    if not restricted:
        return ""
    if not team:
        return f"{what} needs a team: name the team that may see it (superusers alone otherwise)"
    if not Team.objects.filter(slug=team).exists():
        return f"no team {team!r}: {what} is seen by its team only; name an existing team"
    return ""


def missing_team(team: str) -> str:
    """Why a person cannot open an incident of ``team`` ('' when they can): a team the server
    does not have would be nobody's, its alerts routed to no policy (none is fine)."""
    if team and not Team.objects.filter(slug=team).exists():
        return f"no team {team!r}: an incident's team is one of the server's teams"
    return ""


class Integration(models.Model):
    """Where alerts come from: one endpoint ``/hooks/<kind>/<name>/`` with its own secret."""

    class Auth(models.TextChoices):
        BEARER = "bearer"
        HMAC = "hmac"

    name = models.SlugField(max_length=64)
    kind = models.CharField(max_length=16, choices=_choices(KINDS))
    team = models.CharField(max_length=64, blank=True, help_text="Team of what it opens.")
    restricted = models.BooleanField(default=False, help_text="Incidents it opens are restricted.")
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[known_zone],
        help_text="IANA zone of the incidents it opens: their timeline and postmortem read in it.",
    )
    auth = models.CharField(max_length=8, choices=Auth.choices, default=Auth.BEARER)
    secret_digest = models.CharField(max_length=64, help_text="SHA-256 of the bearer secret.")
    signing_key = models.CharField(
        max_length=100, blank=True, help_text="HMAC only: the secret itself, to check signatures."
    )
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kind", "name"], name="one_integration_per_path")
        ]

    def __str__(self) -> str:
        return self.path

    def clean(self) -> None:
        """The admin's form refuses a restricted integration without a team."""
        problem = team_problem(self.restricted, self.team, "a restricted integration")
        if problem:
            raise ValidationError({"team": problem})

    @property
    def path(self) -> str:
        """Where its sender posts, with the server's sub-path (``script_name``) when it has one."""
        return reverse("incidents:hook", args=(self.kind, self.name))


class RoutingRule(models.Model):
    """Label matchers → action, team, service, severity; lowest ``position`` first."""

    integration = models.ForeignKey(
        Integration,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text="Empty: the rule applies to every integration (after their own rules).",
    )
    position = models.PositiveIntegerField(default=0)
    matchers = models.TextField(help_text='One a line: severity="critical", service=~"db.*"')
    action = models.CharField(max_length=8, choices=_choices(ACTIONS), default="open")
    team = models.CharField(max_length=64, blank=True)
    service = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=8, blank=True, choices=_choices(SEVERITIES))
    policy = models.CharField(
        max_length=100,
        blank=True,
        help_text="Escalation policy (by name) an incident it opens pages; empty: the service's.",
    )
    page = models.BooleanField(
        default=False,
        help_text="Page also when an alert joins an open incident (not only when it opens one).",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["integration_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.matchers.strip()} → {self.action}"

    def as_rule(self) -> routing.Rule:
        """The rule routing applies; :class:`~postmortems.incident.routing.RoutingError` when a
        matcher cannot be used (a bad regular expression)."""
        return routing.rule(
            [line for line in self.matchers.splitlines() if line.strip()],
            self.action,
            team=self.team,
            service=self.service,
            severity=self.severity,
            policy=self.policy,
            page=self.page,
        )

    def clean(self) -> None:
        """The admin's form refuses a rule routing could not use (it would be skipped)."""
        try:
            self.as_rule()
        except routing.RoutingError as exc:
            raise ValidationError({"matchers": f"{exc.message} — {exc.hint}"}) from None


class Incident(NewestFirst):
    key = models.CharField(max_length=20, unique=True, help_text="INC-YYYY-NNNN")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    severity = models.CharField(max_length=8, choices=_choices(SEVERITIES), db_index=True)
    status = models.CharField(max_length=16, choices=_choices(STATUSES), db_index=True)
    team = models.CharField(max_length=64, blank=True, db_index=True)
    services = models.JSONField(default=list, blank=True)
    restricted = models.BooleanField(default=False, db_index=True)
    timezone = models.CharField(max_length=64, default="UTC")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Milestones: the effective values (from the events; hand-set ones win, kept in `manual`).
    started = models.DateTimeField(null=True, blank=True)
    detected = models.DateTimeField(null=True, blank=True)
    acknowledged = models.DateTimeField(null=True, blank=True)
    escalated = models.DateTimeField(null=True, blank=True)
    mitigated = models.DateTimeField(null=True, blank=True)
    resolved = models.DateTimeField(null=True, blank=True)
    manual = models.JSONField(default=dict, blank=True, help_text="Milestones set by hand.")
    # Where it came from.
    integration = models.ForeignKey(
        Integration, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    group_key = models.CharField(max_length=500, blank=True, db_index=True)
    opened_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    postmortem = models.ForeignKey(
        Postmortem, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    # The inbox's alert a person declared it from (none: declared by hand or through the API,
    # opened by routing, or its alert since deleted): its Time in inbox counts from that alert.
    declared_from = models.ForeignKey(
        "Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every change: the live page asks for the timeline only when it moved.
    revision = models.PositiveIntegerField(default=1)

    class Meta(NewestFirst.Meta):
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["year", "number"], name="one_incident_number")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    def clean(self) -> None:
        """The admin's form refuses a restricted incident without a team."""
        problem = team_problem(self.restricted, self.team)
        if problem:
            raise ValidationError({"team": problem})

    def milestone_values(self) -> dict[str, object]:
        return dict(self.milestones().items())

    def milestones(self) -> Milestones:
        """The milestone columns as the pure package's record (no read of the events)."""
        return Milestones(**{name: getattr(self, name) for name in MILESTONES})


class WebLink:
    """A row with a ``link`` from elsewhere (an alert's sender, a chat export), which may be
    anything: a page shows ``web_link``, the link when it is an http(s) address."""

    link: str

    @property
    def web_link(self) -> str:
        return self.link if is_web_url(self.link, longest=2000) else ""


class Event(WebLink, models.Model):
    """One entry of an incident's timeline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=_choices(EVENT_KINDS))
    text = models.TextField()
    author = models.CharField(max_length=200, blank=True, help_text="A person or a source.")
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(max_length=2000, blank=True)
    external_id = models.CharField(max_length=600, blank=True)
    key_moment = models.BooleanField(default=False)
    misleading = models.BooleanField(default=False)
    detail = models.JSONField(default=list, blank=True)
    created = models.DateTimeField()
    # The alert whose firing or end it records (alert-fired, alert-resolved): its details.
    alert = models.ForeignKey(
        "Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # A typed entry corrected by a person (its earlier versions are EventVersion rows) …
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.CharField(max_length=150, blank=True)
    # … or redacted: its text is then the marker, its earlier versions are gone.
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.CharField(max_length=150, blank=True)
    redaction_reason = models.CharField(max_length=500, blank=True)

    @property
    def posted_by(self) -> str:
        """Who posted it, when that is not the author it names (an API client may write any
        author: a chat bridge, or someone putting words in another's name; an alert attached
        from the inbox names its sender, and this is who attached it); else ""."""
        name = self.user.get_username() if self.user_id is not None and self.user else ""
        return name if name and name != self.author else ""

    class Meta:
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline entries"
        ordering: ClassVar[list[str]] = ["at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["incident", "external_id"],
                condition=~Q(external_id=""),
                name="one_event_per_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%H:%M} {self.kind}"


class EventVersion(models.Model):
    """An earlier version of a typed entry (a note, a chat message), kept when it was edited:
    its text and time then, who wrote that version and when. A redaction deletes them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="versions")
    text = models.TextField()
    at = models.DateTimeField(help_text="The entry's time in this version.")
    by = models.CharField(max_length=200, blank=True, help_text="Who wrote this version.")
    written = models.DateTimeField(help_text="When this version was written.")

    class Meta:
        ordering: ClassVar[list[str]] = ["written", "id"]

    def __str__(self) -> str:
        return f"version of event {self.event_id} by {self.by}"


class RoleAssignment(models.Model):
    """Who held a role from when until when (``until`` empty: holds it now)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=_choices(ROLES))
    person = models.CharField(max_length=150)
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["since", "id"]

    def __str__(self) -> str:
        return f"{self.person} as {self.role}"


class Alert(WebLink, models.Model):
    """One firing of an alert (fingerprint + start), in an incident or in the inbox. The same
    firing sent again after its incident ended is a new row of it, ``firings`` one more: routed
    as a new alert, never swallowed by the ended incident, which the row before it still names
    (docs/incidents.md, "Prometheus Alertmanager")."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    group_key = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=8, default="firing")
    summary = models.CharField(max_length=500, blank=True)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=2000, blank=True)
    action = models.CharField(max_length=8, choices=_choices(ACTIONS))
    team = models.CharField(max_length=64, blank=True, db_index=True)
    service = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=8, blank=True)
    restricted = models.BooleanField(default=False)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    received = models.DateTimeField()
    updated = models.DateTimeField()
    # How many times it fired with this start: one more each time it came back firing after it
    # resolved (Alertmanager sends the same startsAt again after its resolve_timeout).
    firings = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar[list[str]] = ["-received", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["integration", "fingerprint", "starts_at", "firings"],
                name="one_alert_per_firing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fingerprint} {self.status}"

    def clean(self) -> None:
        """The admin's form refuses a restricted alert without a team (like an incident)."""
        problem = team_problem(self.restricted, self.team, "a restricted alert")
        if problem:
            raise ValidationError({"team": problem})


class Dismissal(models.Model):
    """An alert a person took out of the inbox, when and why. Undo ends it (``undone``) and puts
    the alert back; the record stays. A new firing of the alert (a new start) is a new alert,
    in the inbox. A table of its own: ingestion's bulk insert of alerts stays one statement."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="dismissals")
    at = models.DateTimeField()
    by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    why = models.CharField(max_length=200, blank=True)
    undone = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["alert"], condition=Q(undone__isnull=True), name="one_dismissal_at_a_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} dismissed {self.at:%Y-%m-%d %H:%M}"


class IngestError(models.Model):
    """A payload an integration refused, kept for whoever configures the sender."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="ingest_errors"
    )
    at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField()
    error = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    excerpt = models.CharField(max_length=500, blank=True, help_text="The body's beginning.")
    sender_known = models.BooleanField(
        default=True, help_text="False: refused before the sender proved who it is."
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.integration} {self.status}: {self.error}"


class Counter(models.Model):
    """The last incident number of a year: locked while an incident is opened."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
