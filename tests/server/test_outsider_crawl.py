"""An outsider who walks every page, feed, export and API answer the server has never reads a
word of another team's restricted postmortem, incident, alert, ingest error, schedule, policy or
page: each GET route is asked with the hidden objects' keys, ids and names, and with searches
for their words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from oncall_fixtures import apply, policy, rotation
from tests.server.conftest import doc_text
from tests.server.incident_fixtures import am_alert, am_payload, integration, post

pytestmark = pytest.mark.django_db
# The words only team red may read. (Account names are not among them: an action item's owner
# may be anyone, so a writer is offered every account's name.)
SECRETS = ("Zebra", "zebra-api", "zebratag", "hush-rota", "hush-page")
NOW = dt.datetime.now(dt.UTC)


def _routes(resolver: Any = None, prefix: str = "") -> Iterator[str]:
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _hidden_world(make_user: Any) -> dict[str, str]:
    """Team red's restricted things, and what names them."""
    from postmortems.server.incidents import services
    from postmortems.server.library import store
    from postmortems.server.oncall.models import Page, Schedule, Service

    rita = make_user("rita", "admin", team="red")
    make_user("quill", "author", team="red")
    text = doc_text("PM-HID-1", restricted=True, teams="red", title="Zebra vault breach")
    text = text.replace("[checkout-api, nginx]", "[zebra-api]").replace("[tls]", "[zebratag]")
    for said in ("The TLS certificate", "Automate certificate", "Pager alert"):  # body, task
        text = text.replace(said, f"{said} Zebra")
    store.create(text.replace("@bob", "@olly"), rita)  # an item of it is the outsider's
    incident = services.declare(
        "Zebra payroll leak", rita, team="red", services=["zebra-api"], restricted=True, now=NOW
    )
    services.note(incident, "Zebra keys rotated", rita, NOW)
    hook, secret = integration("redhook", team="red", restricted=True)
    client = Client()
    alert = am_alert("zebra-1", service="zebra-api")
    alert["annotations"]["summary"] = "Zebra alert fired"
    post(client, hook, secret, am_payload("z", alert))
    post(client, hook, secret, None, raw=b'{"Zebra-sender-body')  # an ingest error
    pager = policy("hush-page", (((("schedule", "hush-rota"),), 10),), team="red")
    apply(rotation("hush-rota", ("quill", "rita"), team="red"), policies=(pager,))
    Schedule.objects.filter(name="hush-rota").update(restricted=True)
    Service.objects.create(name="zebra-api", policy="hush-page", team="red")  # its on-call
    red = Client()
    red.force_login(rita)
    red.post("/oncall/policies/hush-page/page/", {"summary": "Zebra paged", "incident": ""})
    # What the outsider's team may read, alike enough to draw the hidden ones into its panels
    # (similar incidents, related postmortems, the incident's draft and links).
    store.create(doc_text("PM-OPEN-1", teams="sre"), None)
    sam = make_user("sam", "author", team="sre")
    seen = services.declare("Payroll leak", sam, team="sre", services=["payroll"], now=NOW)
    return {
        "key": "PM-HID-1",
        "open": "PM-OPEN-1",
        "open_incident": seen.key,
        "incident": incident.key,
        "page": str(Page.objects.get().pk),
        "schedule": "hush-rota",
        "policy": "hush-page",
        "team": "red",
    }


def _filled(route: str, names: dict[str, str], ids: list[int]) -> list[str]:
    """``route`` with each of its arguments given the hidden objects' values."""
    choices = {
        "key": [names["key"], names["incident"], names["open"], names["open_incident"]],
        "name": [names["schedule"], "zebra-api", "zebratag"],
        "slug": [names["team"]],
        "team": [names["team"]],
        "policy": [names["policy"]],
        "kind": ["alertmanager"],
        "token": ["x"],
        "number": ["1"],
    }
    paths = ["/" + route]
    for arg in re.findall(r"<(?:\w+:)?(\w+)>", route):
        values = [str(i) for i in ids] if arg.endswith("id") else choices.get(arg, ["1"])
        pattern = re.compile(r"<(?:\w+:)?" + arg + ">")
        paths = [pattern.sub(v, p, count=1) for p in paths for v in values]
    return paths


# Posts that would end the outsider's session, or that are no one's (the alert hooks).
NOT_POSTED = ("/logout/", "/password/", "/hooks/")

SEARCHES = (
    "/search/?q=zebra",
    "/search/?q=certificate",  # a word of both: the visible one's snippet, never the other's
    "/api/search?q=certificate",
    "/?q=zebra",
    "/incidents/?q=zebra",
    "/incidents/search/?q=zebra",
    "/api/search/incidents?q=zebra",
    "/search/?q=payroll+leak",  # a visible incident's words, the hidden one's too
    "/incidents/?team=red",
    "/api/search?q=zebra",
    "/api/postmortems?q=zebra",
    "/api/postmortems?team=red",
    "/api/postmortems?service=zebra-api",
    "/api/incidents?q=zebra",
    "/api/incidents?team=red",
    "/api/incidents/metrics?by=service",
    "/api/incidents/metrics?by=team",
    "/api/insights?team=red",
    "/api/oncall/teams/red/on-call",
    "/api/oncall/pages",
    "/insights/?format=csv",
    "/insights/?format=json",
    "/insights/?team=red",
    "/insights/similar/?text=zebra",
    "/oncall/workload/?format=csv",
    "/api/oncall/schedules/hush-rota/shifts?from=2026-03-01T00:00Z&to=2026-03-08T00:00Z",
    "/actions/",
    "/actions/overdue/",
    "/inbox/",
)


def test_an_outsider_reads_nothing_of_another_teams_restricted_things(make_user: Any) -> None:
    names = _hidden_world(make_user)
    from postmortems.server.library import feed
    from postmortems.server.oncall import feeds

    outsider = make_user("olly", "admin", team="sre")  # every right, in another team
    olly = Client(raise_request_exception=False)
    olly.force_login(outsider)
    _, calendar = feeds.issue(outsider, None, now=NOW)  # the outsider's own secret links
    links = [f"/feed/{feed.token_for(outsider)}/", f"/oncall/feed/{calendar}.ics"]
    ids = [int(names["page"]), 1, 2, 3]
    paths = [p for r in _routes() if not r.startswith("admin/") for p in _filled(r, names, ids)]
    leaks, errors = [], []
    by_key = [f"{p}?q={names['incident']}" for p in ("/search/", "/api/search/incidents")]
    asked = [("get", p) for p in [*paths, *SEARCHES, *links, *by_key]]
    # Every form post too, empty: a refusal must not name what it refused.
    asked += [("post", p) for p in paths if not p.startswith(NOT_POSTED)]
    asked += [("anonymous", p) for p in [*paths, *SEARCHES]]
    anonymous = Client(raise_request_exception=False)
    for method, path in asked:
        answer = anonymous.get(path) if method == "anonymous" else getattr(olly, method)(path)
        if answer.status_code >= 500:
            errors.append(f"{method} {path}: {answer.status_code}")
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        said = body.decode("utf-8", "replace").lower()
        shown = [s for s in SECRETS if s.lower() in said and s.lower() not in path.lower()]
        if shown:
            leaks.append(f"{method} {path}: {shown}")
    assert errors == []
    assert leaks == []
    member = Client()
    member.force_login(make_user("reda", "viewer", team="red"))
    assert "Zebra payroll leak" in member.get(f"/incidents/{names['incident']}/").content.decode()
    assert "Zebra vault breach" in member.get("/p/PM-HID-1/").content.decode()
    assert "Zebra vault breach" in member.get("/search/?q=zebra").content.decode()  # it is there
    assert "hush-rota" in member.get("/oncall/").content.decode()


def test_a_hidden_thing_answers_an_outsider_as_a_missing_one_does(make_user: Any) -> None:
    """The status of every route, asked with a hidden key, id or name, is the status it gives
    for one that does not exist: no answer tells an outsider that a hidden thing is there.
    (A team is no secret: its pages show each reader what they may see of it.)"""
    names = _hidden_world(make_user)
    missing = {
        "key": "PM-NONE-9",
        "incident": "INC-2099-9999",
        "open": "PM-NONE-8",
        "open_incident": "INC-2099-9998",
        "page": "999999",
        "schedule": "no-rota",
        "policy": "no-page",
        "team": "blue",
    }
    hidden = {**names, "open": "PM-NONE-8", "open_incident": "INC-2099-9998"}
    olly = Client(raise_request_exception=False)
    olly.force_login(make_user("olly", "admin", team="sre"))
    differ = []
    asked = [r for r in _routes() if "<" in r and not r.startswith(("admin/", "hooks/"))]
    for route in (r for r in asked if not re.search(r"<(slug:slug|\w+:team)>", r)):
        for seen, absent in zip(
            _filled(route, hidden, [int(names["page"])]),
            _filled(route, missing, [999999]),
            strict=True,
        ):
            for method in ("get", "post"):
                one, other = getattr(olly, method)(seen), getattr(olly, method)(absent)
                if one.status_code != other.status_code:
                    differ.append(f"{method} {seen}: {one.status_code} ≠ {other.status_code}")
    assert differ == []
