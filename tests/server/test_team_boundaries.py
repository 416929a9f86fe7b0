"""Teams are boundaries: a role applies only within the teams of the postmortem (issue 13, item 3).

PM-A belongs to team `sre` (A); `security` is team B. Columns are users with each role in A or
B, one author of both teams, and a superuser. Moving a postmortem (its `teams:` or
`restricted:`) needs the author role in every team it leaves or enters.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.server.conftest import doc_text

pytestmark = pytest.mark.django_db

# name: [(team, role), ...], superuser
USERS: dict[str, tuple[list[tuple[str, str]], bool]] = {
    "a_viewer": ([("sre", "viewer")], False),
    "a_author": ([("sre", "author")], False),
    "a_reviewer": ([("sre", "reviewer")], False),
    "a_admin": ([("sre", "admin")], False),
    "b_viewer": ([("security", "viewer")], False),
    "b_author": ([("security", "author")], False),
    "b_reviewer": ([("security", "reviewer")], False),
    "b_admin": ([("security", "admin")], False),
    "ab_author": ([("sre", "author"), ("security", "author")], False),
    "root": ([], True),
}
COLUMNS = list(USERS)

SAME = doc_text("PM-A", teams="sre", title="Edited")
TAKEN = doc_text("PM-A", teams="security", restricted=True)  # the finding: B takes A's work
MOVED = doc_text("PM-A", teams="security")
SHARED = doc_text("PM-A", teams="sre, security")
RESTRICTED = doc_text("PM-A", teams="sre", restricted=True)
NEW_A = doc_text("PM-NEW", teams="sre")
NEW_AB = doc_text("PM-NEW", teams="sre, security")

# Expected answers, one letter per column: S saved (302 for pages, 200/201 for the API),
# D deleted (302 / 204), X refused (403).
CODES = {"page": {"S": 302, "D": 302, "X": 403}, "put": {"S": 200, "X": 403}}
CODES["post"] = {"S": 201, "X": 403}
CODES["delete"] = {"D": 204, "X": 403}
EDIT = "/p/PM-A/edit/"
PAGES: list[tuple[str, str, dict[str, str], str]] = [
    ("edit", EDIT, {"text": SAME, "base_version": "1"}, "XSSSXXXXSS"),
    ("take", EDIT, {"text": TAKEN, "base_version": "1"}, "XXXXXXXXSS"),
    ("move", EDIT, {"text": MOVED, "base_version": "1"}, "XXXXXXXXSS"),
    ("share", EDIT, {"text": SHARED, "base_version": "1"}, "XXXXXXXXSS"),
    ("restrict", EDIT, {"text": RESTRICTED, "base_version": "1"}, "XSSSXXXXSS"),
    ("create", "/new/", {"text": NEW_A}, "XSSSXXXXSS"),
    ("create-shared", "/new/", {"text": NEW_AB}, "XXXXXXXXSS"),
    ("delete", "/p/PM-A/delete/", {}, "XXXDXXXXXD"),
]

ONE = "/api/postmortems/PM-A"
API: list[tuple[str, str, str, dict[str, Any] | None, str]] = [
    ("edit", "put", ONE, {"text": SAME, "base_version": 1}, "XSSSXXXXSS"),
    ("take", "put", ONE, {"text": TAKEN, "base_version": 1}, "XXXXXXXXSS"),
    ("move", "put", ONE, {"text": MOVED, "base_version": 1}, "XXXXXXXXSS"),
    ("create", "post", "/api/postmortems", {"text": NEW_A}, "XSSSXXXXSS"),
    ("create-shared", "post", "/api/postmortems", {"text": NEW_AB}, "XXXXXXXXSS"),
    ("delete", "delete", ONE, None, "XXXDXXXXXD"),
]


@pytest.fixture
def world(make_user: Any, make_pm: Any) -> dict[str, Any]:
    from postmortems.server.accounts.models import Membership, Team

    make_pm("PM-A", teams="sre")
    users = {}
    for name, (roles, superuser) in USERS.items():
        user = make_user(name, superuser=superuser)
        for team, role in roles:
            t, _ = Team.objects.get_or_create(slug=team, defaults={"name": team})
            Membership.objects.create(user=user, team=t, role=role)
        users[name] = user
    return users


def _client(world: dict[str, Any], name: str) -> Client:
    client = Client()
    client.force_login(world[name])
    return client


def _teams(key: str) -> tuple[list[str], bool] | None:
    from postmortems.server.library.models import Postmortem

    pm = Postmortem.objects.filter(key=key).first()
    if pm is None:
        return None
    return sorted(pm.labels.filter(kind="teams").values_list("value", flat=True)), pm.restricted


def _cases(table: list[Any], width: int) -> list[Any]:
    out = []
    for row in table:
        name, expected = row[0], row[-1]
        codes = CODES["page" if width == 3 else row[1]]
        for user, letter in zip(COLUMNS, expected, strict=True):
            out.append(pytest.param(*row[1:width], user, codes[letter], id=f"{name} as {user}"))
    return out


@pytest.mark.parametrize(("path", "body", "user", "status"), _cases(PAGES, 3))
def test_pages_respect_team_boundaries(
    world: Any, path: str, body: dict[str, str], user: str, status: int
) -> None:
    before = _teams("PM-A")
    response = _client(world, user).post(path, body)
    assert response.status_code == status
    if status == 403 and "edit" in path:
        assert _teams("PM-A") == before  # nothing moved
    if status == 403 and path == "/new/":
        assert _teams("PM-NEW") is None
    if status == 403 and "delete" in path:
        assert _teams("PM-A") is not None


@pytest.mark.parametrize(("method", "path", "body", "user", "status"), _cases(API, 4))
def test_api_respects_team_boundaries(
    world: Any, method: str, path: str, body: Any, user: str, status: int
) -> None:
    before = _teams("PM-A")
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(_client(world, user), method)(path, **kwargs)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json") or status == 204
    if status == 403:
        assert "team" in response.json()["detail"] or "role" in response.json()["detail"]
        if method != "post":
            assert _teams("PM-A") == before


def test_the_reported_takeover_is_refused(world: dict[str, Any]) -> None:
    """An author of B saved A's postmortem as `teams: [B]`, `restricted: true`: A lost it."""
    response = _client(world, "b_author").post(
        "/p/PM-A/edit/", {"text": TAKEN, "base_version": "1"}
    )
    assert response.status_code == 403
    assert _teams("PM-A") == (["sre"], False)
    assert _client(world, "a_viewer").get("/p/PM-A/").status_code == 200


def test_an_admin_of_another_team_cannot_delete(world: dict[str, Any]) -> None:
    assert _client(world, "b_admin").post("/p/PM-A/delete/").status_code == 403
    assert _client(world, "b_admin").delete("/api/postmortems/PM-A").status_code == 403
    assert _teams("PM-A") is not None


def test_the_editor_keeps_the_refused_text(world: dict[str, Any]) -> None:
    response = _client(world, "a_author").post(
        "/p/PM-A/edit/", {"text": MOVED, "base_version": "1"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "author role in team security" in page
    assert "teams: [security]" in page  # the text stays in the editor


def test_creating_for_another_team_says_so(world: dict[str, Any]) -> None:
    """A new postmortem moves nothing: the refusal speaks of writing the team's postmortems."""
    client = _client(world, "a_author")
    answer = client.post("/api/postmortems", {"text": NEW_AB}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith(
        "you need the author role in team security to write its postmortems — ask an author"
    )


def test_staff_review_team_reviews_across_teams(world: dict[str, Any], settings: Any) -> None:
    """The staff reviewer team keeps its right to read, comment on and approve other teams'."""
    import datetime as dt

    from workflow_fixtures import clean_text, with_settings

    from postmortems.server.accounts.models import Membership, Team
    from postmortems.server.library import store
    from postmortems.server.workflow import comments, services

    with_settings(settings, staff_review_team="staff", review_approvals=("*:1",))
    staff = world["b_reviewer"]
    Membership.objects.create(user=staff, team=Team.objects.create(slug="staff"), role="reviewer")
    staff._pm_access = None
    text = clean_text("PM-S").replace("status: draft", "status: draft\nteams: [sre]")
    pm = store.create(text, world["a_author"]).postmortem
    now = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    services.request_review(pm, world["a_author"], [staff], now=now)
    pm.refresh_from_db()
    comments.add(pm, staff, "Looks right.", now=now)
    assert services.approve(pm, staff, now=now) is not None
    pm.refresh_from_db()
    assert pm.status == "approved"
    # Outside the staff team, a role in team B gives no review rights on A's postmortem.
    assert not services.may_review(world["b_admin"], pm)
