"""A page reaches whoever is on call, even someone who cannot see the incident: the outage needs
them. To them it carries nothing of the incident beyond its key and that it is restricted —
in the email (a real SMTP server on 127.0.0.1) and the webhook post (a local HTTP server), at
the first page, the escalation and the repeat, in the inbox, On-call → Pages, the page's own
page, the API and the signed acknowledgement link (opened signed out, as a chat's link preview
does) — and tells them to ask its commander for access. The incident's page tells its readers
who was paged and cannot see it; nothing grants access by itself.

Before: the email said ``INC-… is restricted: its team sees what it is about.`` and no more (not
what to do), the incident's readers were not told, and a page whose incident was restricted after
it paged (or a message typed for a restricted incident) showed its summary — the incident's
title — in the inbox, the pages list and API, and on the signed link to anyone who opened it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from oncall_fixtures import admin_form, page_text, policy
from test_oncall_delivery import receiver  # noqa: F401  (a fixture: the local webhook server)
from tests.server.incident_fixtures import am_alert, am_payload, integration, post
from workflow_fixtures import run_tasks, with_settings

from postmortems.oncall import model

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes
PUBLIC = "https://pm.example.com"
TITLE = "Card numbers in the checkout logs"
DESCRIPTION = "PAN found in 40k log lines"
RUNBOOK = "https://runbooks.example.com/pci-leak"
SECRETS = (TITLE, DESCRIPTION, RUNBOOK, "SEV1", "Services:")


def _people(make_user: Any, **teams: str) -> None:
    for name, team in teams.items():
        user = make_user(name, "author", team=team)
        user.email = f"{name}@example.com"
        user.save()


def _paging(team: str, *steps: str, repeat: int = 0) -> None:
    """The service checkout pages a policy of ``team`` whose steps page ``steps``, ten minutes
    apart."""
    from postmortems.server.oncall import store

    pages = policy(
        "checkout-page", tuple(((("user", s),), 10) for s in steps), team=team, repeat=repeat
    )
    service = model.Service("checkout", "checkout-page", team)
    store.apply_config(model.Config((), (pages,), {}, (service,)), dry_run=False)


def _alert(team: str, **kw: Any) -> str:
    integ, secret = integration(team=team, **kw)
    alert = am_alert("pan", service="checkout")
    alert["annotations"].update(summary=TITLE, description=DESCRIPTION, runbook_url=RUNBOOK)
    answer = post(Client(), integ, secret, am_payload("g1", alert))
    assert answer.status_code == 200, answer.content
    (key,) = answer.json()["incidents"]
    return str(key)


def _mails(smtp: list[Any], to: str) -> list[tuple[str, str]]:
    return [
        (" ".join(str(m["Subject"]).split()), m.get_payload(decode=True).decode())
        for m in smtp
        if m["To"] == f"{to}@example.com"
    ]


def _signed_in(name: str) -> Client:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username=name))
    return client


def _unseen(told: str) -> None:
    for secret in SECRETS:
        assert secret not in told


def test_an_alerts_pages_tell_a_person_who_cannot_see_the_incident_its_key_and_what_to_do(
    smtp_server: list[Any],
    receiver: list[dict[str, Any]],  # noqa: F811
    make_user: Any,
    settings: Any,
) -> None:
    """A restricted integration of team red opens the incident; the policy pages roger (red),
    then alice (sre), and repeats once: alice is paged at the escalation and at the repeat,
    each time by the key alone; roger is told the incident."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    with_settings(settings, public_url=PUBLIC)
    _people(make_user, roger="red", alice="sre")
    _paging("red", "roger", "alice", repeat=1)
    key = _alert("red", restricted=True)
    page = Page.objects.get()
    for minutes in (10, 20, 30):  # alice; roger again (round 2); alice again
        paging.tick(page.opened + dt.timedelta(minutes=minutes))
    run_tasks()
    told = _mails(smtp_server, "alice")
    assert len(told) == 2  # the escalation and the repeat
    for subject, body in told:
        assert subject == f"[postmortems] Restricted incident {key} needs you"
        _unseen(subject + body)
        assert (
            f"Restricted incident {key} needs you, and you cannot see it: sign in and ask its "
            "commander for access" in " ".join(body.split())
        )
        assert f"Your page: {PUBLIC}/oncall/pages/{page.pk}/" in body
    assert all(TITLE in subject for subject, _ in _mails(smtp_server, "roger"))
    posts = [p["body"] for p in receiver if p["body"].get("event") == "page"]
    assert {p["user"] for p in posts} == {"roger", "alice"}
    for sent in posts:
        _unseen(str(sent))
    # The link a post carries, opened signed out (a chat's link preview): the key alone.
    ack = next(p["url"] for p in posts if p["user"] == "alice").removeprefix(PUBLIC)
    preview = page_text(Client().get(ack))
    assert f"Restricted incident {key}" in preview
    _unseen(preview)


def test_a_page_of_an_incident_restricted_after_it_paged_shows_its_key_alone(
    smtp_server: list[Any],
    receiver: list[dict[str, Any]],  # noqa: F811
    make_user: Any,
    settings: Any,
) -> None:
    """A public incident pages alice; a superuser restricts it to team red (it turns out to be
    a data leak); the escalation pages bob. Neither may see it any more: nothing they are sent
    or shown names more than its key, while roger, of team red, reads it all."""
    from django.contrib.auth.models import User

    from postmortems.server.incidents.models import Incident
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    with_settings(settings, public_url=PUBLIC)
    _people(make_user, alice="sre", bob="sre", roger="red", carol="sre")
    _paging("", "alice", "bob")
    key = _alert("sre")
    page = Page.objects.get()
    assert TITLE in page.summary  # written while the incident was public
    root = Client()
    root.force_login(make_user("root", superuser=True))
    url = f"/admin/incidents/incident/{Incident.objects.get(key=key).pk}/change/"
    data = {**admin_form(root, url), "restricted": "on", "team": "red"}
    assert root.post(url, data).status_code == 302
    paging.tick(page.opened + dt.timedelta(minutes=10))
    run_tasks()
    ((subject, body),) = _mails(smtp_server, "bob")
    assert subject == f"[postmortems] Restricted incident {key} needs you"
    _unseen(subject + body)
    (sent,) = [p["body"] for p in receiver if p["body"].get("user") == "bob"]
    _unseen(str(sent))
    preview = page_text(Client().get(sent["url"].removeprefix(PUBLIC)))
    _unseen(preview)
    # alice, signed in: her inbox, the pages, the page's own page and the API.
    alice = _signed_in("alice")
    inbox = BeautifulSoup(alice.get("/inbox/").content, "html.parser")
    row = " ".join(inbox.select_one("#inbox-pages").get_text(" ").split())
    assert f"Restricted incident {key} (you cannot see it: ask its commander for access)" in row
    for path in ("/inbox/", "/oncall/pages/", f"/oncall/pages/{page.pk}/", "/api/oncall/pages"):
        _unseen(alice.get(path).content.decode())
    mine = alice.get("/api/oncall/pages?mine=true").json()
    assert [p["summary"] for p in mine] == [f"Restricted incident {key}"]
    own = BeautifulSoup(alice.get(f"/oncall/pages/{page.pk}/").content, "html.parser")
    assert "ask its commander for access" in own.select_one("#page-unseen").get_text()
    assert alice.get(f"/incidents/{key}/").status_code == 404
    # carol, not paged, sees the page of a policy of no team: not told she was paged.
    other = BeautifulSoup(
        _signed_in("carol").get(f"/oncall/pages/{page.pk}/").content, "html.parser"
    )
    assert other.select_one("h1").get_text(" ").endswith(f"Restricted incident {key}")
    assert (
        other.select_one("#page-unseen").get_text()
        == "This incident is restricted: you cannot see it."
    )
    # roger, of team red, reads the page as it is, and is told who cannot see the incident.
    roger = _signed_in("roger")
    assert TITLE in roger.get(f"/oncall/pages/{page.pk}/").content.decode()
    shown = BeautifulSoup(roger.get(f"/incidents/{key}/").content, "html.parser")
    said = " ".join(shown.select_one("#paged-unseeing").get_text(" ").split())
    assert said.startswith("alice and bob were paged and cannot see this incident: it is ")
    assert "restricted to team red: a team admin or a superuser may add them to team red" in said
    # Nothing granted them access: they are still not of team red.
    assert not User.objects.filter(username__in=["alice", "bob"], memberships__team__slug="red")


def test_the_incidents_readers_are_told_who_was_paged_and_cannot_see_it(
    make_user: Any, settings: Any
) -> None:
    """Only when someone who cannot see it was paged; a person of its team is not named."""
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Page

    _people(make_user, roger="red", wanda="red", alice="sre")
    _paging("red", "roger", "alice")
    key = _alert("red", restricted=True)
    roger = _signed_in("roger")
    panel = BeautifulSoup(roger.get(f"/incidents/{key}/").content, "html.parser")
    assert panel.select_one("#incident-pages") is not None
    assert panel.select_one("#paged-unseeing") is None  # roger alone, who sees it
    paging.tick(Page.objects.get().opened + dt.timedelta(minutes=10))
    for reader in (roger, _signed_in("wanda")):
        shown = BeautifulSoup(reader.get(f"/incidents/{key}/").content, "html.parser")
        said = shown.select_one("#paged-unseeing").get_text(" ")
        assert said.startswith("alice was paged and cannot see this incident")
        assert "roger" not in said


def test_a_message_typed_for_a_restricted_incident_is_not_on_its_signed_link_signed_out(
    receiver: list[dict[str, Any]],  # noqa: F811
    make_user: Any,
    settings: Any,
) -> None:
    """A page by hand through the API, with a message, for a restricted incident: the webhook
    post names the incident by its key, and its link, opened signed out (a chat's link
    preview), does not show the message; roger, signed in, reads it there."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from postmortems.server.incidents import services

    with_settings(settings, public_url=PUBLIC)
    _people(make_user, roger="red")
    _paging("red", "roger")
    roger = User.objects.get(username="roger")
    leak = services.declare(TITLE, roger, team="red", restricted=True, now=timezone.now())
    client = _signed_in("roger")
    typed = {"policy": "checkout-page", "summary": DESCRIPTION, "incident": leak.key}
    answer = client.post("/api/oncall/pages", typed, content_type="application/json")
    assert answer.status_code == 201, answer.content
    run_tasks()
    (sent,) = [p["body"] for p in receiver if p["body"].get("event") == "page"]
    _unseen(str(sent))
    link = sent["url"].removeprefix(PUBLIC)
    preview = page_text(Client().get(link))
    assert f"Restricted incident {leak.key}" in preview
    _unseen(preview)
    assert DESCRIPTION in page_text(client.get(link))
