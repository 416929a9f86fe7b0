"""The permission matrix: every page and API endpoint, for every role and for restricted posts.

Columns are users; PM-PUB is visible to every viewer, PM-SEC is restricted to team `security`.
Codes: 302 means "sent to the login page" for pages (admin pages too, for non-staff); an
anonymous post of a person's writing gets 403, the page saying they are signed out, which shows
the text back (library/sessionend.py): the login page would drop it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.server.conftest import doc_text

pytestmark = pytest.mark.django_db

# name: (role, team, superuser)
USERS: dict[str, tuple[str | None, str, bool]] = {
    "anon": (None, "", False),
    "nobody": (None, "sre", False),
    "viewer": ("viewer", "sre", False),
    "author": ("author", "sre", False),
    "reviewer": ("reviewer", "sre", False),
    "admin": ("admin", "sre", False),
    "sec_viewer": ("viewer", "security", False),
    "sec_author": ("author", "security", False),
    "root": (None, "", True),
}
COLUMNS = list(USERS)

EDIT = {"text": doc_text("PM-PUB", title="Edited"), "base_version": "1"}
NEW = {"text": doc_text("PM-NEW")}
PREVIEW = {"text": doc_text("PM-X"), "key": ""}

# (method, path, body): expected status per user, in COLUMNS order.
PAGES: list[tuple[str, str, dict[str, str] | None, list[int]]] = [
    ("get", "/", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/?q=checkout", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/p/PM-PUB/", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/p/PM-SEC/", None, [302, 403, 404, 404, 404, 404, 200, 200, 200]),
    ("get", "/p/PM-PUB/raw/", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/p/PM-SEC/raw/", None, [302, 403, 404, 404, 404, 404, 200, 200, 200]),
    ("get", "/p/PM-PUB/revisions/", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/p/PM-SEC/revisions/", None, [302, 403, 404, 404, 404, 404, 200, 200, 200]),
    ("get", "/p/PM-SEC/revisions/1/", None, [302, 403, 404, 404, 404, 404, 200, 200, 200]),
    ("get", "/p/PM-PUB/edit/", None, [302, 403, 403, 200, 200, 200, 403, 200, 200]),
    ("get", "/p/PM-SEC/edit/", None, [302, 403, 403, 404, 404, 404, 403, 200, 200]),
    ("post", "/p/PM-PUB/edit/", EDIT, [403, 403, 403, 302, 302, 302, 403, 302, 302]),
    ("get", "/new/", None, [302, 403, 403, 200, 200, 200, 403, 200, 200]),
    ("post", "/new/", NEW, [403, 403, 403, 302, 302, 302, 403, 302, 302]),
    ("post", "/preview/", PREVIEW, [403, 403, 403, 200, 200, 200, 403, 200, 200]),
    ("post", "/p/PM-PUB/delete/", {}, [302, 403, 403, 403, 403, 302, 403, 403, 302]),
    ("post", "/p/PM-SEC/delete/", {}, [302, 403, 403, 403, 403, 404, 403, 403, 302]),
    ("get", "/services/", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/services/checkout-api/", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/tags/tls/", None, [302, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/tokens/", None, [302, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/admin/", None, [302, 302, 302, 302, 302, 302, 302, 302, 200]),
    ("get", "/password/", None, [302, 200, 200, 200, 200, 200, 200, 200, 200]),
]

PUT_PUB = {"text": doc_text("PM-PUB", title="Edited"), "base_version": 1}
PUT_SEC = {"text": doc_text("PM-SEC", restricted=True, teams="security") + "\n", "base_version": 1}
API: list[tuple[str, str, dict[str, Any] | None, list[int]]] = [
    ("get", "/api/postmortems", None, [401, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/postmortems/PM-PUB", None, [401, 403, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/postmortems/PM-SEC", None, [401, 403, 404, 404, 404, 404, 200, 200, 200]),
    (
        "get",
        "/api/postmortems/PM-SEC/revisions",
        None,
        [401, 403, 404, 404, 404, 404, 200, 200, 200],
    ),
    (
        "get",
        "/api/postmortems/PM-SEC/revisions/1",
        None,
        [401, 403, 404, 404, 404, 404, 200, 200, 200],
    ),
    ("post", "/api/postmortems", NEW, [401, 403, 403, 201, 201, 201, 403, 201, 201]),
    ("put", "/api/postmortems/PM-PUB", PUT_PUB, [401, 403, 403, 200, 200, 200, 403, 200, 200]),
    ("put", "/api/postmortems/PM-SEC", PUT_SEC, [401, 403, 403, 404, 404, 404, 403, 200, 200]),
    ("delete", "/api/postmortems/PM-PUB", None, [401, 403, 403, 403, 403, 204, 403, 403, 204]),
    ("delete", "/api/postmortems/PM-SEC", None, [401, 403, 403, 403, 403, 404, 403, 403, 204]),
    ("post", "/api/lint", {"text": "# hi"}, [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/me", None, [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("get", "/api/tokens", None, [401, 200, 200, 200, 200, 200, 200, 200, 200]),
]


@pytest.fixture
def world(make_user: Any, make_pm: Any) -> dict[str, Any]:
    make_pm("PM-PUB")
    make_pm("PM-SEC", restricted=True, teams="security")
    users = {}
    for name, (role, team, superuser) in USERS.items():
        if name == "anon":
            continue
        user = make_user(name, role, team or "sre", superuser)
        if name == "nobody":
            user.memberships.all().delete()
        users[name] = user
    return users


def _client(world: dict[str, Any], name: str) -> Client:
    client = Client()
    if name != "anon":
        client.force_login(world[name])
    return client


def _cases(table: list[Any]) -> list[Any]:
    return [
        pytest.param(method, path, body, user, expected[i], id=f"{method} {path} as {user}")
        for method, path, body, expected in table
        for i, user in enumerate(COLUMNS)
    ]


@pytest.mark.parametrize(("method", "path", "body", "user", "status"), _cases(PAGES))
def test_pages(world: Any, method: str, path: str, body: Any, user: str, status: int) -> None:
    client = _client(world, user)
    response = getattr(client, method)(path, body) if body is not None else client.get(path)
    assert response.status_code == status
    if status == 302 and user == "anon":
        assert response["Location"].startswith(("/login/", "/admin/login/"))


@pytest.mark.parametrize(("method", "path", "body", "user", "status"), _cases(API))
def test_api(world: Any, method: str, path: str, body: Any, user: str, status: int) -> None:
    client = _client(world, user)
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.content[:300]
    if status != 204:
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("user", COLUMNS[1:])
def test_restricted_postmortems_are_hidden_from_lists_search_and_api(world: Any, user: str) -> None:
    client = _client(world, user)
    sees = user in {"sec_viewer", "sec_author", "root"}
    for path in ("/", "/?q=checkout", "/services/checkout-api/", "/tags/tls/"):
        body = client.get(path).content.decode()
        assert ("PM-SEC" in body) is sees, path
    api = client.get("/api/postmortems?q=checkout")
    if api.status_code == 200:
        keys = [item["key"] for item in api.json()["items"]]
        assert ("PM-SEC" in keys) is sees
