"""`pm page open` on the server's database pages as the --as account (or the operating-system
user's) only when that account may page the policy's team, by the rule the pages form and
``POST /api/oncall/pages`` apply (the author role in its team), and for an incident only one
it may change; a refusal says what is wrong and how to fix it, pages nobody and exits non-zero
without a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from incident_fixtures import declared, logged_in
from oncall_fixtures import apply, pm_here, policy, rotation

pytestmark = pytest.mark.django_db

OPEN = ("page", "open", "--policy", "sre-page", "--summary", "db down")


@pytest.fixture
def pm(make_user: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """Team sre: ivy (author), vic (viewer), carol on call; ops: otto (author); policy sre-page
    of team sre."""
    make_user("ivy", "author")
    make_user("vic", "viewer")
    make_user("carol", "author")
    make_user("otto", "author", team="ops")
    apply(rotation("primary", ("carol",)), source="")
    apply(policies=(policy(steps=(((("schedule", "primary"),), 10),)),), source="")
    return pm_here(monkeypatch, capsys, "page")


def _pages() -> int:
    from postmortems.server.oncall.models import Page

    return Page.objects.count()


@pytest.mark.parametrize(("name", "why"), [("vic", "a viewer"), ("otto", "another team's")])
def test_an_account_without_the_author_role_in_the_team_pages_nobody(
    pm: Any, name: str, why: str
) -> None:
    code, out, err = pm(*OPEN, "--as", name)
    assert (code, out) == (3, ""), why
    assert err == (
        f"pm: {name} may not page 'sre-page': paging it needs the author role in team sre — "
        f"give {name} the role (pm admin set-role {name} sre author), or open the page --as "
        "someone who has it\n"
    )
    assert "Traceback" not in err
    assert _pages() == 0


def test_the_web_and_the_api_refuse_the_same_accounts(pm: Any, make_user: Any) -> None:
    """The rule is the server's: vic is refused by the pages form and the API as by the CLI."""
    from django.contrib.auth.models import User
    from django.test import Client

    from postmortems.server.accounts.models import ApiToken

    vic = User.objects.get(username="vic")
    form = logged_in(vic).post("/oncall/policies/sre-page/page/", {"summary": "db down"})
    assert form.status_code == 302  # back to the pages, saying why
    assert _pages() == 0
    token = ApiToken.issue(vic, "script", scope="write")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"policy": "sre-page", "summary": "db down"}
    assert api.post("/api/oncall/pages", body, content_type="application/json").status_code == 403
    assert _pages() == 0


def test_the_system_user_s_account_is_held_to_the_same_rule(
    pm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "vic")
    monkeypatch.setenv("USER", "vic")
    code, _, err = pm(*OPEN)
    assert code == 3
    assert err.startswith("pm: vic may not page 'sre-page'")
    assert _pages() == 0


def test_once_given_the_role_the_account_pages(pm: Any) -> None:
    from django.contrib.auth.models import User

    from postmortems.server.accounts.models import set_role

    assert pm(*OPEN, "--as", "vic")[0] == 3
    set_role(User.objects.get(username="vic"), "sre", "author")  # pm admin set-role's call
    code, out, _ = pm(*OPEN, "--as", "vic")
    assert code == 0
    assert out.endswith("opened by vic; paged carol\n")
    assert _pages() == 1


def test_a_policy_of_no_team_needs_the_author_role_in_a_team(pm: Any) -> None:
    apply(policies=(policy("anyone", (((("user", "carol"),), 10),), team=""),), source="")
    args = ("page", "open", "--policy", "anyone", "--summary", "x")
    code, _, err = pm(*args, "--as", "vic")
    assert code == 3
    assert err.startswith(
        "pm: vic may not page 'anyone': paging it needs the author role in a team (the policy "
        "is of no team) — give vic the role (pm admin set-role vic TEAM author)"
    )
    assert pm(*args, "--as", "otto")[0] == 0  # an author of ops


def test_an_incident_the_account_may_not_change_is_refused(pm: Any, make_user: Any) -> None:
    """otto may page a policy of ops, not for team sre's incident (its timeline records it)."""
    from django.contrib.auth.models import User

    apply(policies=(policy("ops-page", (((("user", "otto"),), 10),), team="ops"),), source="")
    incident = declared(User.objects.get(username="ivy"))
    args = ("page", "open", "--policy", "ops-page", "--summary", "x", "--incident", incident.key)
    code, out, err = pm(*args, "--as", "otto")
    assert (code, out) == (3, "")
    assert err == (
        f"pm: otto may not page for {incident.key}: paging for an incident needs the author role "
        "in team sre — give otto the role (pm admin set-role otto sre author), open the page --as "
        "someone who has it, or leave --incident out\n"
    )
    assert _pages() == 0
    assert not incident.events.filter(kind="page").exists()
