"""A text that is not a postmortem (PM101: only a link, a few words) is not stored as one: the
editor and the API refuse it in PM101's words, with the text kept; `pm import` skips it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from incident_fixtures import logged_in
from tests.server.conftest import doc_text, send_json, token_client

pytestmark = pytest.mark.django_db

LINK = "https://docs.google.com/document/d/1abc/edit"
LINK_ONLY = "not a postmortem: the file only holds a link to a postmortem written elsewhere"
FEW_WORDS = "not a postmortem: the file has too little text to be a postmortem"
FIX = "write the postmortem itself here (summary, timeline, root cause and resolution, measures)"


@pytest.fixture
def api(make_user: Any) -> Client:
    return token_client(make_user("bot", "author"))


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("not a postmortem", 1, FEW_WORDS),
        (LINK, 1, LINK_ONLY),
        (f"\n\n# Postmortem\n\nSee {LINK}\n", 3, LINK_ONLY),
    ],
)
def test_the_api_refuses_to_create_what_is_not_a_postmortem(
    api: Client, text: str, line: int, what: str
) -> None:
    from postmortems.server.library.models import Postmortem

    refused = send_json(api, "post", "/api/postmortems", {"text": text})
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": f"new.md:{line}:1: {what} — {FIX}",
        "hint": FIX,
        "errors": [{"field": "text", "msg": what, "line": line, "column": 1}],
    }
    assert not Postmortem.objects.exists()


def test_the_api_refuses_to_turn_a_postmortem_into_a_link(api: Client) -> None:
    from postmortems.server.library.models import Postmortem

    created = send_json(api, "post", "/api/postmortems", {"text": doc_text("PM-L"), "key": "x"})
    assert created.status_code == 201
    body = {"text": LINK, "base_version": 1}
    refused = send_json(api, "put", "/api/postmortems/PM-L", body)
    assert refused.status_code == 422
    assert refused.json()["detail"] == f"PM-L.md:1:1: {LINK_ONLY} — {FIX}"
    assert Postmortem.objects.get(key="PM-L").version == 1


def test_a_text_with_an_id_is_someones_postmortem_whatever_it_reads_like(api: Client) -> None:
    created = send_json(
        api, "post", "/api/postmortems", {"text": f"---\nid: PM-GDOC\n---\n{LINK}\n"}
    )
    assert created.status_code == 201
    assert created.json()["key"] == "PM-GDOC"


def test_a_row_stored_before_that_is_no_postmortem_may_be_edited(api: Client) -> None:
    """Rows a save kept before the rule (titled "New") are edited towards a postmortem."""
    from postmortems.server.library import store

    old = store.save("not a postmortem", None).postmortem
    assert (old.key, old.is_postmortem) == ("new", False)
    body = {"text": "still not one", "base_version": 1}
    assert send_json(api, "put", "/api/postmortems/new", body).status_code == 200


def test_the_editor_refuses_it_and_keeps_the_text_and_the_draft(make_user: Any) -> None:
    from postmortems.server.library.models import Draft, Postmortem

    client = logged_in(make_user("alice", "author"))
    text = f"  {LINK}\n\n"
    page = client.post("/new/", {"text": text, "editor": "abc123"})
    assert page.status_code == 422
    html = page.content.decode()
    said = escape(f"line 1: {LINK_ONLY} — {FIX}")
    assert f'<p class="error" role="alert">Not saved: {said}</p>' in html
    assert f'<p class="field-error" id="text-error">Not saved: {said}</p>' in html
    assert 'aria-describedby="text-error"' in html
    assert f">{escape(text)}</textarea>" in html  # exactly as typed
    assert not Postmortem.objects.exists()
    assert list(Draft.objects.values_list("editor", "text")) == [("abc123", text)]


def test_the_editor_refuses_an_edit_that_leaves_only_a_link(make_user: Any) -> None:
    from postmortems.server.library import store
    from postmortems.server.library.models import Draft

    alice = make_user("alice", "author")
    pm = store.create(doc_text("PM-E"), alice).postmortem
    client = logged_in(alice)
    page = client.post(f"/p/{pm.key}/edit/", {"text": LINK, "base_version": 1, "editor": "e1"})
    assert page.status_code == 422
    assert escape(f"line 1: {LINK_ONLY}") in page.content.decode()
    pm.refresh_from_db()
    assert pm.version == 1
    assert Draft.objects.get(postmortem=pm).text == LINK


def test_import_skips_it_saying_where_and_why(tmp_path: Path) -> None:
    from postmortems.server.library.models import Postmortem
    from postmortems.server.library.transfer import import_dir

    (tmp_path / "stub.md").write_text("# Outage\n\nTBD later.\n", encoding="utf-8")
    (tmp_path / "a.md").write_text(doc_text("PM-A"), encoding="utf-8")
    report = import_dir(tmp_path)
    assert report.created == ["PM-A"]
    assert report.skipped == [f"stub.md:1:1: {FEW_WORDS} — {FIX}"]
    assert not Postmortem.objects.filter(key="stub").exists()


def test_push_skips_it_in_the_same_words_before_asking_the_server(tmp_path: Path) -> None:
    from postmortems.commands.push import Local, read_local

    gdoc, kept = tmp_path / "gdoc.md", tmp_path / "kept.md"
    gdoc.write_text(f"\n{LINK}\n", encoding="utf-8")
    kept.write_text(f"---\nid: PM-GDOC\n---\n{LINK}\n", encoding="utf-8")
    skipped = read_local(str(gdoc), "gdoc.md")
    assert not isinstance(skipped, Local)
    assert (skipped.result, skipped.reason) == ("skipped", f"line 2, column 1: {LINK_ONLY} — {FIX}")
    assert isinstance(read_local(str(kept), "kept.md"), Local)  # an id: pushed, as imported
