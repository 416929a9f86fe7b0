"""API tokens (issue 13, item 10): an optional expiry and a scope (read / write); a token dies
with a password change and cannot mint tokens."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.server.conftest import doc_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user: Any, make_pm: Any) -> Any:
    make_pm("PM-T-1")
    return make_user("alice", "author")


def _call(raw: str, method: str, path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {"headers": {"Authorization": f"Bearer {raw}"}}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(Client(), method)(path, **kwargs)


NEW = {"text": doc_text("PM-NEW")}


def test_a_read_token_reads_and_cannot_write(alice: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(alice, "dashboards", scope="read")
    assert _call(raw, "get", "/api/postmortems/PM-T-1").status_code == 200
    refused = _call(raw, "post", "/api/postmortems", NEW)
    assert refused.status_code == 403
    assert "may only read" in refused.json()["detail"]
    _, writer = ApiToken.issue(alice, "ci")
    assert _call(writer, "post", "/api/postmortems", NEW).status_code == 201


def test_a_read_token_may_lint_a_posted_text_which_stores_nothing(alice: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(alice, "pre-commit", scope="read")
    linted = _call(raw, "post", "/api/lint", {"text": "# Outage\n\nThe site was down.\n"})
    assert linted.status_code == 200
    assert linted.json()["findings"], "a three-line document has findings"
    # the same token still cannot store anything through another POST
    assert _call(raw, "post", "/api/postmortems", NEW).status_code == 403


def test_a_write_token_does_not_lift_its_owners_role(make_user: Any, alice: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(make_user("vera", "viewer"), "laptop", scope="write")
    assert _call(raw, "get", "/api/postmortems/PM-T-1").status_code == 200
    assert _call(raw, "post", "/api/postmortems", NEW).status_code == 403


def test_an_expired_token_stops_working(alice: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    soon = timezone.now() + dt.timedelta(hours=1)
    token, raw = ApiToken.issue(alice, "short", expires=soon)
    assert _call(raw, "get", "/api/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert _call(raw, "get", "/api/me").status_code == 401


def test_a_token_dies_with_a_password_change(alice: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(alice, "laptop")
    assert _call(raw, "get", "/api/me").status_code == 200
    alice.set_password("a-new-long-passphrase-9")
    alice.save()
    assert _call(raw, "get", "/api/me").status_code == 401


def test_a_token_cannot_mint_tokens(alice: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    _, raw = ApiToken.issue(alice, "ci")
    response = _call(raw, "post", "/api/tokens", {"name": "more"})
    assert response.status_code == 403
    assert "cannot create tokens" in response.json()["detail"]
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_a_session_creates_a_scoped_expiring_token(alice: Any) -> None:
    client = Client()
    client.force_login(alice)
    body = {"name": "ro", "scope": "read", "expires_in_days": 30}
    made = client.post("/api/tokens", json.dumps(body), content_type="application/json")
    assert made.status_code == 201
    data = made.json()
    assert data["scope"] == "read"
    assert dt.datetime.fromisoformat(data["expires"]) > timezone.now() + dt.timedelta(days=29)
    assert _call(data["token"], "delete", "/api/postmortems/PM-T-1").status_code == 403
    bad = client.post(
        "/api/tokens",
        json.dumps({"name": "x", "expires_in_days": 0}),
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_the_tokens_page_creates_a_scoped_expiring_token(alice: Any) -> None:
    import re

    from postmortems.server.accounts.models import ApiToken

    client = Client()
    client.force_login(alice)
    page = client.get("/tokens/").content.decode()
    assert 'name="scope"' in page
    assert 'name="expires_in_days"' in page
    made = client.post("/tokens/", {"name": "dash", "scope": "read", "expires_in_days": "7"})
    assert made.status_code == 200
    raw = re.search(r"(pmt_[A-Za-z0-9_-]+)", made.content.decode())
    assert raw is not None
    token = ApiToken.objects.get(user=alice, name="dash")
    assert token.scope == "read"
    assert token.expires is not None
    left = token.expires - timezone.now()
    assert dt.timedelta(days=6, hours=23) < left <= dt.timedelta(days=7)
    assert _call(raw.group(1), "get", "/api/postmortems/PM-T-1").status_code == 200
    assert _call(raw.group(1), "post", "/api/postmortems", NEW).status_code == 403
    assert "read only" in made.content.decode()


def test_the_tokens_page_defaults_to_write_and_never_expires(alice: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    client = Client()
    client.force_login(alice)
    assert (
        client.post(
            "/tokens/",
            {
                "name": "ci",
            },
        ).status_code
        == 200
    )
    token = ApiToken.objects.get(user=alice, name="ci")
    assert (token.scope, token.expires) == ("write", None)


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "x", "scope": "admin"},
        {"name": "x", "scope": "read", "expires_in_days": "0"},
        {"name": "x", "scope": "read", "expires_in_days": "99999"},
        {"name": "x", "scope": "read", "expires_in_days": "soon"},
    ],
)
def test_the_tokens_page_refuses_a_bad_scope_or_expiry(alice: Any, fields: Any) -> None:
    from postmortems.server.accounts.models import ApiToken

    client = Client()
    client.force_login(alice)
    refused = client.post("/tokens/", fields)
    assert refused.status_code == 400
    assert "Not created" in refused.content.decode()
    assert not ApiToken.objects.filter(user=alice).exists()
