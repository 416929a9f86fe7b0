"""The JSON API: CRUD with version checks, revisions, lint, tokens, JSON errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.server.conftest import doc_text, send_json, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user: Any) -> Client:
    return token_client(make_user("bot", "admin"))


def test_a_save_answers_times_in_utc_as_a_read_does(api: Client) -> None:
    """The create's answer gave the document's zone ("+01:00"), the read "Z"."""
    text = doc_text("PM-ZONE").replace("timezone: UTC", "timezone: Europe/Paris")
    created = send_json(api, "post", "/api/postmortems", {"text": text}).json()
    got = api.get("/api/postmortems/PM-ZONE").json()
    assert created["started"] == got["started"]
    assert got["started"].endswith("Z")
    assert (created["resolved"], created["updated"]) == (got["resolved"], got["updated"])
    updated = send_json(
        api, "put", "/api/postmortems/PM-ZONE", {"text": text + "\nMore.\n", "base_version": 1}
    ).json()
    assert updated["started"] == got["started"]


def test_the_list_takes_its_choices_in_any_case_and_refuses_others(api: Client) -> None:
    """?status=bogus and ?severity=sev1 answered 200 with nothing, ?sort=bogus the newest."""
    send_json(api, "post", "/api/postmortems", {"text": doc_text("PM-CASE")})
    found = api.get("/api/postmortems", {"severity": "sev2", "status": "Draft"}).json()
    assert [i["key"] for i in found["items"]] == ["PM-CASE"]
    for name, value in (("status", "bogus"), ("severity", "SEV9"), ("sort", "sideways")):
        refused = api.get("/api/postmortems", {name: value})
        assert refused.status_code == 422, name
        assert refused.json()["errors"][0]["field"] == name
        assert "give one of" in refused.json()["errors"][0]["msg"]


def test_create_get_update_with_version_check_and_delete(api: Client) -> None:
    created = send_json(api, "post", "/api/postmortems", {"text": doc_text("PM-API")})
    assert created.status_code == 201
    assert created.json()["labels"]["services"] == ["checkout-api", "nginx"]
    got = api.get("/api/postmortems/PM-API").json()
    assert (got["version"], got["severity"], got["text"]) == (1, "SEV2", doc_text("PM-API"))
    new_text = got["text"].replace("SEV2", "SEV1")
    ok = send_json(api, "put", "/api/postmortems/PM-API", {"text": new_text, "base_version": 1})
    assert ok.json()["version"] == 2
    stale = send_json(api, "put", "/api/postmortems/PM-API", {"text": "lost?", "base_version": 1})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert stale.json()["current_text"] == new_text
    revs = api.get("/api/postmortems/PM-API/revisions").json()
    assert [r["number"] for r in revs] == [2, 1]
    assert "+severity: SEV1" in api.get("/api/postmortems/PM-API/revisions/2").json()["diff"]
    assert api.delete("/api/postmortems/PM-API").status_code == 204
    assert api.get("/api/postmortems/PM-API").status_code == 404


def test_a_create_takes_the_first_revisions_note_and_the_files_path(api: Client) -> None:
    """`pm push` marks the revisions it makes by their note, the first one too, and gives the
    file's path in its folder (`pm import` of the folder then revises it, `pm export` writes it
    there)."""
    body = {"text": doc_text("PM-NOTE"), "message": "pm push: from CI", "source_name": "a/b.md"}
    assert send_json(api, "post", "/api/postmortems", body).status_code == 201
    [first] = api.get("/api/postmortems/PM-NOTE/revisions").json()
    assert (first["number"], first["message"]) == (1, "pm push: from CI")
    from postmortems.server.library.models import Postmortem

    assert Postmortem.objects.get(key="PM-NOTE").source_name == "a/b.md"
    send_json(api, "post", "/api/postmortems", {"text": doc_text("PM-PLAIN")})
    assert api.get("/api/postmortems/PM-PLAIN/revisions").json()[0]["message"] == "created"
    long = send_json(
        api, "post", "/api/postmortems", {"text": doc_text("PM-X"), "message": "x" * 201}
    )
    assert (long.status_code, long.json()["errors"][0]["field"]) == (422, "message")


def test_list_filters(api: Client) -> None:
    for key, sev in (("PM-1", "SEV1"), ("PM-2", "SEV2"), ("PM-3", "SEV1")):
        send_json(api, "post", "/api/postmortems", {"text": doc_text(key).replace("SEV2", sev)})
    page = api.get("/api/postmortems?severity=SEV1&sort=title&limit=1").json()
    assert page["count"] == 2
    assert [i["key"] for i in page["items"]] == ["PM-1"]
    for limit in (0, 201):  # refused as documented (1–200), not silently clamped
        refused = api.get(f"/api/postmortems?limit={limit}")
        assert refused.status_code == 422
        assert "limit" in str(refused.json())


def test_errors_are_json_with_a_message(api: Client) -> None:
    dup = send_json(api, "post", "/api/postmortems", {"text": doc_text("PM-D")})
    assert dup.status_code == 201
    again = send_json(api, "post", "/api/postmortems", {"text": doc_text("PM-D")})
    assert again.status_code == 409
    assert "is not available" in again.json()["detail"]
    bad_yaml = send_json(api, "post", "/api/postmortems", {"text": "---\ntitle: [x\n---\n"})
    assert bad_yaml.status_code == 422
    assert "front matter is not valid YAML" in bad_yaml.json()["detail"]
    garbage = api.post("/api/postmortems", data="{not json", content_type="application/json")
    assert garbage.status_code == 400
    assert garbage.json() == {
        "detail": "the body is not JSON: line 1 column 2: Expecting property name enclosed in "
        "double quotes",
        "hint": "send a JSON object with Content-Type: application/json",
    }
    latin = api.post("/api/postmortems", data=b'{"text": "caf\xe9"}', content_type="text/plain")
    assert latin.json()["detail"] == "the body is not JSON: byte 14 is not UTF-8"
    missing = send_json(api, "put", "/api/postmortems/PM-D", {"text": "x"})
    assert missing.status_code == 422
    assert missing.json()["errors"]
    bad_token = Client(headers={"Authorization": "Bearer nope"}).get("/api/postmortems")
    assert bad_token.status_code == 401
    assert bad_token["Content-Type"] == "application/json; charset=utf-8"
    # A write with a refused token is told of its token, not of a CSRF check it never meant to
    # pass; a session's write without the CSRF header is told what to send.
    write = send_json(Client(headers={"Authorization": "Bearer nope"}), "post", "/api/lint", {})
    assert write.status_code == 401
    assert write.json()["detail"].startswith("the token was refused")
    basic = Client(headers={"Authorization": "Basic YTpi"}).get("/api/postmortems")
    assert basic.status_code == 401
    assert "no Bearer token" in basic.json()["detail"]
    nothing = send_json(Client(enforce_csrf_checks=True), "post", "/api/lint", {})
    assert nothing.status_code == 401
    assert nothing.json()["detail"].startswith("authentication required")
    from django.contrib.auth import get_user_model

    session = Client(enforce_csrf_checks=True)
    session.force_login(get_user_model().objects.get(username="bot"))
    csrf = send_json(session, "post", "/api/postmortems", {"text": doc_text("PM-E")})
    assert csrf.status_code == 403
    assert "X-CSRFToken" in csrf.json()["hint"]


def test_lint_endpoint_reports_findings(api: Client) -> None:
    found = send_json(api, "post", "/api/lint", {"text": "# Only a title\n"}).json()
    assert found["findings"]
    assert {"code", "line", "column", "message", "severity", "fix"} <= set(found["findings"][0])
    # A Google SRE postmortem is held to its own format, as in the editor and at approval.
    from postmortems.document.skeleton import Answers, render

    google = render("google-sre", Answers(title="Checkout API returned 502s"))
    codes = {
        f["code"] for f in send_json(api, "post", "/api/lint", {"text": google}).json()["findings"]
    }
    assert "PM112" not in codes


def test_tokens_via_api(api: Client) -> None:
    """A signed-in session creates tokens; a token cannot (issue 13, item 10)."""
    from django.contrib.auth import get_user_model

    assert send_json(api, "post", "/api/tokens", {"name": "second"}).status_code == 403
    session = Client()
    session.force_login(get_user_model().objects.get(username="bot"))
    made = send_json(session, "post", "/api/tokens", {"name": "second"})
    assert made.status_code == 201
    raw = made.json()["token"]
    listed = {t["name"]: t for t in session.get("/api/tokens").json()}
    assert listed["second"] == {k: v for k, v in made.json().items() if k != "token"}
    assert raw not in str(listed)
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").json()["role"] == "admin"
    )
    # A token revokes itself only: a stolen one cannot revoke its owner's other tokens.
    other = send_json(session, "post", "/api/tokens", {"name": "third"}).json()
    by_token = Client(headers={"Authorization": f"Bearer {raw}"})
    refused = by_token.delete(f"/api/tokens/{other['id']}")
    assert refused.status_code == 403
    assert "revokes only itself" in refused.json()["detail"]
    assert other["name"] in {t["name"] for t in session.get("/api/tokens").json()}
    assert by_token.delete(f"/api/tokens/{made.json()['id']}").status_code == 204  # itself
    assert session.delete(f"/api/tokens/{made.json()['id']}").status_code == 404
    assert session.delete(f"/api/tokens/{other['id']}").status_code == 204
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/me").status_code == 401


def test_openapi_schema_and_docs_are_served(api: Client) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert "/api/postmortems/{key}" in schema["paths"]
    assert Client().get("/api/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "said"),
    [
        ("get", "/api/incidents/", 404, "end without a slash: /api/incidents"),
        ("get", "/api/no-such-thing", 404, "/api/docs"),
        ("post", "/api/postmortems/PM-T-1/", 404, "end without a slash"),
        ("delete", "/api/oncall/pages", 405, "POST"),
    ],
)
def test_every_error_under_api_is_json(
    make_user: Any, method: str, path: str, status: int, said: str
) -> None:
    """A path no endpoint has and a method an endpoint does not take answer JSON, as every
    other error of the API does, never the site's HTML page."""
    from postmortems.server.accounts.models import ApiToken

    _, token = ApiToken.issue(make_user("ann", "author", team="sre"), "t")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    answer = getattr(api, method)(path)
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("application/json")
    assert said in answer.json()["hint"]
    assert answer.json()["detail"]


def test_a_key_asked_for_that_is_taken_is_a_409_not_another_key(api: Client) -> None:
    """A client that retries a create after a timeout must not make a second postmortem."""
    body = {"text": doc_text("PM-ASKED").split("---\n", 2)[2], "key": "PM-ASKED"}  # no id
    assert send_json(api, "post", "/api/postmortems", body).json()["key"] == "PM-ASKED"
    again = send_json(api, "post", "/api/postmortems", body)
    assert again.status_code == 409
    assert "'PM-ASKED' is not available" in again.json()["detail"]
    assert "the id you asked for" in again.json()["detail"]
    # A key that is no id is refused, not made into another one the client does not know.
    for no_id in ("bad key!", ".", "-abc", "abc."):  # each would be saved as another key
        odd = send_json(api, "post", "/api/postmortems", {**body, "key": no_id})
        assert odd.status_code == 422, no_id
        assert odd.json()["errors"][0]["field"] == "key"
    unnamed = send_json(api, "post", "/api/postmortems", {"text": body["text"]})
    assert unnamed.status_code == 201  # no key asked for: the title's, numbered when taken
    assert api.get("/api/postmortems?limit=10").json()["count"] == 2


def test_a_postmortem_posted_without_front_matter_is_a_draft(api: Client) -> None:
    body = doc_text("PM-NO-FRONT").split("---\n", 2)[2]  # the postmortem's Markdown alone
    created = send_json(api, "post", "/api/postmortems", {"text": body})
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    drafts = api.get("/api/postmortems?status=draft").json()["items"]
    assert [i["key"] for i in drafts] == [created.json()["key"]]


def test_a_field_the_schema_does_not_name_is_refused(api: Client) -> None:
    """A misspelt `severty` must not declare a SEV1 incident as SEV3 without a word."""
    typo = send_json(
        api, "post", "/api/incidents", {"title": "x", "severty": "SEV1", "team": "sre"}
    )
    assert typo.status_code == 422
    (problem,) = typo.json()["errors"]
    assert (problem["field"], problem["type"]) == ("severty", "extra_forbidden")
    assert problem["loc"] == ["body", "body", "severty"]
    bogus = send_json(api, "post", "/api/postmortems", {"text": "# x\n\nbody\n", "bogus": 1})
    assert bogus.status_code == 422
    blank = send_json(api, "post", "/api/postmortems", {"text": "  "})
    assert blank.json()["errors"][0]["msg"] == "the value must not be empty or only spaces"


def test_head_is_answered_as_get_without_the_body(api: Client) -> None:
    """A monitor's HEAD (RFC 9110: wherever GET is) gets the GET's status and headers."""
    got = api.get("/api/postmortems")
    head = api.head("/api/postmortems")
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(got.content))
    assert head["Content-Type"] == got["Content-Type"]
    assert api.head("/api/postmortems/PM-NOPE").status_code == 404
    assert Client().head("/api/postmortems").status_code == 401
