"""The Atom feed of published postmortems behind each reader's secret link: what it holds, who
it is for, and when the link ends."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from workflow_fixtures import NOW, clean_text

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _link_of(user: Any) -> str:
    me = Client()
    me.force_login(user)
    page = me.get("/feed/")
    assert page.status_code == 200
    url = BeautifulSoup(page.content, "html.parser").select_one("#feed-url")["value"]
    assert url.startswith("http://")
    return url.split("://", 1)[1].split("/", 1)[1]  # the path, for the test client


def _entries(path: str) -> list[ET.Element]:
    response = Client().get("/" + path)  # no session: a feed reader
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def _stored(key: str, *, status: str = "published", restricted: bool = False) -> None:
    from postmortems.server.library import store

    text = clean_text(key, status=status).replace("title: Checkout", f"title: {key} Checkout")
    if restricted:
        text = text.replace("tags: [tls]", "tags: [tls]\nrestricted: true\nteams: [red]")
    store.create(text, None)


def test_the_feed_holds_published_postmortems_the_reader_may_read(make_user: Any) -> None:
    from postmortems.server.accounts.models import set_role

    _stored("PM-PUB")
    _stored("PM-DRAFT", status="draft")
    _stored("PM-RED", restricted=True)
    carol = make_user("carol", "viewer", team="sre")
    ivan = make_user("ivan", "viewer", team="sre")
    set_role(ivan, "red", "viewer")

    entries = _entries(_link_of(carol))
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "PM-PUB Checkout API returned 502s after certificate expiry"
    ]
    entry = entries[0]
    href = entry.find(f"{ATOM}link").get("href")
    assert href.startswith("http://")  # absolute: for a reader
    assert href.endswith("/p/PM-PUB/")
    assert "certificate" in entry.findtext(f"{ATOM}summary").lower()  # the cause, as text
    assert {c.get("term") for c in entry.findall(f"{ATOM}category")} >= {"tls"}
    titles = {e.findtext(f"{ATOM}title").split()[0] for e in _entries(_link_of(ivan))}
    assert titles == {"PM-PUB", "PM-RED"}  # a member of red reads its restricted one


def test_a_forged_or_ended_link_answers_404(make_user: Any) -> None:
    from django.core import signing

    from postmortems.server.library.feed import SALT

    carol = make_user("carol", "viewer", team="sre")
    path = _link_of(carol)
    token = path.split("/")[-2]
    assert Client().get(f"/feed/{token[:-2]}xx/").status_code == 404  # forged
    for payload in ({"a": 1}, ["abc", "x"], [[1], "x"], "ab", [carol.pk, 5]):
        odd = signing.dumps(payload, salt=SALT)  # signed with the key, but not a feed's
        assert Client(raise_request_exception=False).get(f"/feed/{odd}/").status_code == 404
    assert Client().get("/feed/not-a-token/").status_code == 404
    assert Client().get("/feed/" + "x" * 300 + "/").status_code == 404
    carol.set_password("a new long passphrase 123")
    carol.save()
    assert Client().get("/" + path).status_code == 404  # a new password ends it
    fresh = _link_of(carol)
    assert Client().get("/" + fresh).status_code == 200
    carol.is_active = False
    carol.save()
    assert Client().get("/" + fresh).status_code == 404  # suspended with the account


def test_the_feed_is_atom_a_reader_can_poll(make_user: Any) -> None:
    """An author (RFC 4287), its own address as asked for, the same bytes from one fetch to
    the next (no new token in them), and HEAD answered."""
    _stored("PM-PUB")
    path = _link_of(make_user("carol", "viewer", team="sre"))
    first, second = Client().get("/" + path), Client().get("/" + path)
    assert first.content == second.content
    root = ET.fromstring(first.content)
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "postmortems"
    own = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert own == ["http://127.0.0.1:8000/" + path]
    assert Client().head("/" + path).status_code == 200


def test_the_feed_page_needs_a_sign_in_and_the_list_links_to_it(make_user: Any) -> None:
    assert Client().get("/feed/").status_code == 302
    me = Client()
    me.force_login(make_user("carol", "viewer", team="sre"))
    listing = BeautifulSoup(me.get("/").content, "html.parser")
    assert listing.select_one('form.filters a[href="/feed/"]') is not None


def test_a_summary_is_text_even_where_the_postmortem_writes_markup(make_user: Any) -> None:
    from postmortems.server.library import store

    text = clean_text("PM-XSS", status="published").replace(
        "## Root Cause", "## Root Cause\n\nThe `<script>alert(1)</script>` tag & co."
    )
    assert "<script>" in text
    store.create(text, None)
    (entry,) = _entries(_link_of(make_user("carol", "viewer", team="sre")))
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary.text  # HTML-escaped: shown as text
    assert "<script>" not in summary.text


def test_a_control_character_in_a_title_does_not_break_the_feed(make_user: Any) -> None:
    """XML 1.0 cannot carry it: one title would make the feed fail for every reader."""
    from postmortems.server.library import store

    for n, char in enumerate(("\\v", "\\uFFFF")):
        text = clean_text(f"PM-CTL-{n}", status="published").replace(
            "title: Checkout", f'title: "Checkout{char}with a vertical tab;"\nx-was: Checkout'
        )
        store.create(text, None)
    entries = _entries(_link_of(make_user("carol", "viewer", team="sre")))
    assert [e.findtext(f"{ATOM}title")[:29] for e in entries] == 2 * [
        "Checkout with a vertical tab;"
    ]


def _stamps(entry: ET.Element) -> tuple[dt.datetime, dt.datetime]:
    def read(name: str) -> dt.datetime:
        return dt.datetime.fromisoformat(entry.findtext(f"{ATOM}{name}"))

    return read("published"), read("updated")


def test_published_is_when_the_workflow_published_it(make_user: Any) -> None:
    """Not the incident's date (12 February 2024): the publish move of 1 March, the first when
    it was published twice; updated is the last save, never before it."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Event

    root = make_user("root", superuser=True)
    pm = store.create(clean_text("PM-WF", status="approved", severity="SEV4"), None).postmortem
    services.transition(pm, root, "publish", now=NOW)
    later = NOW + dt.timedelta(days=3)
    Event.objects.create(
        postmortem=pm, created=later, transition="edit", from_state="draft", to_state="published"
    )
    (entry,) = _entries(_link_of(make_user("carol", "viewer", team="sre")))
    published, updated = _stamps(entry)
    pm.refresh_from_db()
    assert published == NOW
    assert updated == pm.updated
    assert updated >= published


def test_published_without_the_workflow_is_when_it_came_into_the_library(
    make_user: Any,
) -> None:
    """Imported as published: the server never saw it published, so its arrival stands in."""
    from postmortems.server.library import store

    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    store.create(clean_text("PM-IMP", status="published"), None)
    (entry,) = _entries(_link_of(make_user("carol", "viewer", team="sre")))
    published, updated = _stamps(entry)
    assert before <= published <= updated
    assert published.date() != dt.date(2024, 2, 12)  # the incident's day
