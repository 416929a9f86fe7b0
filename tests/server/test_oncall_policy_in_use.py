"""An escalation policy something still pages is neither deleted nor renamed: a service or a
routing rule naming it, its team's alerts when it is the team's only policy, a page of it
escalating now. Refused on every path — the admin's delete page, its "delete selected" action,
its change form, ``pm oncall apply`` and ``POST /api/oncall/apply`` deleting a policy its file no
longer holds — saying what pages it and what to do; a service or an integration of another team
is counted, never named, to someone who may not see it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from oncall_fixtures import admin_errors, admin_form, delete_selected, page_text, policy
from tests.server.incident_fixtures import integration

from postmortems.oncall import model

pytestmark = pytest.mark.django_db

SERVICE = (
    "policy 'sre-page' is paged by service checkout: deleted, an alert about it would have no "
    "policy of its own to page — name another policy for it first (escalation_policy), or keep "
    "this one"
)


def _stored(*services: model.Service, source: str = "", team: str = "sre") -> int:
    """sre-page (made in the UI, of ``team``), spare (team spare) and ``services``; sre-page's
    id."""
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Policy

    policies = (policy("sre-page", team=team), policy("spare", team="spare"))
    sources = {p.name: source for p in policies} if source else {}
    sources.update({model.service_key(s.name): "services.yaml" for s in services})
    store.apply_config(model.Config((), policies, sources, services), dry_run=False)
    return int(Policy.objects.get(name="sre-page").pk)


def _exists(name: str = "sre-page") -> bool:
    from postmortems.server.oncall.models import Policy

    return Policy.objects.filter(name=name).exists()


def _delete(client: Any, pk: int) -> str:
    """The admin's delete page of policy ``pk``, then its post: what the page said."""
    url = f"/admin/oncall/policy/{pk}/delete/"
    said = page_text(client.get(url))
    client.post(url, {"post": "yes"})
    return said


def test_the_admin_does_not_delete_a_policy_a_service_pages(client: Any, make_user: Any) -> None:
    from postmortems.server.oncall.models import Policy, Service

    pk = _stored(model.Service("checkout", "sre-page", "sre"))
    Service.objects.update(managed_by="")  # made in the admin: its policy is changed there
    client.force_login(make_user("root", superuser=True))
    said = _delete(client, pk)
    assert "is not deleted: something still pages it by its name" in said
    assert SERVICE in said
    assert "Yes, I’m sure" not in said
    assert _exists()
    # "delete selected" says the same and deletes none of those selected.
    listed = delete_selected(client, "policy", [pk, Policy.objects.get(name="spare").pk])
    assert "The selected escalation policies are not deleted" in listed
    assert SERVICE in listed
    assert _exists()
    assert _exists("spare")
    # Renamed, the service would page nothing either: said beside the name.
    url = f"/admin/oncall/policy/{pk}/change/"
    data = admin_form(client, url)
    refused = client.post(url, {**data, "name": "sre-page-2"})
    assert refused.status_code == 200
    assert (
        "policy 'sre-page' is paged by service checkout: renamed to 'sre-page-2', an alert about "
        "it would have no policy of its own to page — name another policy for it first "
        "(escalation_policy), or keep its name"
    ) in admin_errors(refused)
    # The service pointed elsewhere: the policy goes.
    Service.objects.update(policy="spare")
    _delete(client, pk)
    assert not _exists()


def test_a_routing_rule_its_teams_alerts_and_a_page_escalating(client: Any, make_user: Any) -> None:
    from postmortems.server.incidents.models import RoutingRule
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page, Policy

    pk = _stored()
    integ, _ = integration(team="sre")
    rule = RoutingRule.objects.create(
        integration=integ, matchers='service="db"', team="dba", policy="sre-page"
    )
    page = paging.open_page(
        Policy.objects.get(pk=pk), summary="db down", now=dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)
    )
    client.force_login(make_user("root", superuser=True))
    said = _delete(client, pk)
    assert (
        "policy 'sre-page' is paged by routing rule service=\"db\" of integration "
        "alertmanager/prod: deleted, an alert it routes would have no policy of its own to page "
        "— name another policy in the rule first (the admin's routing rules), or keep this one"
    ) in said
    assert (
        "policy 'sre-page' is the only escalation policy of team sre, whose alerts come from "
        "integration alertmanager/prod: an alert with no policy of its own pages it; deleted, "
        "such an alert would page nobody — make another policy of team sre first"
    ) in said
    assert (
        f"policy 'sre-page' is escalating page {page.pk} now: deleted, it would stop paging — "
        "acknowledge it first, or wait until its steps run out"
    ) in said
    assert _exists()
    # Each fixed in turn: the rule names no policy, the team gets another, the page is
    # acknowledged; then it goes.
    RoutingRule.objects.filter(pk=rule.pk).update(policy="")
    Policy.objects.create(name="sre-other", team="sre")
    Page.objects.filter(pk=page.pk).update(state=Page.State.ACKNOWLEDGED)
    assert "not deleted" not in _delete(client, pk)
    assert not _exists()


def test_all_of_a_teams_policies_deleted_together_are_refused(client: Any, make_user: Any) -> None:
    """Neither of two is the team's only policy, but deleted together they leave the team's
    alerts nothing to page: said once, of both; one of them alone goes."""
    from postmortems.server.oncall.models import Policy

    pk = _stored()
    other = Policy.objects.create(name="sre-other", team="sre")
    integration(team="sre")
    client.force_login(make_user("root", superuser=True))
    said = delete_selected(client, "policy", [pk, other.pk])
    assert (
        "policies 'sre-other', 'sre-page' are all the escalation policies of team sre, whose "
        "alerts come from integration alertmanager/prod: an alert with no policy of its own "
        "pages one; deleted, such an alert would page nobody — make another policy of team sre "
        "first"
    ) in said
    assert said.count("are all the escalation policies") == 1
    assert (_exists(), _exists("sre-other")) == (True, True)
    delete_selected(client, "policy", [other.pk])
    assert (_exists(), _exists("sre-other")) == (True, False)


def test_what_i_may_not_see_is_counted_not_named(client: Any, make_user: Any) -> None:
    """A staff author of team sre deletes a policy of no team that a service of team blue pages
    and a rule of blue's integration names: the refusal says so without blue's names."""
    from django.contrib.auth.models import Permission

    from postmortems.server.incidents.models import RoutingRule
    from postmortems.server.oncall.models import Service

    pk = _stored(model.Service("ledger", "sre-page", "blue"), team="")
    Service.objects.update(managed_by="")
    integ, _ = integration("blue-prod", team="blue")
    RoutingRule.objects.create(integration=integ, matchers='app="ledger"', policy="sre-page")
    staff = make_user("stan", "author", team="sre")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="oncall"))
    client.force_login(staff)
    said = _delete(client, pk)
    assert (
        "policy 'sre-page' is paged by a service of another team, one you may not see: deleted"
    ) in said
    assert "or ask a superuser to change those you may not see" in said
    assert "is paged by a routing rule of another team, one you may not see: deleted" in said
    assert "ledger" not in said
    assert "blue" not in said
    assert _exists()


def test_apply_does_not_delete_a_policy_a_service_it_keeps_not_pages(make_user: Any) -> None:
    from postmortems.server.accounts.access import access_of
    from postmortems.server.oncall import store

    _stored(model.Service("checkout", "sre-page", "sre"), source="a.yaml")
    without = model.Config((), (policy("spare", team="spare"),), {"spare": "a.yaml"})
    with pytest.raises(store.StoreError) as refused:
        store.apply_config(without, dry_run=False)
    assert refused.value.message == (
        "a.yaml: policy 'sre-page' is paged by service checkout (kept in services.yaml): no "
        "longer in a.yaml, this apply would delete it, an alert about it would have no policy of "
        "its own to page — name another policy for it first (escalation_policy), or keep the "
        "policy in its file"
    )
    assert _exists()
    # Someone who may not see the service (of team sre) reads it counted.
    stan = make_user("stan", "admin", team="spare")
    with pytest.raises(store.StoreError) as hidden:
        store.apply_config(without, dry_run=False, viewer=access_of(stan))
    assert "is paged by a service of another team, one you may not see" in str(hidden.value)
    assert "checkout" not in str(hidden.value)
    # Deleting the service with the policy, in one apply, is fine.
    from postmortems.server.oncall.models import Service

    Service.objects.update(managed_by="a.yaml")
    store.apply_config(without, dry_run=False)
    assert not _exists()
    assert not Service.objects.exists()


def test_the_api_apply_refuses_it_with_409(client: Any, make_user: Any) -> None:
    from postmortems.server.accounts.models import ApiToken, set_role

    _stored(model.Service("checkout", "sre-page", "sre"), source="a.yaml")
    ann = make_user("ann", "admin", "sre")
    set_role(ann, "spare", "admin")
    token = ApiToken.issue(ann, "cli", scope="write")[1]
    text = (
        "escalation_policies:\n  - name: spare\n    team: spare\n    steps:\n"
        "      - targets: [{user: alice}]\n        delay: 5m\n"
    )
    answer = client.post(
        "/api/oncall/apply",
        {"files": [{"path": "a.yaml", "text": text}], "dry_run": False},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 409, answer.content
    [error] = answer.json()["errors"]
    assert error["problem"].startswith(
        "a.yaml: policy 'sre-page' is paged by service checkout (kept in services.yaml)"
    )
    assert _exists()
