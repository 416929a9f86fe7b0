"""A refusal of a review step says whose problem it is: a viewer (no reviewer role) who approves,
requests changes or answers a review is refused with a 403 that names the role the step needs,
on the API (JSON) and on the page (the 403 page); a member who holds the reviewer role but was
not asked keeps the 409 "you were not asked", said beside the button. Nothing changes either way.

Before, the viewer got the 409 "you were not asked to review it", as if asking them would do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from workflow_fixtures import NOW, clean_text, with_settings

pytestmark = pytest.mark.django_db

KEY = "PM-ROLE-1"
ROLE_SAID = "it needs the reviewer role in team sre; your role there is viewer"


def _teams(text: str) -> str:
    return text.replace("authors: [alice]\n", "authors: [alice]\nteams: [sre]\n", 1)


@pytest.fixture
def people(make_user: Any, settings: Any) -> dict[str, Any]:
    """alice (author) has PM-ROLE-1 of team sre in review, bob asked; dan (reviewer) was not
    asked; vic is a viewer."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    with_settings(settings, review_approvals=("*:1",), staff_review_team="")
    roles = {"alice": "author", "bob": "reviewer", "dan": "reviewer", "vic": "viewer"}
    found = {name: make_user(name, role) for name, role in roles.items()}
    pm = store.create(_teams(clean_text(KEY)), found["alice"]).postmortem
    services.request_review(pm, found["alice"], [found["bob"]], now=NOW)
    return found


def _api(user: Any) -> Client:
    from postmortems.server.accounts.models import ApiToken

    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, 't')[1]}"})


def _post(user: Any, path: str, body: dict[str, Any]) -> Any:
    data = json.dumps(body)
    return _api(user).post(f"/api/postmortems/{KEY}/{path}", data, content_type="application/json")


def _unchanged() -> None:
    from postmortems.server.library.models import Postmortem
    from postmortems.server.workflow.models import Event, ReviewRequest

    assert Postmortem.objects.get(key=KEY).status == "in-review"
    rows = ReviewRequest.objects.filter(postmortem__key=KEY)
    assert [(r.reviewer.username, r.verdict) for r in rows] == [("bob", "")]
    assert list(Event.objects.values_list("transition", flat=True)) == ["request-review"]


@pytest.mark.parametrize(
    ("path", "body", "doing"),
    [
        ("moves", {"transition": "approve"}, "approving"),
        ("moves", {"transition": "request-changes", "note": "Say more."}, "requesting changes to"),
        ("review/answer", {"accept": True}, "accepting or declining a review of"),
    ],
)
def test_a_viewer_s_review_step_is_a_403_naming_the_role(
    people: dict[str, Any], path: str, body: dict[str, Any], doing: str
) -> None:
    refused = _post(people["vic"], path, body)
    assert refused.status_code == 403, refused.content
    assert refused["Content-Type"].startswith("application/json")
    said = refused.json()
    assert said["detail"] == f"{KEY}: {doing} {ROLE_SAID}"
    assert said["hint"].startswith("ask an admin of team sre for the reviewer role")
    _unchanged()


def test_a_reviewer_who_was_not_asked_keeps_the_409(people: dict[str, Any]) -> None:
    refused = _post(people["dan"], "moves", {"transition": "approve"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == f"{KEY}: you were not asked to review it"
    _unchanged()
    asked = _post(people["bob"], "moves", {"transition": "approve"})  # the one asked may
    assert (asked.status_code, asked.json()["status"]) == (200, "approved")


def _form(user: Any, data: dict[str, str], **headers: str) -> Any:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client.post(f"/p/{KEY}/workflow/move/", data, headers=headers)


def test_a_viewer_s_approval_through_the_form_is_the_403_page(people: dict[str, Any]) -> None:
    refused = _form(people["vic"], {"transition": "approve"})
    assert refused.status_code == 403
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.h1.get_text() == "Not allowed"
    said = " ".join(page.select_one("main").get_text(" ", strip=True).split())
    assert f"{KEY}: approving {ROLE_SAID}" in said
    htmx = _form(people["vic"], {"transition": "approve"}, **{"HX-Request": "true"})
    assert htmx.status_code == 403
    assert htmx.content.decode().startswith(f"Not allowed: {KEY}: approving {ROLE_SAID}")
    _unchanged()


def test_a_reviewer_not_asked_is_told_beside_the_button(people: dict[str, Any]) -> None:
    refused = _form(people["dan"], {"transition": "approve"})
    assert refused.status_code == 302
    assert refused["Location"].endswith(f"/p/{KEY}/#move-approve-error")
    client = Client()
    client.force_login(people["dan"])
    shown = client.post(f"/p/{KEY}/workflow/move/", {"transition": "approve"}, follow=True)
    assert shown.status_code == 200
    assert "you were not asked to review it" in shown.content.decode()
    _unchanged()


def test_a_member_of_another_team_is_told_they_have_no_role_there(
    people: dict[str, Any], make_user: Any
) -> None:
    outsider = make_user("otto", "reviewer", team="payments")  # reads it, reviews payments'
    refused = _post(outsider, "moves", {"transition": "approve"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        f"{KEY}: approving it needs the reviewer role in team sre; you have no role there"
    )
    _unchanged()
