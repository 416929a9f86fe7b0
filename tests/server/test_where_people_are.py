"""What reaches people where they already are: an incident's page shows its pages and lets the
person paged acknowledge there; the inbox lists the open pages that reached its reader and the
incidents that ended with no postmortem yet, to whoever declared them or held a role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import NOW, apply, people, policy

pytestmark = pytest.mark.django_db


def _paged_incident(alice: Any) -> tuple[Any, Any]:
    from postmortems.server.incidents import services
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Policy

    apply(policies=(policy(),))  # alice, then bob 10 minutes later
    incident = services.declare("checkout down", alice, team="sre", now=NOW)
    page = paging.open_page(
        Policy.objects.get(name="sre-page"), summary="db down", now=NOW, incident_key=incident.key
    )
    return incident, page


def _panel(client: Any, url: str) -> Any:
    return BeautifulSoup(client.get(url).content, "html.parser").select_one(".incident-pages")


def test_the_person_paged_acknowledges_on_the_incident_page(client: Any, make_user: Any) -> None:
    alice, _ = people(make_user, "alice", "bob")
    incident, page = _paged_incident(alice)
    url = f"/incidents/{incident.key}/"
    client.force_login(alice)
    panel = _panel(client, url)
    row = panel.select_one(f"li[data-page='{page.pk}']")
    text = row.get_text(" ", strip=True)
    assert "not acknowledged" in text
    assert "reached alice" in text
    assert "escalates at 12:10 UTC" in text  # step 2 comes 10 minutes after the first
    form = row.select_one("form")
    assert form["action"] == f"/oncall/pages/{page.pk}/ack/"
    back = form.select_one("input[name=next]")["value"]
    assert back == f"{url}#page-{page.pk}"
    assert row["id"] == f"page-{page.pk}"
    assert row.select_one("a").get_text() == f"Page #{page.pk}"  # an identifier, not a count
    answer = client.post(form["action"], {"next": back})
    assert answer.status_code == 302
    assert answer["Location"] == back  # back at the row the button was in, not the page's top
    page.refresh_from_db()
    assert (page.state, page.acknowledged_by) == ("acknowledged", alice)
    after = client.get(url).content.decode()
    assert f"Acknowledged page #{page.pk}: the escalation stopped." in after
    row = BeautifulSoup(after, "html.parser").select_one(
        f".incident-pages li[data-page='{page.pk}']"
    )
    assert "acknowledged by alice" in row.get_text(" ", strip=True)
    assert row.select_one("form") is None
    assert "escalates" not in row.get_text()


def test_the_panel_is_only_for_who_may_see_the_policy_and_the_button_for_who_may_ack(
    client: Any, make_user: Any
) -> None:
    alice, _ = people(make_user, "alice", "bob")
    incident, page = _paged_incident(alice)
    url = f"/incidents/{incident.key}/"
    client.force_login(make_user("vic", "viewer"))  # sre, not reached
    row = _panel(client, url).select_one(f"li[data-page='{page.pk}']")
    assert "reached alice" in row.get_text(" ", strip=True)
    assert row.select_one("form") is None
    client.force_login(make_user("walt", "admin", team="web"))  # sees the incident, not the policy
    html = client.get(url).content.decode()
    assert "checkout down" in html
    assert _panel(client, url) is None
    assert "db down" not in html


def test_an_acknowledgement_goes_back_only_to_a_path_of_this_site(
    client: Any, make_user: Any
) -> None:
    alice, _ = people(make_user, "alice", "bob")
    _, page = _paged_incident(alice)
    client.force_login(alice)
    answer = client.post(f"/oncall/pages/{page.pk}/ack/", {"next": "//evil.example/"})
    assert answer["Location"] == f"/oncall/pages/{page.pk}/"


def test_the_inbox_lists_the_open_pages_that_reached_its_reader(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.oncall import paging

    alice, bob = people(make_user, "alice", "bob")
    _, page = _paged_incident(alice)

    def section(user: Any) -> Any:
        client.force_login(user)
        return BeautifulSoup(client.get("/inbox/").content, "html.parser").find(id="inbox-pages")

    mine = section(alice)
    assert "db down" in mine.get_text()
    assert mine.select_one("input[name=next]")["value"] == "/inbox/"
    assert section(bob) is None  # not reached yet
    paging.tick(NOW + dt.timedelta(minutes=10))  # escalated to bob
    assert "db down" in section(bob).get_text()
    client.force_login(bob)
    assert client.post(f"/oncall/pages/{page.pk}/ack/", {"next": "/inbox/"})["Location"] == (
        "/inbox/"
    )
    assert section(alice) is None  # acknowledged: nothing waits on anyone
    assert section(bob) is None


def test_the_inbox_lists_the_incidents_that_wait_for_a_postmortem(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.incidents import drafting, services

    alice, bob, carol = people(make_user, "alice", "bob", "carol")
    ended = services.declare("checkout down", alice, team="sre", now=NOW)
    services.take_role(ended, "commander", alice, NOW, person="bob")
    services.change_status(ended, "resolved", alice, NOW + dt.timedelta(hours=1))
    services.declare("still going", alice, team="sre", now=NOW)
    cancelled = services.declare("false alarm", alice, team="sre", now=NOW)
    services.change_status(cancelled, "cancelled", alice, NOW)

    def due(user: Any) -> list[str]:
        client.force_login(user)
        soup = BeautifulSoup(client.get("/inbox/").content, "html.parser")
        return [li["data-due"] for li in soup.select("#inbox-due li")]

    assert due(alice) == [ended.key]  # declared it
    assert due(bob) == [ended.key]  # held a role
    assert due(carol) == []
    client.force_login(alice)
    link = BeautifulSoup(client.get("/inbox/").content, "html.parser").select_one("#inbox-due li")
    assert link.find("a", string="Write the postmortem")["href"] == (
        f"/incidents/{ended.key}/postmortem/"
    )
    ended.refresh_from_db()
    drafting.write_postmortem(ended, alice, NOW + dt.timedelta(days=1))
    assert due(alice) == []


def test_a_restricted_incident_is_due_only_for_who_still_sees_it(
    client: Any, make_user: Any
) -> None:
    from postmortems.server.accounts.models import Membership, set_role
    from postmortems.server.incidents import services

    (alice,) = people(make_user, "alice")
    secret = services.declare("breach", alice, team="sre", restricted=True, now=NOW)
    services.change_status(secret, "resolved", alice, NOW)
    client.force_login(alice)
    assert "breach" in client.get("/inbox/").content.decode()
    Membership.objects.filter(user=alice, team__slug="sre").delete()  # she left the team
    set_role(alice, "web", "author")
    assert "breach" not in client.get("/inbox/").content.decode()


def _timeline_row(client: Any, url: str, kind: str) -> tuple[str, str]:
    """The What and Who of the incident page's first timeline entry of ``kind``."""
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    row = soup.select(f"table.timeline tr.event.{kind}")[0]
    what = row.select_one(".entry-text").get_text(" ", strip=True)
    return what, row.select_one("td.who").get_text(" ", strip=True)


def test_the_timeline_tells_a_page_as_its_other_entries_read(client: Any, make_user: Any) -> None:
    """Not "paged alice — …" by "on-call": a sentence, and who paged through what."""
    from postmortems.server.incidents.models import Event

    alice, _ = people(make_user, "alice", "bob")
    incident, page = _paged_incident(alice)
    client.force_login(alice)
    url = f"/incidents/{incident.key}/"
    what, who = _timeline_row(client, url, "page")
    assert what.startswith("Paged alice — sre-page: step 1 of 2")
    assert who == "On-call paging policy sre-page"
    stored = Event.objects.get(incident=incident, kind="page")
    assert stored.text.startswith("paged alice — ")  # the record, the API and the draft: as written
    assert stored.author == "on-call"
    client.post(f"/oncall/pages/{page.pk}/ack/", {"next": url})
    what, _ = _timeline_row(client, url, "acknowledgement")
    assert what == "alice acknowledged the page"  # a user name keeps its case
