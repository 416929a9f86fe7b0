"""On a postmortem's page, the card's incident key links to the incident's page for a reader who
may see that incident; for anyone else it reads exactly as a key no incident has
(docs/incidents.md, "The postmortem draft"; docs/publishing.md, "The card")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from incident_fixtures import logged_in

from conftest import doc_text

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def declare(title: str, by: Any, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    return services.declare(title, by, now=NOW, **kw)


def postmortem(key: str, incident: str, summary: str = "") -> Any:
    from postmortems.server.library import store

    text = doc_text(key).replace("timezone: UTC\n", f"timezone: UTC\nincident: {incident}\n", 1)
    if summary:
        text = text.replace(
            "From 04:00 to 06:30 UTC checkout returned 502s to 75% of users; the certificate "
            "expired.",
            summary,
        )
    return store.create(text, None).postmortem


def card(client: Any, key: str) -> Any:
    page = client.get(f"/p/{key}/")
    assert page.status_code == 200, page.content
    return BeautifulSoup(page.content, "html.parser").select_one("#summary-card")


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "sam": make_user("sam", "author", "sre"),
        "noor": make_user("noor", "author", "security"),
    }


def test_the_drafted_sentences_key_links_to_the_incident(people: dict[str, Any]) -> None:
    incident = declare("Checkout 502s", people["sam"], team="sre", severity="SEV1")
    said = f"From 04:00 to 06:30 UTC, checkout-api was affected (incident {incident.key}, SEV1)."
    postmortem("PM-T-1", incident.key, summary=said)
    shown = card(logged_in(people["sam"]), "PM-T-1")
    [link] = shown.select("a.incident-key")
    assert link["href"] == f"/incidents/{incident.key}/"
    assert link.get_text() == incident.key
    assert f"(incident {incident.key}, SEV1)" in link.find_parent("dd").get_text()


def test_a_restricted_incident_is_no_link_for_a_reader_outside_its_team(
    people: dict[str, Any],
) -> None:
    hidden = declare("Key leak", people["noor"], team="security", restricted=True)
    postmortem("PM-T-1", hidden.key)  # an open postmortem that names a restricted incident
    postmortem("PM-T-2", "INC-2026-9999")  # a key no incident has
    sam = logged_in(people["sam"])
    named, missing = card(sam, "PM-T-1"), card(sam, "PM-T-2")
    assert named.select("a") == []
    # Exactly the card of a key that does not exist: nothing tells the incident is there.
    assert str(named).replace(hidden.key, "KEY").replace("PM-T-1", "PM") == str(missing).replace(
        "INC-2026-9999", "KEY"
    ).replace("PM-T-2", "PM")
    # Its team sees the link.
    [link] = card(logged_in(people["noor"]), "PM-T-1").select("a.incident-key")
    assert link["href"] == f"/incidents/{hidden.key}/"


def test_an_incident_of_another_team_that_is_not_restricted_is_linked(
    people: dict[str, Any],
) -> None:
    other = declare("DNS timeouts", people["noor"], team="security")
    postmortem("PM-T-1", other.key)
    [link] = card(logged_in(people["sam"]), "PM-T-1").select(".fact.incident a.incident-key")
    assert link["href"] == f"/incidents/{other.key}/"


def test_the_migration_renders_again_the_pages_stored_unmarked(people: dict[str, Any]) -> None:
    """A page stored before the card marked the key (its HTML without the mark) is rendered
    again when next read, once ``library/0014`` has run; a page naming no incident is kept."""
    from django.core.management import call_command

    from postmortems.server.library.models import Postmortem

    incident = declare("Checkout 502s", people["sam"], team="sre")
    postmortem("PM-T-1", incident.key)
    plain = doc_text("PM-T-2")
    from postmortems.server.library import store

    store.create(plain, None)
    sam = logged_in(people["sam"])
    for key in ("PM-T-1", "PM-T-2"):
        card(sam, key)  # rendered and stored
        pm = Postmortem.objects.get(key=key)
        unmarked = pm.rendered_html.replace('class="incident-key"', 'class="old"')
        Postmortem.objects.filter(pk=pm.pk).update(rendered_html=unmarked)  # as stored before
    assert card(sam, "PM-T-1").select("a.incident-key") == []
    call_command("migrate", "library", "0013", verbosity=0)
    try:
        call_command("migrate", "library", "0014", verbosity=0)
        assert Postmortem.objects.get(key="PM-T-2").rendered_version == 1  # names none: kept
    finally:
        call_command("migrate", verbosity=0)
    [link] = card(sam, "PM-T-1").select("a.incident-key")
    assert link["href"] == f"/incidents/{incident.key}/"
