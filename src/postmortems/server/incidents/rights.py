"""Who sees and changes which incidents: the postmortems' team rules (:mod:`accounts.access`).

A restricted incident is visible only to members of its team (and superusers), like a restricted
postmortem naming that team; everything else to anyone with the viewer role somewhere. Changing
an incident (a note, a status, a role) needs the author role in its team (in any team when it
has none). Alerts and ingest errors follow the same rule through their team and restriction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from postmortems.incident import lifecycle
from postmortems.server.accounts.access import Access
from postmortems.server.accounts.models import Team
from postmortems.server.accounts.roles import Action, Role
from postmortems.server.incidents.models import (
    Alert,
    Dismissal,
    Event,
    Incident,
    IngestError,
    Integration,
)


def _teams(team: str) -> frozenset[str]:
    return frozenset({team}) if team else frozenset()


def sees(access: Access, incident: Incident) -> bool:
    if not access.may(Action.READ):
        return False
    return not incident.restricted or access.superuser or incident.team in access.teams


def readers_see(reader: Incident, other: Incident) -> bool:
    """Whether everyone who may see ``reader`` may see ``other``, so that ``reader``'s timeline
    may name it: ``other`` is not restricted, or both are restricted to the same team."""
    return not other.restricted or (reader.restricted and reader.team == other.team)


def changes(access: Access, incident: Incident) -> bool:
    return sees(access, incident) and access.role_in(_teams(incident.team)) >= Role.AUTHOR


# The entries a person typed or imported (a note, a chat message): the ones that may be edited
# or redacted. What the server or a sender recorded (alerts, status and role changes, pages,
# deploys, the on-call app's notes) is the record of what happened, and stays as it was.
TYPED_KINDS = ("note", "chat-message")


def typed(event: Event) -> bool:
    """A note or chat message posted by an account (the page, the API, a Slack import), not one
    the server wrote (the on-call app's notes have no account)."""
    return event.kind in TYPED_KINDS and event.user_id is not None


def _admin(access: Access, incident: Incident) -> bool:
    return sees(access, incident) and access.role_in(_teams(incident.team)) >= Role.ADMIN


def edits(access: Access, incident: Incident, event: Event, name: str, commander: str) -> bool:
    """Whether ``access`` (the account ``name``) may correct ``event``: a typed entry not
    redacted, by who may change the incident and is its author (posted in their own name), the
    incident's commander (``commander``: who holds the role now) or an admin of its team."""
    if not typed(event) or event.redacted_at is not None or not changes(access, incident):
        return False
    own = event.user_id == access.user_id and event.author == name
    return own or (bool(name) and name == commander) or _admin(access, incident)


def redacts(access: Access, incident: Incident, event: Event, name: str, commander: str) -> bool:
    """Whether ``access`` may redact ``event``: a typed entry not redacted yet, by an admin of the
    incident's team or its commander (with the right to change it). Not its author alone:
    a redaction takes text off the record for good, which the person who runs the response or
    the team's admin decides."""
    if not typed(event) or event.redacted_at is not None:
        return False
    commands = bool(name) and name == commander and changes(access, incident)
    return commands or _admin(access, incident)


def _scope(access: Access) -> Q:
    if not access.authenticated or not access.may(Action.READ):
        return Q(pk__in=[])
    if access.superuser:
        return Q()
    return Q(restricted=False) | Q(team__in=sorted(access.teams))


def visible(access: Access) -> QuerySet[Incident]:
    """The incidents ``access`` may see."""
    return Incident.objects.filter(_scope(access))


def shown_links(access: Access, incidents: list[Incident]) -> dict[int, dict[str, str | None]]:
    """For each incident, the keys of its postmortem and of the incident it duplicates, each
    None unless ``access`` may see it: a link to a hidden one would name it. Two queries for a
    list."""
    from postmortems.server.library.queries import visible as visible_postmortems

    pms = {i.postmortem_id for i in incidents if i.postmortem_id}
    others = {i.duplicate_of_id for i in incidents if i.duplicate_of_id}
    pm_keys: dict[int | None, str] = dict(
        visible_postmortems(access).filter(pk__in=pms).values_list("pk", "key")
    )
    keys: dict[int | None, str] = dict(
        visible(access).filter(pk__in=others).values_list("pk", "key")
    )
    return {
        i.pk: {
            "postmortem": pm_keys.get(i.postmortem_id),
            "duplicate_of": keys.get(i.duplicate_of_id),
        }
        for i in incidents
    }


MAX_WORDS = 8
# The same rule as a pattern, for the API's schema: at most 8 runs of non-space, and no NUL.
WORDS_PATTERN = r"^[^\S\x00]*(?:[^\s\x00]+(?:[^\S\x00]+|$)){0,8}$"
# and a letter or a digit among them, of any script (or nothing, for a list's optional words):
# what the schema says of the words (`[^\W_]` is Python's, as str.isalnum)
WORDS_SCHEMA_PATTERN = "^(?=$|[^\\x00]*[^\\W_])" + WORDS_PATTERN[1:]
AROUND = ".,;:!?\"'()[]{}<>"  # punctuation around a word, not part of it


def search_words(q: str) -> list[str]:
    """The words of a search, without the punctuation around them ("edge-proxy," is
    "edge-proxy"; a lone "-" is none). A ValueError, said as the pages and the API say it, for
    more than :data:`MAX_WORDS` or for text without a word (``%``, ``!!!``: it would match
    nothing, or, as no filter, everything)."""
    given = q.split()
    if len(given) > MAX_WORDS:
        raise ValueError(f"search for {MAX_WORDS} words at most ({len(given)} given)")
    words = [w.strip(AROUND) for w in given]
    found = [w for w in words if any(c.isalnum() for c in w)]
    if given and not found:
        raise ValueError(f"no words to search for in “{' '.join(given)}”: give letters or digits")
    return found


OPEN = "open"  # the list's status filter for every status not ended (the banner's link)


def listed(
    access: Access,
    *,
    status: str = "",
    team: str = "",
    severity: str = "",
    since: dt.date | None = None,
    to: dt.date | None = None,
) -> QuerySet[Incident]:
    """The incidents ``access`` may see with the list's filters (its words and order:
    :func:`textsearch.listed`); ``since`` and ``to``: the days (UTC, both included) it
    started in, or was opened in when its start is not known."""
    qs = in_period(visible(access), since, to)
    if status == OPEN:
        qs, status = qs.exclude(status__in=lifecycle.ENDED), ""
    for name, value in (("status", status), ("team", team), ("severity", severity)):
        if value:
            qs = qs.filter(**{name: value})
    return qs


def in_period(
    qs: QuerySet[Incident], since: dt.date | None, until: dt.date | None
) -> QuerySet[Incident]:
    """The incidents of ``qs`` that began from ``since`` to ``until`` (days, both included;
    None: open-ended): its start, else when it was opened, as the list shows it."""
    if since is None and until is None:
        return qs
    qs = qs.alias(day=Coalesce("started", "created"))
    if since is not None:
        qs = qs.filter(day__date__gte=since)
    if until is not None:
        qs = qs.filter(day__date__lte=until)
    return qs


def changeable(access: Access) -> QuerySet[Incident]:
    """The incidents ``access`` may change (:func:`changes`, as a query)."""
    if access.superuser:
        return visible(access)
    authored = sorted(t for t, role in access.team_roles if role >= Role.AUTHOR)
    mine = Q(team__in=authored)
    if access.role >= Role.AUTHOR:  # an incident of no team: the highest role anywhere
        mine |= Q(team="")
    return visible(access).filter(mine)


def alerts(access: Access) -> QuerySet[Alert]:
    """The alerts ``access`` may see, wherever they are (the incidents' team rule)."""
    return Alert.objects.filter(_scope(access))


def declared_from(access: Access, incident: Incident) -> Alert | None:
    """The inbox's alert ``incident`` was declared from, with its integration, when ``access``
    may see it: none for one declared otherwise, and none for an alert of another team's
    restriction (its page and the API say only that it exists, or nothing)."""
    if incident.declared_from_id is None:
        return None
    found = alerts(access).filter(pk=incident.declared_from_id)
    return found.select_related("integration").first()


def inbox(access: Access) -> QuerySet[Alert]:
    """Alerts not in an incident and not dismissed that ``access`` may see."""
    dismissed_now = Dismissal.objects.filter(alert=OuterRef("pk"), undone__isnull=True)
    return alerts(access).filter(~Exists(dismissed_now), incident__isnull=True)


def dismissed(access: Access) -> QuerySet[Dismissal]:
    """The dismissals in force of alerts (in no incident) that ``access`` may see, the last
    first."""
    seen = alerts(access).filter(incident__isnull=True).values("pk")
    return Dismissal.objects.filter(undone__isnull=True, alert__in=seen).order_by("-at", "-id")


def handles(access: Access, alert: Alert) -> bool:
    """Whether ``access`` may dismiss ``alert`` or undo that: it sees it and has the author role
    in its team (in any team when it has none), as for changing an incident of that team."""
    seen = access.may(Action.READ) and (
        not alert.restricted or access.superuser or alert.team in access.teams
    )
    return seen and access.role_in(_teams(alert.team)) >= Role.AUTHOR


def integrations(access: Access) -> QuerySet[Integration]:
    """The integrations whose ingest errors ``access`` may read: those of the user's teams
    (superusers: all; an integration without a team: admins)."""
    if access.superuser:
        return Integration.objects.all()
    if not access.authenticated:
        return Integration.objects.none()
    mine = Q(team__in=sorted(access.teams))
    return Integration.objects.filter(mine | Q(team="") if access.role >= Role.ADMIN else mine)


def ingest_errors(access: Access) -> QuerySet[IngestError]:
    return IngestError.objects.filter(integration__in=integrations(access))


def get(access: Access, key: str, *, change: bool = False) -> Incident:
    """The incident ``key`` (in any case: keys are ``INC-YYYY-NNNN``) if visible (else 404,
    like a missing one); 403 without the right."""
    key = key.strip().upper()
    incident = visible(access).filter(key=key).first()
    if incident is None:
        raise Http404(f"no incident {key} that you may see")
    if change and not changes(access, incident):
        raise PermissionDenied("your role in this incident's team cannot change it")
    return incident


def may_declare(access: Access, team: str) -> bool:
    if team and not access.superuser and team not in access.teams:
        return False
    return access.role_in(_teams(team)) >= Role.AUTHOR


def declaring_teams(me: Access) -> list[str]:
    """The teams ``me`` may declare an incident for, or move one to (:func:`may_declare`, the
    rule both are checked by)."""
    teams = Team.objects.values_list("slug", flat=True) if me.superuser else me.teams
    return sorted(t for t in teams if may_declare(me, t))


def declare_refusal(access: Access, team: str) -> str:
    """Why ``access`` may not declare an incident of ``team`` ('' when it may)."""
    if may_declare(access, team):
        return ""
    return f"you need the author role in team {team} to declare" if team else "you cannot declare"


RESPONDERS_SHOWN = 300


def _responding(incident: Incident) -> QuerySet[Any]:
    """The active accounts that may see ``incident`` and take a role in it: its team's and
    superusers when it is restricted, else anyone with a role somewhere."""
    from django.contrib.auth.models import User

    members = (
        Q(memberships__team__slug=incident.team)
        if incident.restricted
        else Q(memberships__isnull=False)
    )
    return User.objects.filter(members | Q(is_superuser=True), is_active=True).distinct()


def responders(incident: Incident) -> list[str]:
    """The active accounts that may take a role in ``incident`` (the names the role form
    suggests; ``services._check_responder`` is the rule): its team's and superusers when it is
    restricted, else anyone with a role somewhere."""
    rows = _responding(incident).order_by("username")
    return list(rows.values_list("username", flat=True)[:RESPONDERS_SHOWN])


def readers(incident: Incident, names: Iterable[str]) -> frozenset[str]:
    """Those of ``names`` that are active accounts that may see ``incident`` (all of
    :func:`responders`, not the first :data:`RESPONDERS_SHOWN`): one query."""
    wanted = sorted(set(names))
    rows = _responding(incident).filter(username__in=wanted)
    return frozenset(rows.values_list("username", flat=True))
