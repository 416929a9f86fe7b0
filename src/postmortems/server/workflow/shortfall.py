"""Teams too small to review their own postmortems: who else is asked, and what the panel says.

A postmortem needs its severity's approvals (``review_approvals``) from people who may review it:
the reviewer role in one of its teams (or in the staff review team) and the right to read it. A
restricted postmortem of a team with one member besides its author has one such person and
could never be approved. Such a postmortem is *short of reviewers*; the staff fallback
(``pm remind``) does not wait for it: it asks the staff team's reviewers who may read it and the
superusers, who read every postmortem. Nobody else is let in: a staff reviewer outside a
restricted postmortem's teams still may not read it.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from postmortems.server.accounts.access import access_of
from postmortems.server.accounts.models import Membership
from postmortems.server.accounts.roles import Action, Role
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow import services
from postmortems.server.workflow.models import ReviewRequest


def staff_reviewers(team: str) -> list[User]:
    """The active members of ``team`` with the reviewer role or more."""
    rows = Membership.objects.filter(team__slug=team).select_related("user")
    reviewer_roles = {r.label for r in Role if r >= Role.REVIEWER}
    return [m.user for m in rows if m.role in reviewer_roles and m.user.is_active]


def may_review_count(pm: Postmortem, reviews: list[ReviewRequest]) -> int:
    """How many people besides its authors may review ``pm`` now: the reviewers asked (not
    declined) who still may, and those who could still be asked; superusers only once asked."""
    asked = sum(services.may_review(r.reviewer, pm) for r in reviews)
    return asked + len(services.reviewer_candidates(pm))


def is_short(pm: Postmortem, reviews: list[ReviewRequest]) -> bool:
    """Fewer people may review ``pm`` than its severity needs approvals (the users who could
    still be asked are looked for only when those asked are too few)."""
    needed = services.required_approvals(pm)
    if sum(services.may_review(r.reviewer, pm) for r in reviews) >= needed:
        return False
    return may_review_count(pm, reviews) < needed


def fallback_people(pm: Postmortem, staff_team: str) -> list[User]:
    """Who the staff fallback asks for a postmortem short of reviewers: the staff team's
    reviewers who may read it, then the superusers; never an author, nor anyone asked before."""
    mine = {u.pk for u in services.authors(pm)}
    asked = set(ReviewRequest.objects.filter(postmortem=pm).values_list("reviewer_id", flat=True))
    staff = staff_reviewers(staff_team) if staff_team else []
    found = [u for u in staff if u.pk not in mine | asked and services.may_review(u, pm)]
    seen = {u.pk for u in found}
    return found + [u for u in services.superusers_to_ask(pm) if u.pk not in seen]


def _whose(pm: Postmortem) -> str:
    teams = ", ".join(sorted(pm.teams))
    if pm.restricted:
        return f" (it is restricted to team {teams})"
    return f" (the reviewers of team {teams})" if teams else ""


def declined(pm: Postmortem) -> list[User]:
    """The reviewers who declined ``pm`` and still may review it: its authors may ask them
    again (the panel's *Ask again*)."""
    rows = ReviewRequest.objects.filter(postmortem=pm, state=ReviewRequest.State.DECLINED)
    people = [r.reviewer for r in rows.select_related("reviewer").order_by("reviewer__username")]
    return [u for u in people if u.is_active and services.may_be_asked(u, pm, None)]


def promotable(pm: Postmortem) -> list[User]:
    """The members of ``pm``'s teams an admin of the team could give the reviewer role: active,
    not an author, allowed to read it, and not yet allowed to review it."""
    mine = {u.pk for u in services.authors(pm)}
    rows = Membership.objects.filter(team__slug__in=pm.teams, user__is_active=True)
    people = {m.user.pk: m.user for m in rows.select_related("user") if m.user.pk not in mine}
    found = [u for u in people.values() if access_of(u).can(Action.READ, pm)]
    return sorted((u for u in found if not services.may_review(u, pm)), key=lambda u: u.username)


def _names(people: list[User]) -> str:
    return ", ".join(u.username for u in people)


def remedy(pm: Postmortem) -> str:
    """What gets a postmortem short of reviewers its approvals: ask a reviewer who declined
    again, the staff fallback, a member given the reviewer role, or (when the team has nobody
    else) a member added to the team; with no superuser left to ask, a new one."""
    teams = f"team {', '.join(sorted(pm.teams))}" if pm.teams else "its team"
    ways = []
    again = declined(pm)
    if again:
        ways.append(f"ask {_names(again)} again (declined)")
    fallback = services.superusers_to_ask(pm)
    if fallback:
        ways.append("the staff fallback (pm remind) asks the server's superusers for the rest")
    members = promotable(pm)
    if members:
        ways.append(f"ask an admin of {teams} to give {_names(members)} the reviewer role")
    else:
        ways.append(
            f"add a reviewer to {teams} (it has no other member who could get the role: "
            "a team admin or a superuser adds one on the Teams page)"
        )
    if not fallback:
        some = "another" if User.objects.filter(is_superuser=True, is_active=True).exists() else "a"
        ways.append(
            f"create {some} superuser for the staff fallback to ask "
            "(pm admin create-user NAME --superuser)"
        )
    return ", or ".join(ways)


def stuck(pm: Postmortem, reviews: list[ReviewRequest]) -> str:
    """Why ``pm`` in review cannot gather the approvals it needs, and what unblocks it ("" when
    it can): said on its review panel, to everyone who may review or write it."""
    if not is_short(pm, reviews):
        return ""
    needed, count = services.required_approvals(pm), may_review_count(pm, reviews)
    people = "nobody" if not count else f"only {count} {'person' if count == 1 else 'people'}"
    head = "Too few reviewers" if services.superusers_to_ask(pm) else "Approval is stuck"
    return (
        f"{head}: it needs {needed} approval{'s' if needed != 1 else ''}, and "
        f"{people} besides its authors may review it{_whose(pm)}: {remedy(pm)}."
    )
