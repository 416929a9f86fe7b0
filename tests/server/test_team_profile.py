"""The team's postmortem format: set by its admins on /teams/, used by "Write the postmortem"."""

from __future__ import annotations

from typing import Any, cast

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.test import Client
from tests.server.incident_fixtures import logged_in, open_incident

pytestmark = pytest.mark.django_db


_login = logged_in


@pytest.fixture
def opened(client: Client) -> Any:
    return open_incident(client)


def _profile(team: str = "sre") -> str:
    from postmortems.server.accounts.models import Team

    return str(Team.objects.get(slug=team).draft_profile)


def test_the_choices_are_the_draft_formats() -> None:
    from postmortems.incident.draft import PROFILES as DRAFTS
    from postmortems.server.accounts.forms import TeamSettingsForm

    field = TeamSettingsForm().fields["draft_profile"]
    assert isinstance(field, forms.ChoiceField)
    offered = [value for value, _ in cast(list[tuple[str, str]], field.choices)]
    assert offered == list(DRAFTS)


def test_a_team_admin_sets_the_format_on_the_teams_page(make_user: Any) -> None:
    me = _login(make_user("ada", "admin", team="sre"))
    page = BeautifulSoup(me.get("/teams/").content, "html.parser")
    form = page.select_one("#team-sre form")
    assert form is not None
    assert form.select_one("[name=csrfmiddlewaretoken]") is not None
    answer = me.post("/teams/sre/", {"sre-draft_profile": "google-sre"}, follow=True)
    assert answer.status_code == 200
    assert "drafts postmortems as google-sre" in answer.content.decode()
    assert _profile() == "google-sre"


def test_an_unknown_format_is_a_400_naming_the_field(make_user: Any) -> None:
    me = _login(make_user("ada", "admin", team="sre"))
    answer = me.post("/teams/sre/", {"sre-draft_profile": "haiku"})
    assert answer.status_code == 400
    assert "Not saved" in answer.content.decode()
    assert _profile() == "classic"


def test_only_the_teams_admins_change_it(make_user: Any) -> None:
    make_user("ada", "admin", team="web")  # admin elsewhere
    author = _login(make_user("bob", "author", team="sre"))
    page = BeautifulSoup(author.get("/teams/").content, "html.parser")
    assert page.select_one("#team-sre") is not None
    assert page.select_one("#team-sre form") is None  # shown, not editable
    assert author.post("/teams/sre/", {"sre-draft_profile": "minimal"}).status_code == 403
    outsider = _login(make_user("cy", "admin", team="db"))
    assert outsider.post("/teams/web/", {"web-draft_profile": "minimal"}).status_code == 404
    assert "team-web" not in outsider.get("/teams/").content.decode()
    assert (_profile("sre"), _profile("web")) == ("classic", "classic")
    assert Client().post("/teams/sre/", {"sre-draft_profile": "minimal"}).status_code == 302


def test_write_the_postmortem_uses_the_teams_format_unless_told(
    make_user: Any, opened: Any
) -> None:
    from postmortems.server.accounts.models import Team

    me = _login(make_user("ann", "author", team="sre"))
    Team.objects.filter(slug="sre").update(draft_profile="google-sre")
    preview = me.get(f"/incidents/{opened.key}/postmortem/").content.decode()
    assert "## Lessons Learned" in preview  # google-sre's section
    chosen = BeautifulSoup(preview, "html.parser").select_one("select[name=profile] [selected]")
    assert chosen is not None
    assert chosen.text == "google-sre"
    explicit = me.get(f"/incidents/{opened.key}/postmortem/", {"profile": "classic"})
    assert "## Lessons Learned" not in explicit.content.decode()
    me.post(f"/incidents/{opened.key}/postmortem/")
    opened.refresh_from_db()
    assert "## Lessons Learned" in opened.postmortem.text


def test_the_apis_default_is_the_teams_format(make_user: Any, opened: Any) -> None:
    import json

    from postmortems.server.accounts.models import ApiToken, Team

    _, token = ApiToken.issue(make_user("ann", "author", team="sre"), "t")
    Team.objects.filter(slug="sre").update(draft_profile="minimal")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    answer = api.post(
        f"/api/incidents/{opened.key}/postmortem", json.dumps({}), content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert "## Root Cause\n" in answer.json()["text"]  # the minimal format
    assert "## Lessons Learned" not in answer.json()["text"]


def test_the_teams_page_links_under_a_sub_path(make_user: Any) -> None:
    from django.urls import set_script_prefix

    me = _login(make_user("ada", "admin", team="sre"))
    set_script_prefix("/pm/")  # what the WSGI handler sets under SCRIPT_NAME=/pm
    try:
        page = BeautifulSoup(me.get("/teams/").content, "html.parser")
    finally:
        set_script_prefix("/")
    form = page.select_one("#team-sre form")
    assert form is not None
    assert form["action"] == "/pm/teams/sre/"


_MINIMAL_TEXT = """---
title: Checkout cache outage
id: PM-T-MIN
teams: [sre]
timezone: UTC
started: 2026-12-01T10:00
resolved: 2026-12-01T11:00
---

## Summary

From 10:00 to 11:00 UTC (1 hour) the checkout cache rejected every connection, so 30% of users
could not pay. The root cause was a config push that lowered the Redis client limit to 100.

## Timeline

- 10:00 - Config change 4411 rolled out to the Redis cluster.
- 10:04 - The checkout 5xx alert paged the on-call engineer.
- 10:40 - The change was reverted; errors dropped to zero.

## Root Cause

Change 4411 meant to lower the client limit on a test cluster, but its targets included
production, and the checkout pods retried without backoff.

## Resolution

Reverting change 4411 at 10:40 restored checkout.

## Action Items

- [ ] Show the per-cluster diff in the config tool before a push.
"""


def _codes(client: Client, text: str) -> set[str]:
    answer = client.post("/api/lint", {"text": text}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return {f["code"] for f in answer.json()["findings"]}


def test_the_live_lint_holds_a_postmortem_to_its_teams_format(make_user: Any) -> None:
    """A team that drafts minimal postmortems is not told to rename their headings to the
    classic ones (PM112) or to write 400 words (PM601)."""
    from postmortems.server.accounts.models import Team

    me = _login(make_user("ann", "author", team="sre"))
    assert {"PM112", "PM601"} <= _codes(me, _MINIMAL_TEXT)  # held to classic, the default
    Team.objects.filter(slug="sre").update(draft_profile="minimal")
    assert not {"PM112", "PM601"} & _codes(me, _MINIMAL_TEXT)
    other = _MINIMAL_TEXT.replace("teams: [sre]", "teams: [web]")  # a team that chose nothing
    assert {"PM112", "PM601"} <= _codes(me, other)


def test_an_approval_checks_the_teams_format(make_user: Any) -> None:
    """A team that writes Google SRE postmortems has a classic-shaped one refused at approval
    for the sections that template asks for (PM107 Impact)."""
    from postmortems.server.accounts.models import Team
    from postmortems.server.library import store
    from postmortems.server.workflow.services import lint_errors

    pm = store.create(_MINIMAL_TEXT, None).postmortem
    assert not [e for e in lint_errors(pm) if "PM107" in e]
    Team.objects.get_or_create(slug="sre", defaults={"name": "sre"})
    Team.objects.filter(slug="sre").update(draft_profile="google-sre")
    assert [e for e in lint_errors(pm) if "PM107" in e]
