"""The incidents list by period and order: "last month's worst incidents" on /incidents/ and
from ``GET /api/incidents`` (docs/incidents.md, "The list")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from incident_fixtures import logged_in

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def declare(title: str, by: Any, day: dt.date, severity: str, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    at = dt.datetime.combine(day, dt.time(10), dt.UTC)
    return services.declare(title, by, now=at, severity=severity, team="sre", **kw)


@pytest.fixture
def made(make_user: Any) -> dict[str, Any]:
    """Five incidents of team sre: three in November, one in October, one in December."""
    sam = make_user("sam", "author", "sre")
    nov = [
        declare("Search slow", sam, dt.date(2026, 11, 3), "SEV3"),
        declare("Checkout down", sam, dt.date(2026, 11, 20), "SEV1"),
        declare("Login errors", sam, dt.date(2026, 11, 30), "SEV2"),
    ]
    old = declare("Old outage", sam, dt.date(2026, 10, 31), "SEV1")
    new = declare("Fresh outage", sam, dt.date(2026, 12, 1), "SEV1")
    return {"sam": sam, "nov": nov, "old": old, "new": new}


def listed_keys(client: Client, **params: str) -> list[str]:
    page = client.get("/incidents/", params)
    assert page.status_code == 200, page.content
    soup = BeautifulSoup(page.content, "html.parser")
    return [code.get_text() for code in soup.select("table.incidents tbody code")]


def test_last_months_worst_incidents_come_first(made: dict[str, Any]) -> None:
    client = logged_in(made["sam"])
    search, checkout, login = (i.key for i in made["nov"])
    november = {"since": "2026-11-01", "to": "2026-11-30"}
    assert listed_keys(client, **november) == [login, checkout, search]  # newest first
    assert listed_keys(client, **november, sort="severity") == [checkout, login, search]
    assert listed_keys(client, **november, sort="oldest") == [search, checkout, login]
    # Open-ended periods; the last day is included, the day before the first is not.
    assert made["old"].key not in listed_keys(client, since="2026-11-01")
    assert listed_keys(client, to="2026-10-31") == [made["old"].key]
    assert listed_keys(client, sort="severity")[:3] == [
        made["new"].key,
        checkout,
        made["old"].key,
    ]


def test_a_known_start_places_the_incident_rather_than_when_it_was_opened(
    made: dict[str, Any],
) -> None:
    from postmortems.server.incidents.models import Incident

    late = made["new"]  # opened on 1 December for an outage that began on 29 November
    Incident.objects.filter(pk=late.pk).update(
        started=dt.datetime(2026, 11, 29, 23, 0, tzinfo=dt.UTC)
    )
    client = logged_in(made["sam"])
    assert late.key in listed_keys(client, since="2026-11-29", to="2026-11-29")
    assert late.key not in listed_keys(client, since="2026-12-01")


def test_the_period_and_order_survive_paging_and_the_search_box(
    made: dict[str, Any],
) -> None:
    client = logged_in(made["sam"])
    params = {"since": "2026-11-01", "to": "2026-11-30", "sort": "severity", "q": "checkout"}
    soup = BeautifulSoup(client.get("/incidents/", params).content, "html.parser")
    form = soup.select_one("form.filters[role=search]")
    assert form.select_one("input[name=since]")["value"] == "2026-11-01"
    assert form.select_one("input[name=to]")["value"] == "2026-11-30"
    assert form.select_one("select[name=sort] option[selected]")["value"] == "severity"
    assert form.select_one("input[name=q]")["value"] == "checkout"
    assert [c.get_text() for c in soup.select("table.incidents tbody code")] == [made["nov"][1].key]
    ranked = soup.select_one("a[href^='/incidents/search/']")["href"]
    assert "since=2026-11-01" in ranked
    assert "until=2026-11-30" in ranked


def test_the_pager_keeps_the_filters(made: dict[str, Any]) -> None:
    from postmortems.server.incidents import services

    sam = made["sam"]
    for n in range(50):  # 50 a page: 53 in November spill onto a second page
        at = dt.datetime(2026, 11, 10, 10, n, tzinfo=dt.UTC)
        services.declare(f"Blip {n}", sam, now=at, severity="SEV4", team="sre")
    client = logged_in(sam)
    params = {"since": "2026-11-01", "to": "2026-11-30", "sort": "severity"}
    soup = BeautifulSoup(client.get("/incidents/", params).content, "html.parser")
    following = soup.select_one("nav.pages a[rel=next]")["href"]
    assert "since=2026-11-01" in following
    assert "to=2026-11-30" in following
    assert "sort=severity" in following
    second = BeautifulSoup(client.get("/incidents/" + following).content, "html.parser")
    shown = [c.get_text() for c in second.select("table.incidents tbody code")]
    assert len(shown) == 3  # the rest of November's, the least severe last
    assert made["nov"][0].key not in shown  # a SEV3 comes before every SEV4, on page one


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"since": "2026-13-01"}, "not a day: write it as YYYY-MM-DD"),
        ({"to": "last month"}, "not a day: write it as YYYY-MM-DD"),
        ({"since": "2026-11-30", "to": "2026-11-01"}, "is before Since (2026-11-30): swap them"),
        ({"sort": "best"}, "Select a valid choice"),
    ],
)
def test_a_bad_period_is_said_and_the_form_kept(
    made: dict[str, Any], params: dict[str, str], said: str
) -> None:
    client = logged_in(made["sam"])
    page = client.get("/incidents/", {**params, "severity": "SEV1", "q": "outage"})
    assert page.status_code == 400
    soup = BeautifulSoup(page.content, "html.parser")
    assert said in soup.select_one("ul.messages").get_text()
    assert soup.select("table.incidents tbody code") == []  # no unfiltered list instead
    form = soup.select_one("form.filters[role=search]")
    assert form.select_one("input[name=q]")["value"] == "outage"
    assert form.select_one("select[name=severity] option[selected]").get_text() == "SEV1"
    for name, value in params.items():
        if name != "sort":  # the typed day comes back as typed, in a text box to fix it
            assert form.select_one(f"input[name={name}]")["value"] == value


def test_the_api_takes_the_same_period_and_order(made: dict[str, Any]) -> None:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(made["sam"], "cli", scope="read")
    api = Client(headers={"Authorization": f"Bearer {raw}"}, raise_request_exception=False)
    november = {"since": "2026-11-01", "to": "2026-11-30"}
    got = api.get("/api/incidents", {**november, "sort": "severity"})
    assert got.status_code == 200, got.content
    assert [i["key"] for i in got.json()] == [made["nov"][i].key for i in (1, 2, 0)]
    bad = api.get("/api/incidents", {"since": "2026-11-30", "to": "2026-11-01"})
    assert bad.status_code == 422
    assert "swap them" in bad.content.decode()
    assert api.get("/api/incidents", {"since": "yesterday"}).status_code == 422
    # a number is no day (pydantic would read it as seconds since 1970)
    number = api.get("/api/incidents", {"to": "0"})
    assert number.status_code == 422
    assert "write it as YYYY-MM-DD" in number.content.decode()
    assert api.get("/api/incidents", {"sort": "best"}).status_code == 422


def test_a_restricted_incident_of_another_team_stays_out_of_the_period(
    made: dict[str, Any], make_user: Any
) -> None:
    sec = make_user("noor", "author", "security")
    from postmortems.server.incidents import services

    at = dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.UTC)
    hidden = services.declare(
        "Key leak", sec, now=at, severity="SEV1", team="security", restricted=True
    )
    november = {"since": "2026-11-01", "to": "2026-11-30", "sort": "severity"}
    assert hidden.key not in listed_keys(logged_in(made["sam"]), **november)
    # Its team sees it, in its place: SEV1 as Checkout down, which began later.
    assert listed_keys(logged_in(sec), **november)[:2] == [made["nov"][1].key, hidden.key]
