"""Stored XSS and the Content Security Policy (issue 13, item 4).

A `javascript:` ticket link was stored and rendered as a link that ran script when clicked. Now
every stored URL is http(s), and every page carries a policy without inline script; Chromium
visits each page that shows user input, filled with an XSS corpus, and no script may run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from tests.server.conftest import browser_login, doc_text, needs_chromium

from postmortems.server.headers import POLICY

# Each payload calls alert(); a dialog in the browser means it ran.
CORPUS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "'-alert(4)-'",
    "</textarea><script>alert(5)</script>",
    "javascript:alert(6)",
    "{{ 7|add:7 }}<iframe src=javascript:alert(7)>",
)
BAD_LINKS = (
    "javascript:alert(document.domain)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://" + "a" * 600 + ".example/",
)


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_text(key: str = "PM-XSS") -> str:
    """A postmortem with the corpus in its title, labels, body and task list."""
    text = doc_text(key, teams="sre")
    text = text.replace("title: Checkout API returned 502s", f"title: {_yaml(CORPUS[0])}")
    services = ", ".join(_yaml(p) for p in CORPUS[1:4])
    text = text.replace("services: [checkout-api, nginx]", f"services: [{services}]")
    text = text.replace("tags: [tls]", f"tags: [{_yaml(CORPUS[4])}]")
    body = "\n".join(
        [
            *(f"Payload: {p}" for p in CORPUS),
            "[click](javascript:alert(8)) and <a href=javascript:alert(9)>raw</a>",
            '<div onmouseover="alert(10)">hover</div>',
            "",
        ]
    )
    text = text.replace("## Root Cause and Resolution\n", f"## Root Cause and Resolution\n{body}")
    return text.replace(
        "- [ ] Automate certificate renewal",
        f"- [ ] Automate renewal {CORPUS[1]}",
    )


# --- the policy on every page -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/login/",
        "/",
        "/p/PM-T-1/",
        "/p/PM-T-1/edit/",
        "/p/PM-T-1/revisions/",
        "/p/PM-T-1/raw/",
        "/new/",
        "/services/",
        "/tags/tls/",
        "/actions/",
        "/actions/overdue/",
        "/insights/",
        "/tokens/",
        "/password/",
        "/admin/",
        "/api/docs",
        "/api/postmortems",
        "/no-such-page/",
        "/render.css",
    ],
)
def test_every_response_carries_the_policy(make_user: Any, make_pm: Any, path: str) -> None:
    make_pm()
    client = Client()
    client.force_login(make_user("root", superuser=True))
    response = client.get(path)
    assert response.status_code in {200, 404}, path
    assert response["Content-Security-Policy"] == POLICY
    assert "script-src 'self'" in POLICY
    assert "unsafe-inline" not in POLICY.split("script-src")[1].split(";")[0]


@pytest.mark.django_db
def test_pages_hold_no_inline_script(make_user: Any, make_pm: Any) -> None:
    """No <script> without src and no on* handler attribute on any page we serve."""
    import re

    from bs4 import BeautifulSoup

    make_pm()
    client = Client()
    client.force_login(make_user("root", superuser=True))
    for path in ("/", "/p/PM-T-1/", "/p/PM-T-1/edit/", "/new/", "/tokens/", "/actions/"):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/json", path
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if re.match(r"on[a-z]+$", a)]
            assert not handlers, (path, tag.name, handlers)


# --- ticket links: http(s) only -----------------------------------------------------------------


@pytest.fixture
def item_world(make_user: Any) -> dict[str, Any]:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    alice = make_user("alice", "author")
    pm = store.create(doc_text("PM-L").replace("@bob", "@alice"), alice).postmortem
    return {"alice": alice, "pm": pm, "item": ActionItem.objects.get(postmortem=pm)}


@pytest.mark.django_db
@pytest.mark.parametrize("link", BAD_LINKS)
def test_a_ticket_link_must_be_http(item_world: dict[str, Any], link: str) -> None:
    client = Client()
    client.force_login(item_world["alice"])
    item = item_world["item"]
    response = client.post(f"/actions/{item.pk}/", {"tracker_url": link}, follow=True)
    assert response.status_code in {200, 400}
    body = response.content.decode()
    assert "http:// or https://" in body or "Ticket link: Ensure this value has at most 500" in body
    item.refresh_from_db()
    assert item.tracker_url == ""


@pytest.mark.django_db
def test_a_web_ticket_link_is_kept(item_world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(item_world["alice"])
    item = item_world["item"]
    link = "https://tracker.example/browse/OPS-1"
    client.post(f"/actions/{item.pk}/", {"tracker_url": link})
    item.refresh_from_db()
    assert item.tracker_url == link
    assert f'href="{link}"' in client.get("/p/PM-L/").content.decode()


@pytest.mark.django_db
def test_a_stored_javascript_link_is_not_shown_as_a_link(item_world: dict[str, Any]) -> None:
    """Rows saved before the check keep their text, but never become a clickable link."""
    from postmortems.server.workflow.models import ActionItem

    ActionItem.objects.filter(pk=item_world["item"].pk).update(tracker_url="javascript:alert(1)")
    client = Client()
    client.force_login(item_world["alice"])
    for path in ("/p/PM-L/", "/actions/"):
        assert "javascript:" not in client.get(path).content.decode(), path


# --- in Chromium: the corpus on every page that shows user input ------------------------------


def _world() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from postmortems.server.accounts.models import ApiToken, Membership, Team
    from postmortems.server.library import store
    from postmortems.server.workflow import comments
    from postmortems.server.workflow.models import ActionItem

    user = get_user_model().objects.create_user("alice", password="pw-alice-123")
    team, _ = Team.objects.get_or_create(slug="sre", defaults={"name": "SRE"})
    Membership.objects.create(user=user, team=team, role="admin")
    pm = store.create(hostile_text().replace("@bob", "@alice"), user).postmortem
    now = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    for payload in CORPUS:
        comments.add(pm, user, payload, now=now, section="Timeline")
    ActionItem.objects.filter(postmortem=pm).update(
        tracker_url="javascript:alert(11)", reason=CORPUS[2], due=dt.date(2020, 1, 1)
    )
    for payload in CORPUS[:3]:
        ApiToken.issue(user, payload)
    connections.close_all()


@pytest.fixture
def alice_in_the_world(live_server: Any, browser: Any) -> tuple[str, Any]:
    """The server's URL and a page signed in as alice, after `_world()` is written."""
    _world()
    return live_server.url, browser_login(browser, live_server.url, "alice")


PAGES = [
    "/",
    "/?q=" + quote(CORPUS[1]),
    "/?q=" + quote(CORPUS[4]),
    "/p/PM-XSS/",
    "/p/PM-XSS/revisions/",
    "/p/PM-XSS/revisions/1/",
    "/p/PM-XSS/edit/",
    "/services/",
    "/services/" + quote(CORPUS[1], safe="") + "/",
    "/tags/",
    "/actions/",
    "/actions/overdue/",
    "/actions/team/" + quote(CORPUS[2], safe="") + "/",
    "/insights/",
    "/tokens/",
]


@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_the_xss_corpus_runs_nowhere(alice_in_the_world: tuple[str, Any]) -> None:
    base, page = alice_in_the_world
    dialogs: list[str] = []
    violations: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    for path in PAGES:
        response = page.goto(base + path)
        assert response is not None
        assert response.status in {200, 404}, path
        assert response.headers["content-security-policy"] == POLICY
        page.wait_for_load_state("networkidle")
        for link in page.locator("a[href^='javascript:' i]").all():
            raise AssertionError(f"{path}: a javascript: link {link.get_attribute('href')}")
        # htmx works under the policy: the editor's live preview arrives.
        if path.endswith("/edit/"):
            page.locator("#side").wait_for()
    assert dialogs == []
    assert violations == []  # no inline script was even attempted, ours or injected


@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_the_policy_blocks_injected_inline_script(alice_in_the_world: tuple[str, Any]) -> None:
    """If markup ever got through, Chromium would refuse to run its handlers and scripts."""
    base, page = alice_in_the_world
    page.goto(f"{base}/p/PM-XSS/")
    page.evaluate(
        """() => {
        document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="window.pwned=1">');
        const s = document.createElement('script');
        s.textContent = 'window.pwned = 2';
        document.body.appendChild(s);
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.pwned === undefined")


@pytest.mark.django_db
def test_a_ticket_link_is_given_in_the_items_form_and_may_name_an_internal_host(
    item_world: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(item_world["alice"])
    item = item_world["item"]
    page = client.get(f"/p/{item_world['pm'].key}/").content.decode()
    assert 'name="tracker_url"' in page  # in the Edit item form, not only behind a tracker button
    client.post(f"/actions/{item.pk}/", {"tracker_url": "http://jira/browse/OPS-1"})
    item.refresh_from_db()
    assert item.tracker_url == "http://jira/browse/OPS-1"
