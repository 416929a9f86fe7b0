"""Restricted postmortems and incidents of other teams never count in any insights figure.

The outsider's figures, with the restricted items in the database, must equal everyone's figures
once those items are deleted: every count, duration, rate and name, on the page, in the CSV and
JSON exports and in the API. A member of the restricted team sees them (so the test can fail).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from tests.server.conftest import doc_text

SECRET = "secret-vault"  # a service named only by the restricted items
QUERY = "since=2024-01-01&until=2024-12-31"


def _world(make_user: Callable[..., Any]) -> dict[str, Any]:
    from postmortems.server.incidents.models import Incident
    from postmortems.server.insights.models import ContributingFactor
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem, Event

    people = {"alice": make_user("alice", "author"), "rita": make_user("rita", "viewer", "red")}
    when = dt.datetime(2024, 2, 12, 4, tzinfo=dt.UTC)
    store.create(doc_text("PM-OPEN", teams="sre"), None)
    secret = doc_text("PM-SECRET", restricted=True, teams="red").replace("nginx", SECRET)
    secret = secret.replace("SEV2", "SEV1").replace("- [ ]", "- [x]")
    pm = store.create(secret, None).postmortem
    ActionItem.objects.filter(postmortem=pm).update(status="done")
    ContributingFactor.objects.create(postmortem=pm, slug="security", decided=when)
    for step, state in (("approve", "approved"), ("acknowledge-repeat", "approved")):
        Event.objects.create(
            postmortem=pm,
            created=when + dt.timedelta(days=2),
            transition=step,
            from_state="in-review",
            to_state=state,
        )
    for n, (team, restricted, services) in enumerate(
        [("sre", False, ["checkout-api"]), ("red", True, [SECRET])], start=1
    ):
        Incident.objects.create(
            key=f"INC-2024-{n:04d}",
            year=2024,
            number=n,
            title="t",
            severity="SEV1" if restricted else "SEV3",
            status="resolved",
            team=team,
            services=services,
            restricted=restricted,
            started=when,
            detected=when + dt.timedelta(minutes=5 * n),
            resolved=when + dt.timedelta(hours=n),
            created=when,
        )
    return people


def _figures(client: Any, user: Any) -> dict[str, Any]:
    client.force_login(user)
    api = client.get(f"/api/insights?{QUERY}").json()
    exported = client.get(f"/insights/?{QUERY}&format=json").json()
    rows = client.get(f"/insights/?{QUERY}&format=csv").content.decode()
    page = client.get(f"/insights/?{QUERY}").content.decode()
    for one in (api, exported):
        one["action_items"].pop("open_age")  # grows with the clock between requests
    assert api == exported
    return {"json": api, "csv": list(csv.reader(io.StringIO(rows))), "page": page}


def _without_age(rows: list[list[str]]) -> list[list[str]]:
    return [row for row in rows if not row[0].startswith("action_items.open_age")]


def test_no_restricted_item_enters_any_figure(client: Any, make_user: Any) -> None:
    from django.contrib.auth import get_user_model

    from postmortems.server.incidents.models import Incident
    from postmortems.server.library.models import Postmortem

    people = _world(make_user)
    outsider = _figures(client, people["alice"])
    member = _figures(client, people["rita"])
    assert SECRET in member["json"]["by_service"]
    assert member["json"]["totals"] != outsider["json"]["totals"]
    for shown in (outsider["page"], str(outsider["csv"]), str(outsider["json"])):
        assert SECRET not in shown
    # The outsider's figures are exactly those of a library without the restricted items.
    Postmortem.objects.filter(restricted=True).delete()
    Incident.objects.filter(restricted=True).delete()
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root")
    everyone = _figures(client, root)
    assert outsider["json"] == everyone["json"]
    assert _without_age(outsider["csv"]) == _without_age(everyone["csv"])


def test_the_restricted_team_is_not_offered_to_outsiders(client: Any, make_user: Any) -> None:
    people = _world(make_user)
    client.force_login(people["alice"])
    page = client.get("/insights/").content.decode()
    assert 'value="red"' not in page
    assert client.get("/insights/?team=red").status_code == 400  # not a choice: a form error
    api = client.get("/api/insights?team=red").json()
    assert (api["totals"]["postmortems"], api["totals"]["incidents"]) == (0, 0)
    client.force_login(people["rita"])
    assert 'value="red"' in client.get("/insights/").content.decode()


@pytest.mark.parametrize("path", ["/insights/", "/insights/?format=csv", "/api/insights"])
def test_anonymous_gets_nothing(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code in {302, 401}
    assert b"postmortems" not in response.content or response.status_code == 302
