"""Paging someone by hand says why: the incident's *Page someone* form takes an optional message
("need DB help on replica lag"), kept with the page (``Page.message``) and said in its email and
webhook line, in the paged person's inbox, on the incident's timeline entry of the page, on the
page's own page and in the API's page object (``message``, which ``POST /api/oncall/pages`` and
``pm page open --message`` take too). An over-long one is refused beside the form, with what was
typed kept; someone paged who may not see a restricted incident is not told the words.

Before, the form was a list and *Page now*: the person paged learnt nothing of why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from incident_fixtures import declared, logged_in
from oncall_fixtures import apply, policy, rotation
from workflow_fixtures import run_tasks

WHY = "need DB help on replica lag"


def _world(make_user: Any) -> dict[str, Any]:
    """Team sre: ivy and carol (authors with email addresses), schedule primary, policy sre-page."""
    people = {n: make_user(n, "author") for n in ("ivy", "carol")}
    for user in people.values():
        user.email = f"{user.username}@example.com"
        user.save()
    apply(rotation("primary", ("carol",)), source="")
    apply(policies=(policy(),), source="")
    return people


def _page_carol(ivy: Any, key: str, message: str) -> Any:
    data = {"target": "user:carol", "message": message}
    return logged_in(ivy).post(f"/oncall/incidents/{key}/page/", data)


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_the_message_is_told_by_email_in_the_inbox_on_the_timeline_and_by_the_api(
    smtp_server: list[Any], make_user: Any
) -> None:
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    incident = declared(people["ivy"])
    answer = _page_carol(people["ivy"], incident.key, f"  {WHY}  ")
    assert answer.status_code == 302
    page = Page.objects.get()
    assert page.message == WHY
    event = incident.events.get(kind="page")
    assert event.text == f"ivy paged carol — “{WHY}”"
    run_tasks()
    (mail,) = smtp_server
    body = mail.get_payload(decode=True).decode().splitlines()
    assert body[:2] == [
        "You are paged: paged by ivy: step 1 of 1, round 1 of 2 (user carol).",
        f"Message from ivy: “{WHY}”",
    ]
    inbox = BeautifulSoup(logged_in(people["carol"]).get("/inbox/").content, "html.parser")
    row = inbox.select_one(f"#inbox-pages li[data-page='{page.pk}']")
    assert row.select_one("q.page-message").get_text() == WHY
    shown = BeautifulSoup(
        logged_in(people["carol"]).get(f"/oncall/pages/{page.pk}/").content, "html.parser"
    )
    assert shown.select_one("#page-message").get_text(" ", strip=True) == f"Message from ivy: {WHY}"
    token = ApiToken.issue(people["carol"], "script", scope="read")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get(f"/api/oncall/pages/{page.pk}").json()["message"] == WHY


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_a_policy_paged_by_a_person_says_whom_the_message_is_from(
    smtp_server: list[Any], make_user: Any
) -> None:
    """Ivy pages policy to-carol from the incident's form, and by the API with her token:
    carol's email and the page's own page say "Message from ivy", as for a person paged (before,
    only "Message: …", whoever paged). A policy page stays no page by hand."""
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    apply(policies=(policy("to-carol", (((("user", "carol"),), 10),)),), source="")
    by_form = declared(people["ivy"])
    data = {"target": "policy:to-carol", "message": WHY}
    assert (
        logged_in(people["ivy"]).post(f"/oncall/incidents/{by_form.key}/page/", data).status_code
        == 302
    )
    token = ApiToken.issue(people["ivy"], "script", scope="write")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"policy": "to-carol", "summary": "checkout down", "message": WHY}
    body["incident"] = declared(people["ivy"]).key
    assert (
        api.post("/api/oncall/pages", json.dumps(body), content_type="application/json").status_code
        == 201
    )
    run_tasks()
    assert len(smtp_server) == 2
    for mail in smtp_server:
        assert (
            mail.get_payload(decode=True).decode().splitlines()[1] == f"Message from ivy: “{WHY}”"
        )
    for page in Page.objects.all():
        assert (page.policy_name, page.targets) == ("to-carol", [])
        shown = BeautifulSoup(
            logged_in(people["carol"]).get(f"/oncall/pages/{page.pk}/").content, "html.parser"
        )
        said = shown.select_one("#page-message").get_text(" ", strip=True)
        assert said == f"Message from ivy: {WHY}"
        assert shown.select_one("p.meta").get_text().startswith("Policy to-carol ·")


@pytest.mark.django_db
def test_an_over_long_message_is_refused_beside_the_form_and_kept(make_user: Any) -> None:
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    incident = declared(people["ivy"])
    typed = "replica lag " * 26  # 312 characters
    answer = _page_carol(people["ivy"], incident.key, typed)
    assert answer.status_code == 400
    form = BeautifulSoup(answer.content, "html.parser").find("form", id="page-someone")
    error = form.find(id="page-message-error")
    assert "The message is at most 300 characters (it has 311)" in error.get_text()
    field = form.find("input", attrs={"name": "message"})
    assert field["value"] == typed
    assert field["aria-describedby"] == "page-message-error"
    assert form.find("option", value="user:carol").has_attr("selected")  # the choice kept
    assert not field.has_attr("maxlength")  # the server says it, the browser never cuts
    assert not Page.objects.exists()
    empty = _page_carol(people["ivy"], incident.key, "")
    assert empty.status_code == 302  # the message is optional
    assert Page.objects.get().message == ""


@pytest.mark.django_db
def test_the_api_and_pm_page_open_take_the_message(
    make_user: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from oncall_fixtures import pm_here

    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall.models import Page

    people = _world(make_user)
    incident = declared(people["ivy"])
    token = ApiToken.issue(people["ivy"], "script", scope="write")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def post(message: str) -> Any:
        body = {"policy": "sre-page", "summary": "checkout down", "incident": incident.key}
        body["message"] = message
        return api.post("/api/oncall/pages", json.dumps(body), content_type="application/json")

    too_long = post("x" * 301)
    assert too_long.status_code == 422
    assert not Page.objects.exists()
    made = post(WHY)
    assert made.status_code == 201
    assert made.json()["message"] == WHY
    assert incident.events.filter(kind="page", text__endswith=f"— “{WHY}”").exists()
    Page.objects.all().delete()
    pm = pm_here(monkeypatch, capsys, "page")
    args = ["page", "open", "--policy", "sre-page", "--summary", "x", "--message"]
    code, _, err = pm(*args, "y" * 301)
    assert code == 3
    assert err.startswith("pm: the message is 301 characters, at most 300 — say why in fewer")
    assert pm(*args, WHY, "--as", "ivy")[0] == 0
    # on the server's machine, the command line pages as the account --as names
    assert (Page.objects.get().message, Page.objects.get().opened_by) == (WHY, people["ivy"])


@pytest.mark.django_db
def test_someone_paged_who_may_not_see_a_restricted_incident_is_not_told_the_words(
    make_user: Any,
) -> None:
    """A policy pages wanda of team red for sre's restricted incident (its configuration's
    page): her email, her inbox and the API give the key only, never the pager's words."""
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.oncall import paging
    from postmortems.server.oncall.models import Notification, Page, Policy
    from postmortems.server.oncall.pagemail import told

    people = _world(make_user)
    wanda = make_user("wanda", "author", team="red")
    wanda.email = "wanda@example.com"
    wanda.save()
    apply(policies=(policy("to-wanda", (((("user", "wanda"),), 10),)),), source="")
    secret = declared(people["ivy"], restricted=True)
    row = Policy.objects.get(name="to-wanda")
    page = paging.open_page(
        row, summary=secret.key, now=timezone.now(), incident_key=secret.key, message=WHY
    )
    note = Notification.objects.get(page=page, user="wanda", channel="email")
    said = told(note, "https://ack")
    assert f"Restricted incident {secret.key} needs you" in said.body
    assert WHY not in said.body
    assert WHY not in said.line  # a shared channel hears the key only
    inbox = logged_in(wanda).get("/inbox/").content.decode()
    assert WHY not in inbox
    token = ApiToken.issue(wanda, "script", scope="read")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get(f"/api/oncall/pages/{page.pk}").json()["message"] == ""
    assert Page.objects.get().message == WHY
