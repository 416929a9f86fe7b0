"""What still pages an escalation policy, so that it is neither deleted nor renamed from under
it: a service names it (by name: an alert about the service pages it), a routing rule names it
(an alert the rule routes pages it), it is the only policy of a team alerts are routed to (an
alert with no policy of its own pages it: docs/oncall.md, "No policy for the service: the
team's one"), and a page of it is escalating now (deleted, the page would stop paging).

Checked wherever a policy is deleted, renamed or moved to another team (which takes it from
its team's alerts only) — the admin (its delete page, its "delete selected" action, its change
form) and ``pm oncall apply`` (and its API) deleting a policy its file no longer holds, or
changing its ``team:`` — with the same words. A service or a routing rule names a policy that
exists (:func:`unknown`, the admin's forms; ``pm oncall apply`` checks its services itself).
A refusal names a service, an integration or a page only to someone who may see it; anyone else
reads how many of another team there are.
The pages a policy paged before keep its name (``Page.policy_name``): history is no reference.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q

from postmortems.oncall.spec import shown_file
from postmortems.server.accounts.access import Access
from postmortems.server.oncall.models import Page, Policy, Service
from postmortems.server.oncall.targets import sees_all
from postmortems.server.oncall.visibility import visible_policies, visible_services

INCIDENTS = "postmortems.server.incidents"


@dataclass(frozen=True)
class Change:
    """What is about to happen to the policies ``names``: ``how`` they go (``deleted``,
    ``renamed to 'x'``); ``skip``: services the same change rewrites or deletes (their policy is
    checked as they are saved); ``kept``: teams the same change gives a policy; ``keep``: the
    other way out, said last."""

    names: Collection[str]
    how: str = "deleted"
    renamed: bool = False
    moved: bool = False  # to another team: only its old team's alerts lose it
    keep: str = "keep this one"
    skip: Collection[str] = ()
    kept: Collection[str] = ()


def still_used(change: Change, *, viewer: Access | None) -> list[str]:
    """Why the policies of ``change`` may not go: one line per policy and kind of reference,
    each saying what to do first; empty when nothing pages them."""
    problems: list[str] = []
    for name in sorted(change.names):
        if not change.moved:  # a move keeps the name services and rules page it by
            problems += _services(name, change, viewer)
            problems += _rules(name, change, viewer)
        if not change.renamed:  # a rename keeps the team's policy and the pages' row
            problems += _fallback(name, change, viewer)
        if not (change.renamed or change.moved):  # a page goes on paging a policy kept
            problems += _pages(name, change)
    return problems


def moved_to(team: str) -> str:
    """How a policy moved to ``team`` is said: ``moved to team 'blue'`` (or ``to no team``)."""
    return f"moved to team {team!r}" if team else "moved to no team"


POLICIES_SHOWN = 20  # the policies a refusal lists at most


def unknown(name: str, *, viewer: Access | None, what: str) -> str:
    """Why a service or a routing rule may not page the policy ``name`` ('' when one of that
    name exists, or none is named): ``what`` (an alert it routes) would page nobody. The
    refusal lists the policies ``viewer`` may see (all of them for None). A policy ``viewer``
    may not see is refused as one that does not exist: the answer tells nothing of it."""
    rows = Policy.objects.all() if viewer is None or sees_all(viewer) else visible_policies(viewer)
    if not name or rows.filter(name=name).exists():
        return ""
    names = list(rows.order_by("name").values_list("name", flat=True)[: POLICIES_SHOWN + 1])
    make = "make it first (the admin's escalation policies, or pm oncall apply)"
    if not names:
        choose = f"there is none you may see: {make}"
    else:
        more = ", …" if len(names) > POLICIES_SHOWN else ""
        choose = f"name one that exists ({', '.join(names[:POLICIES_SHOWN])}{more}), or {make}"
    return f"no escalation policy {name!r}: {what} would page nobody — {choose}"


def _listed(shown: list[str], hidden: int, noun: str) -> str:
    """``service a, service b and 2 services of another team, ones you may not see``."""
    parts = [f"{noun} {label}" for label in shown]
    if hidden == 1:
        parts.append(f"a {noun} of another team, one you may not see")
    elif hidden:
        parts.append(f"{hidden} {noun}s of another team, ones you may not see")
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _services(name: str, change: Change, viewer: Access | None) -> list[str]:
    rows = Service.objects.filter(policy=name).exclude(name__in=sorted(change.skip))
    found = list(rows.order_by("name").values_list("name", "managed_by"))
    if not found:
        return []
    seen = {s for s, _ in found}
    if viewer is not None and not sees_all(viewer):
        seen = set(visible_services(viewer).filter(name__in=seen).values_list("name", flat=True))
    shown = [s + (f" (kept in {shown_file(f)})" if f else "") for s, f in found if s in seen]
    hidden = len(found) - len(shown)
    last = "ask a superuser to change those you may not see" if hidden else change.keep
    them = "it" if len(found) == 1 else "them"
    return [
        f"policy {name!r} is paged by {_listed(shown, hidden, 'service')}: {change.how}, an "
        f"alert about {them} would have no policy of its own to page — name another policy for "
        f"{them} first (escalation_policy), or {last}"
    ]


def _visible_integrations(viewer: Access | None) -> set[int] | None:
    """The ids of the integrations ``viewer`` may see; None: all of them."""
    if viewer is None or sees_all(viewer):
        return None
    from postmortems.server.incidents import rights

    return set(rights.integrations(viewer).values_list("pk", flat=True))


def _rules(name: str, change: Change, viewer: Access | None) -> list[str]:
    if not apps.is_installed(INCIDENTS):
        return []
    from postmortems.server.incidents.models import RoutingRule

    rules = list(RoutingRule.objects.filter(policy=name).select_related("integration"))
    if not rules:
        return []
    mine = _visible_integrations(viewer)
    shown = [
        " ".join(r.matchers.split())
        + (
            f" of integration {_integration(r.integration)}"
            if r.integration
            else " of every integration"
        )
        for r in rules
        if mine is None or r.integration_id in mine
    ]
    said = _listed(shown, len(rules) - len(shown), "routing rule")
    return [
        f"policy {name!r} is paged by {said}: {change.how}, an alert it routes would have no "
        "policy of its own to page — name another policy in the rule first (the admin's "
        f"routing rules), or {change.keep}"
    ]


def _integration(row: Any) -> str:
    return f"{row.kind}/{row.name}"


def _fallback(name: str, change: Change, viewer: Access | None) -> list[str]:
    """The policy is its team's only one, which the team's alerts with no policy of their own
    page, and nothing else of the team's is left after the change. When the change takes all
    of a team's policies at once, said once, of the first of them."""
    team = Policy.objects.filter(name=name).values_list("team", flat=True).first()
    if not team or team in change.kept or not apps.is_installed(INCIDENTS):
        return []
    of_team = set(Policy.objects.filter(team=team).values_list("name", flat=True))
    going = sorted(of_team & set(change.names))
    if of_team - set(going) or name != going[0]:
        return []  # others are left; or said of the first of those going together
    from postmortems.server.incidents.models import Integration, RoutingRule

    routed = Integration.objects.filter(Q(team=team) | Q(rules__team=team), active=True)
    everywhere = RoutingRule.objects.filter(team=team, integration=None).exists()
    found = sorted({(i.pk, _integration(i)) for i in routed})
    if not found and not everywhere:
        return []
    mine = _visible_integrations(viewer)
    shown = [label for pk, label in found if mine is None or pk in mine]
    hidden = len(found) - len(shown)
    said = _listed(shown, hidden, "integration") if found else ""
    if everywhere:
        said += (" and " if said else "") + "every integration (a routing rule names the team)"
    them = f"policy {name!r} is the only escalation policy"
    if len(going) > 1:
        them = f"policies {', '.join(map(repr, going))} are all the escalation policies"
    return [
        f"{them} of team {team}, whose alerts come from {said}: an alert with no policy of its "
        f"own pages {'it' if len(going) == 1 else 'one'}; {change.how}, such an alert would "
        f"page nobody — make another policy of team {team} first"
    ]


def _pages(name: str, change: Change) -> list[str]:
    rows = Page.objects.filter(policy__name=name, state=Page.State.OPEN).order_by("pk")
    found = [f"page {p.pk}" + (f" ({p.incident_key})" if p.incident_key else "") for p in rows]
    if not found:
        return []
    return [
        f"policy {name!r} is escalating {', '.join(found)} now: {change.how}, "
        f"{'it' if len(found) == 1 else 'they'} would stop paging — acknowledge "
        f"{'it' if len(found) == 1 else 'them'} first, or wait until its steps run out"
    ]
