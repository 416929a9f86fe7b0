"""A service and a routing rule name an escalation policy that exists (the admin's forms say
which ones the user may see); a team's only policy is not moved to another team while the
team's alerts would page it (the admin's change form, ``pm oncall apply`` changing its
``team:``), in the words a deletion is refused with."""

from __future__ import annotations

from typing import Any

import pytest
from oncall_fixtures import admin_errors, admin_form, policy
from tests.server.incident_fixtures import integration

from postmortems.oncall import model

pytestmark = pytest.mark.django_db

ONLY_ONE = (
    "policy 'sre-page' is the only escalation policy of team sre, whose alerts come from "
    "integration alertmanager/prod: an alert with no policy of its own pages it; moved to team "
    "'blue', such an alert would page nobody — make another policy of team sre first"
)


def _policies(*names_teams: tuple[str, str], source: str = "") -> None:
    from postmortems.server.oncall import store

    policies = tuple(policy(name, team=team) for name, team in names_teams)
    sources = {p.name: source for p in policies} if source else {}
    store.apply_config(model.Config((), policies, sources), dry_run=False)


def _staff(make_user: Any, app: str) -> Any:
    """A staff admin of team sre with the admin's permissions on ``app``'s rows."""
    from django.contrib.auth.models import Permission

    staff = make_user("stan", "admin", team="sre")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label=app))
    return staff


def test_a_service_names_a_policy_that_exists(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Service

    _policies(("sre-page", "sre"), ("blue-page", "blue"), ("any-page", ""))
    client.force_login(make_user("root", superuser=True))
    url = "/admin/oncall/service/add/"
    data = {**admin_form(client, url), "name": "checkout", "team": "sre", "policy": "nope"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert (
        "no escalation policy 'nope': an alert about the service would page nobody — name one "
        "that exists (any-page, blue-page, sre-page), or make it first (the admin's escalation "
        "policies, or pm oncall apply)"
    ) in admin_errors(refused)
    assert not Service.objects.exists()
    assert client.post(url, {**data, "policy": "sre-page"}).status_code == 302
    assert Service.objects.get().policy == "sre-page"
    # A staff admin of team sre is offered the policies they may see.
    client.force_login(_staff(make_user, "oncall"))
    change = f"/admin/oncall/service/{Service.objects.get().pk}/change/"
    again = client.post(change, {**admin_form(client, change), "policy": "nope"})
    said = admin_errors(again)
    assert "name one that exists (any-page, sre-page), or make it first" in said
    assert "blue-page" not in said
    assert Service.objects.get().policy == "sre-page"
    # Another team's policy, one they may not see, is refused as one that does not exist.
    hidden = client.post(change, {**admin_form(client, change), "policy": "blue-page"})
    assert "no escalation policy 'blue-page': an alert about the service" in admin_errors(hidden)
    assert Service.objects.get().policy == "sre-page"
    # A service kept on a policy they may not see is saved with the rest of the change.
    Service.objects.update(policy="blue-page")
    kept = client.post(change, {**admin_form(client, change), "team": "sre"})
    assert kept.status_code == 302, admin_errors(kept)
    assert Service.objects.get().policy == "blue-page"


def test_a_routing_rule_names_a_policy_that_exists_or_none(client: Any, make_user: Any) -> None:
    from postmortems.server.incidents.models import RoutingRule

    integ, _ = integration(team="sre")
    client.force_login(make_user("root", superuser=True))
    url = "/admin/incidents/routingrule/add/"
    data = {
        **admin_form(client, url),
        "integration": str(integ.pk),
        "matchers": 'service="db"',
        "policy": "nope",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert (
        "no escalation policy 'nope': an incident the rule opens would page nobody — there is "
        "none you may see: make it first (the admin's escalation policies, or pm oncall apply)"
    ) in admin_errors(refused)
    assert not RoutingRule.objects.exists()
    _policies(("sre-page", "sre"))
    assert "name one that exists (sre-page)" in admin_errors(client.post(url, data))
    assert client.post(url, {**data, "policy": "sre-page"}).status_code == 302
    assert client.post(url, {**data, "policy": ""}).status_code == 302  # the service's
    assert sorted(RoutingRule.objects.values_list("policy", flat=True)) == ["", "sre-page"]


def test_the_admin_does_not_move_a_teams_only_policy(client: Any, make_user: Any) -> None:
    from postmortems.server.accounts.models import Team
    from postmortems.server.oncall.models import Policy

    Team.objects.create(slug="blue", name="Blue")
    _policies(("sre-page", "sre"))
    integration(team="sre")
    pk = Policy.objects.get(name="sre-page").pk
    client.force_login(make_user("root", superuser=True))
    url = f"/admin/oncall/policy/{pk}/change/"
    data = admin_form(client, url)
    refused = client.post(url, {**data, "team": "blue"})
    assert refused.status_code == 200
    assert ONLY_ONE in admin_errors(refused)
    assert Policy.objects.get(pk=pk).team == "sre"
    # Another policy of team sre first: then it moves.
    Policy.objects.create(name="sre-other", team="sre")
    assert client.post(url, {**data, "team": "blue"}).status_code == 302
    assert Policy.objects.get(pk=pk).team == "blue"


def test_apply_does_not_move_a_teams_only_policy(make_user: Any) -> None:
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Policy

    _policies(("sre-page", "sre"), source="a.yaml")
    integration(team="sre")
    moved = model.Config((), (policy("sre-page", team="blue"),), {"sre-page": "a.yaml"})
    with pytest.raises(store.StoreError) as refused:
        store.apply_config(moved, dry_run=False)
    assert refused.value.message == f"a.yaml: {ONLY_ONE}"
    assert Policy.objects.get(name="sre-page").team == "sre"
    # The same file giving team sre another policy: the move is fine.
    both = model.Config(
        (),
        (policy("sre-page", team="blue"), policy("sre-next", team="sre")),
        {"sre-page": "a.yaml", "sre-next": "a.yaml"},
    )
    store.apply_config(both, dry_run=False)
    assert dict(Policy.objects.values_list("name", "team")) == {
        "sre-page": "blue",
        "sre-next": "sre",
    }
