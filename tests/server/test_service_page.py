"""A service's page, in the middle of an outage: the incidents open on it and who is on call for
it now, above its postmortems; only what the reader may see (docs/server.md, "Service pages")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from incident_fixtures import logged_in
from oncall_fixtures import apply, policy, rotation

from postmortems.oncall import model

pytestmark = pytest.mark.django_db(transaction=True)


def declare(title: str, by: Any, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    return services.declare(title, by, now=timezone.now() - dt.timedelta(minutes=30), **kw)


def page(user: Any, name: str) -> Any:
    response = logged_in(user).get(f"/services/{name}/")
    return response.status_code, BeautifulSoup(response.content, "html.parser")


def text_of(tag: Any) -> str:
    return " ".join(tag.get_text().split()) if tag is not None else ""


@pytest.fixture
def sre(make_user: Any) -> Any:
    return make_user("sam", "author", "sre")


def on_call_for_hooks(make_user: Any) -> None:
    """Service hooks-api pages hooks-page: schedule hooks-primary (alice, always), then bob
    after 15 minutes."""
    from postmortems.server.oncall import store

    make_user("alice", "author", "sre")
    steps = (((("schedule", "hooks-primary"),), 15), ((("user", "bob"),), 10))
    apply(rotation("hooks-primary", ("alice",)), policies=(policy("hooks-page", steps),))
    store.apply_config(
        model.Config(services=(model.Service("hooks-api", "hooks-page", "sre"),)), dry_run=False
    )


def test_the_open_incidents_on_the_service_come_first(
    make_user: Any, make_pm: Any, sre: Any
) -> None:
    red = make_user("rita", "author", "red")
    make_pm("PM-OLD", title="Hooks fell over last year")  # services: checkout-api, nginx
    sev1 = declare("Webhook backlog", sre, severity="SEV1", services=["checkout-api", "hooks"])
    sev3 = declare("Slow checkout", sre, severity="SEV3", services=["Checkout-API"])
    ended = declare("Checkout blip", sre, services=["checkout-api"])
    from postmortems.server.incidents import services

    services.change_status(ended, "resolved", sre, timezone.now())
    secret = declare("Card vault", red, team="red", restricted=True, services=["checkout-api"])
    other = declare("Payments", sre, services=["payments-api"])
    status, soup = page(sre, "checkout-api")
    assert status == 200
    panel = soup.select_one(".service-now .service-incidents")
    listed = [a.select_one("code").get_text() for a in panel.select("li > a")]
    assert listed == [sev1.key, sev3.key]  # worst first; not the resolved one, nor the others
    first = text_of(panel.select_one("li"))
    assert "Webhook backlog" in first
    assert "SEV1" in first
    assert "triage" in first
    assert "since" in first
    assert secret.key not in str(soup)
    assert "Card vault" not in str(soup)
    assert other.key not in str(soup.select_one(".service-now"))  # (the frame lists it)
    # Above the postmortems, which are under their own heading.
    assert soup.select_one("h2.list-heading").get_text() == "Postmortems"
    assert "Hooks fell over last year" in text_of(soup.select_one(".pm-list"))
    # The restricted incident's team sees it.
    _, theirs = page(red, "checkout-api")
    assert secret.key in text_of(theirs.select_one(".service-incidents"))


def test_a_service_with_no_postmortem_has_a_page_while_something_is_going_on(
    make_user: Any, sre: Any
) -> None:
    incident = declare("Webhook backlog", sre, services=["hooks-api"])
    status, soup = page(sre, "hooks-api")
    assert status == 200
    assert incident.key in text_of(soup.select_one(".service-incidents"))
    assert "0 postmortems" in text_of(soup)
    red = make_user("rita", "author", "red")
    declare("Card vault", red, team="red", restricted=True, services=["vault-api"])
    assert page(sre, "vault-api")[0] == 404  # as a service nobody knows
    assert page(sre, "nothing-here")[0] == 404
    assert page(red, "vault-api")[0] == 200


def test_who_is_on_call_for_the_service_now(make_user: Any, sre: Any) -> None:
    on_call_for_hooks(make_user)
    status, soup = page(sre, "hooks-api")  # no postmortem, no incident: the on-call alone
    assert status == 200
    panel = soup.select_one(".service-now .service-oncall")
    steps = [text_of(li) for li in panel.select("ol.oncall-steps > li")]
    assert steps == [
        "At once: alice (schedule hooks-primary)",
        "After 15 min: bob no account",  # bob has no account: a page to him reaches nobody
    ]
    assert panel.select_one("a[href='/oncall/s/hooks-primary/']") is not None
    assert "hooks-page" in text_of(panel)
    assert page(sre, "HOOKS-API")[0] == 200  # a service's name in any case


def test_the_on_call_of_another_teams_service_is_not_shown(make_user: Any) -> None:
    on_call_for_hooks(make_user)
    stranger = make_user("olga", "author", "ops")
    assert page(stranger, "hooks-api")[0] == 404  # its services are its team's
    declare("Webhook backlog", stranger, services=["hooks-api"])
    status, soup = page(stranger, "hooks-api")
    assert status == 200
    assert soup.select_one(".service-oncall") is None
    assert "alice" not in text_of(soup.select_one("main"))


def test_a_service_whose_policy_is_missing_says_nobody_is_paged(make_user: Any) -> None:
    from postmortems.server.oncall.models import Service

    sre = make_user("sam", "author", "sre")
    Service.objects.create(name="hooks-api", policy="gone", team="sre")
    _, soup = page(sre, "hooks-api")
    said = text_of(soup.select_one(".service-oncall"))
    assert "Its escalation policy, gone, is missing" in said
    assert "pages nobody" in said


def test_the_service_page_costs_the_same_queries_with_more_incidents(
    make_user: Any, sre: Any
) -> None:
    on_call_for_hooks(make_user)
    client = logged_in(sre)

    def cost() -> int:
        client.get("/services/hooks-api/")  # the session, the list's cache
        with CaptureQueriesContext(connection) as ran:
            assert client.get("/services/hooks-api/").status_code == 200
        return len(ran)

    declare("Webhook backlog", sre, services=["hooks-api"])
    one = cost()
    for n in range(6):
        declare(f"Webhook backlog {n}", sre, services=["hooks-api"])
    assert cost() == one
    assert one <= 12, one  # 10 today: the session, the frame, the list, the two panels
