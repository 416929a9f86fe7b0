"""A team's admins manage its members on /teams/: add, change a role, remove; never the last
admin, never another team, never an account that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import logged_in

pytestmark = pytest.mark.django_db


def _roles(team: str) -> dict[str, str]:
    from postmortems.server.accounts.models import Membership

    rows = Membership.objects.filter(team__slug=team).values_list("user__username", "role")
    return dict(rows)


def _said(answer: Any) -> str:
    page = BeautifulSoup(answer.content, "html.parser")
    return " ".join(li.get_text(" ", strip=True) for li in page.select("ul.messages li"))


def test_a_team_admin_adds_changes_and_removes_a_member(make_user: Any) -> None:
    ada = logged_in(make_user("ada", "admin", team="sre"))
    make_user("bob", "viewer", team="web")  # an account, in another team
    page = BeautifulSoup(ada.get("/teams/").content, "html.parser")
    members = page.select_one("#team-sre ul.members").get_text(" ", strip=True)
    assert members == "ada admin"
    assert (
        page.select_one("#team-sre h2").get_text(" ", strip=True).lower() == "sre"
    )  # not "Sre sre"
    form = page.select_one('#team-sre form[action="/teams/sre/members/"]')
    assert form.select_one("[name=csrfmiddlewaretoken]") is not None
    added = ada.post(
        "/teams/sre/members/", {"sre-username": "bob", "sre-role": "author"}, follow=True
    )
    assert "bob is author in sre." in _said(added)
    assert _roles("sre") == {"ada": "admin", "bob": "author"}
    assert _roles("web") == {"bob": "viewer"}  # the other team is as it was
    ada.post("/teams/sre/members/", {"sre-username": "bob", "sre-role": "reviewer"})
    assert _roles("sre")["bob"] == "reviewer"
    gone = ada.post("/teams/sre/members/", {"sre-username": "bob", "sre-role": "none"}, follow=True)
    assert "bob left sre." in _said(gone)
    assert _roles("sre") == {"ada": "admin"}


def test_the_admin_role_is_a_superusers_and_the_last_active_admin_stays(make_user: Any) -> None:
    """A role in any team counts for postmortems of no team: a team's admin cannot make an
    admin (or unmake one); a superuser can, and never leaves a team without an active admin."""
    ada = logged_in(make_user("ada", "admin", team="sre"))
    make_user("eve", "viewer", team="web")
    page = BeautifulSoup(ada.get("/teams/").content, "html.parser")
    offered = [o["value"] for o in page.select('#team-sre select[name="sre-role"] option')]
    assert offered == ["viewer", "author", "reviewer", "none"]
    for who, role in (("eve", "admin"), ("ada", "none"), ("ada", "viewer")):
        body = {"sre-username": who, "sre-role": role}
        said = _said(ada.post("/teams/sre/members/", body, follow=True))
        assert "Only a superuser gives or takes the admin role." in said
    assert _roles("sre") == {"ada": "admin"}
    root = logged_in(make_user("root", superuser=True))

    def by_root(who: str, role: str) -> str:
        body = {"sre-username": who, "sre-role": role}
        return _said(root.post("/teams/sre/members/", body, follow=True))

    assert "ada is sre's only admin: make another first." in by_root("ada", "none")
    ivan = make_user("ivan", "admin", team="sre")
    ivan.is_active = False
    ivan.save()
    assert "only admin" in by_root("ada", "none")  # an inactive admin is no admin
    assert "ivan left sre." in by_root("ivan", "none")  # an inactive account can be taken out
    by_root("eve", "admin")
    assert "ada left sre." in by_root("ada", "none")
    assert _roles("sre") == {"eve": "admin"}
    assert "No active user 'zed'" in by_root("zed", "viewer")
    assert "Not changed" in by_root("eve", "owner")


def test_only_the_teams_admins_manage_its_members(make_user: Any) -> None:
    make_user("ada", "admin", team="web")
    author = logged_in(make_user("bob", "author", team="sre"))
    page = BeautifulSoup(author.get("/teams/").content, "html.parser")
    assert page.select_one("#team-sre ul.members") is not None  # members see who is in it
    assert page.select_one('#team-sre form[action="/teams/sre/members/"]') is None
    body = {"sre-username": "bob", "sre-role": "admin"}
    assert author.post("/teams/sre/members/", body).status_code == 403  # no self-promotion
    outsider = logged_in(make_user("cy", "admin", team="db"))
    web = {"web-username": "cy", "web-role": "admin"}
    assert outsider.post("/teams/web/members/", web).status_code == 404
    assert Client().post("/teams/sre/members/", body).status_code == 302  # to the sign-in
    assert _roles("sre") == {"bob": "author"}
    assert _roles("web") == {"ada": "admin"}


def test_a_refused_member_form_says_which_field_and_why(make_user: Any) -> None:
    """It said "give a user name" to a 400-character one: now the field and its limit."""
    ada = logged_in(make_user("ada", "admin", team="sre"))
    for body, expected in (
        ({"sre-username": "x" * 400, "sre-role": "viewer"}, "User: Ensure this value has at most"),
        ({"sre-username": "", "sre-role": "viewer"}, "User: This field is required."),
        ({"sre-username": "bob", "sre-role": "owner"}, "Role: Select a valid choice."),
    ):
        said = _said(ada.post("/teams/sre/members/", body, follow=True))
        assert said.startswith("Not changed: " + expected), said
    assert _roles("sre") == {"ada": "admin"}
