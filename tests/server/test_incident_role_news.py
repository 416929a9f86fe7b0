"""A person given a role on an incident is told, through the channels a review request uses: an
email to them and a post to every webhook (a restricted incident by its key only), sent by the
worker and recorded as a delivery. Nobody is told of a role they took themselves.

Before, giving someone the commander role told nobody: they found out when they next looked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from test_oncall_delivery import receiver  # noqa: F401  (a fixture: a local webhook receiver)
from workflow_fixtures import run_tasks, with_settings

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes
PUBLIC = "https://pm.example.com"


def _team(make_user: Any, team: str = "sre") -> dict[str, Any]:
    people = {}
    for name in ("ivy", "carol", "dan"):
        user = make_user(name, "author", team=team)
        user.email = f"{name}@example.com"
        user.save()
        people[name] = user
    return people


def _declare(user: Any, **kw: Any) -> Any:
    from postmortems.server.incidents import services

    return services.declare("Checkout 502s", user, team="sre", now=timezone.now(), **kw)


def _give(user: Any, key: str, role: str, person: str = "") -> None:
    client = Client()
    client.force_login(user)
    answer = client.post(f"/incidents/{key}/role/", {"role": role, "person": person})
    assert answer.status_code == 302, answer.content


def test_a_person_given_a_role_is_emailed_with_the_incident_and_its_link(
    smtp_server: list[Any], make_user: Any, settings: Any
) -> None:
    from postmortems.server.workflow.models import Delivery

    with_settings(settings, public_url=PUBLIC)
    people = _team(make_user)
    incident = _declare(people["ivy"], severity="SEV2", services=["checkout"])
    _give(people["ivy"], incident.key, "scribe", "carol")
    assert smtp_server == []  # sent by the worker
    run_tasks()
    (mail,) = smtp_server
    assert mail["To"] == "carol@example.com"
    assert " ".join(str(mail["Subject"]).split()) == (
        f"[postmortems] [SEV2] {incident.key} Checkout 502s: you are scribe"
    )
    body = mail.get_payload(decode=True).decode().splitlines()
    assert body[0] == f"ivy made you scribe of {incident.key} Checkout 502s."
    assert "Severity: SEV2" in body
    assert "Status: triage" in body
    assert "Services: checkout" in body
    assert f"The incident: {PUBLIC}/incidents/{incident.key}/" in body
    delivery = Delivery.objects.get(kind="incident-role")
    assert (delivery.recipients, delivery.ok, delivery.detail) == (
        "carol@example.com",
        True,
        "sent",
    )


def test_a_role_taken_by_oneself_tells_nobody_and_a_handover_tells_the_new_holder(
    smtp_server: list[Any], make_user: Any
) -> None:
    from postmortems.server.workflow.models import Delivery

    people = _team(make_user)
    incident = _declare(people["ivy"])
    _give(people["ivy"], incident.key, "commander")  # ivy takes it
    _give(people["carol"], incident.key, "commander", "carol")  # carol takes it over
    assert Delivery.objects.count() == 0
    _give(people["carol"], incident.key, "commander", "dan")  # a hand-over to dan
    run_tasks()
    assert [m["To"] for m in smtp_server] == ["dan@example.com"]
    body = smtp_server[0].get_payload(decode=True).decode()
    assert body.startswith(f"carol made you commander of {incident.key}")


def test_a_role_on_a_restricted_incident_is_posted_by_key_only(
    smtp_server: list[Any],
    make_user: Any,
    receiver: list[dict[str, Any]],  # noqa: F811
) -> None:
    people = _team(make_user)
    incident = _declare(people["ivy"], restricted=True)
    _give(people["ivy"], incident.key, "communications", "dan")
    run_tasks()
    (mail,) = smtp_server  # dan is of the team: he may read it all
    assert "Checkout 502s" in str(mail["Subject"])
    (post,) = receiver
    assert post["ok"]
    assert post["body"]["text"] == f"A role changed on {incident.key} (restricted)"
    assert post["body"]["incident"] == incident.key
    assert "Checkout" not in str(post["body"])
    assert "dan" not in str(post["body"])


def test_a_person_who_can_no_longer_see_the_incident_is_not_emailed(
    smtp_server: list[Any], make_user: Any
) -> None:
    """Restricted, then dan left the team before the worker ran: no email (and no failure)."""
    from postmortems.server.accounts.models import Membership
    from postmortems.server.workflow.models import Delivery

    people = _team(make_user)
    incident = _declare(people["ivy"], restricted=True)
    _give(people["ivy"], incident.key, "scribe", "dan")
    Membership.objects.filter(user=people["dan"]).delete()
    run_tasks()
    assert smtp_server == []
    assert Delivery.objects.get(kind="incident-role").ok


def test_the_inbox_names_and_links_the_incident_of_a_role_while_it_may_be_seen(
    make_user: Any,
) -> None:
    """Before, the inbox showed only "incident-role", with neither the incident nor a link."""
    from bs4 import BeautifulSoup

    from postmortems.server.incidents.models import Incident

    people = _team(make_user)
    incident = _declare(people["ivy"])
    _give(people["ivy"], incident.key, "scribe", "carol")
    carol = Client()
    carol.force_login(people["carol"])

    def notes() -> list[Any]:
        page = BeautifulSoup(carol.get("/inbox/").content, "html.parser")
        return page.select("#inbox-notes li")

    [note] = notes()
    text = " ".join(note.get_text(" ").split())
    assert text.endswith(f"· Incident role given to you · {incident.key} Checkout 502s")
    assert note.select_one("a")["href"] == f"/incidents/{incident.key}/"
    # Moved to a team she is not in, restricted: the note goes, its key and title with it.
    Incident.objects.filter(pk=incident.pk).update(team="red", restricted=True)
    assert notes() == []
