"""Importing a Slack export from the incident page: the channels listed, one picked, idempotent;
bad or oversized files are a message on the page, never a 500."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.incident.test_slack import good
from tests.server.incident_fixtures import logged_in, open_incident

pytestmark = pytest.mark.django_db


_login = logged_in


@pytest.fixture
def opened(client: Client) -> Any:
    return open_incident(client)


def _zip(tmp_path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile("export.zip", good(tmp_path).read_bytes(), "application/zip")


def _send(me: Client, incident: Any, upload: Any, channel: str = "") -> Any:
    return me.post(f"/incidents/{incident.key}/slack/", {"export": upload, "channel": channel})


def _chat(incident: Any) -> list[tuple[str, str]]:
    rows = incident.events.filter(kind="chat-message").order_by("at", "id")
    return list(rows.values_list("author", "text"))


def _problems(answer: Any) -> str:
    found = BeautifulSoup(answer.content, "html.parser").select_one(".error")
    return " ".join(found.get_text(" ").split()) if found is not None else ""


def _beside(answer: Any, name: str) -> str:
    """The error said beside the field ``name``, which a screen reader hears with it."""
    page = BeautifulSoup(answer.content, "html.parser")
    control = page.select_one(f"form.slack-import [name={name}]")
    if control.get("aria-invalid") != "true":
        return ""
    error = page.select_one("#" + control["aria-describedby"])
    assert error.find_parent(class_="field") is control.find_parent(class_="field")
    return str(error.get_text())


def test_the_incident_page_offers_the_upload_form(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    page = BeautifulSoup(me.get(f"/incidents/{opened.key}/").content, "html.parser")
    form = page.select_one("form.slack-import")
    assert form is not None
    assert form["enctype"] == "multipart/form-data"
    assert form["action"] == f"/incidents/{opened.key}/slack/"
    assert form.select_one("[name=csrfmiddlewaretoken]") is not None


def test_without_a_channel_the_page_lists_them_then_one_is_imported_once(
    make_user: Any, opened: Any, tmp_path: Path
) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    listed = _send(me, opened, _zip(tmp_path))
    assert listed.status_code == 200
    options = BeautifulSoup(listed.content, "html.parser").select("select[name=channel] option")
    assert [o["value"] for o in options] == ["inc-checkout", "general"]
    assert _chat(opened) == []
    done = _send(me, opened, _zip(tmp_path), "inc-checkout")
    assert done.status_code == 302
    chat = _chat(opened)
    assert chat[0] == ("Alice Doe", "Checkout is throwing 502s, looking")
    assert ("Bobby", "All clear") in chat
    assert "lunch?" not in [text for _, text in chat]  # another channel
    again = _send(me, opened, _zip(tmp_path), "#inc-checkout")
    assert again.status_code == 302
    assert _chat(opened) == chat
    shown = me.get(f"/incidents/{opened.key}/").content.decode()
    assert "0 messages added to the timeline" in shown


def test_an_export_of_one_channel_needs_no_choice(
    make_user: Any, opened: Any, tmp_path: Path
) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(good(tmp_path)) as whole, zipfile.ZipFile(data, "w") as one:
        for name in whole.namelist():
            if not name.startswith(("general/", "channels.json")):
                one.writestr(name, whole.read(name))
        one.writestr("channels.json", '[{"id": "C01", "name": "inc-checkout"}]')
    me = _login(make_user("ann", "author", team="sre"))
    upload = SimpleUploadedFile("one.zip", data.getvalue(), "application/zip")
    assert _send(me, opened, upload).status_code == 302
    assert len(_chat(opened)) == 6  # the day files' messages but the join


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"not a zip at all", "is not a zip file"),
        (b"", "The submitted file is empty"),
    ],
)
def test_a_bad_file_is_a_message_on_the_page(
    make_user: Any, opened: Any, body: bytes, says: str
) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    answer = _send(me, opened, SimpleUploadedFile("export.zip", body, "application/zip"))
    assert answer.status_code == 400
    assert says in _problems(answer)
    assert says in _beside(answer, "export")
    assert "Traceback" not in answer.content.decode()
    assert _chat(opened) == []


def test_a_zip_that_is_not_an_export_or_lacks_the_channel(
    make_user: Any, opened: Any, tmp_path: Path
) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("notes.txt", "hello")
    answer = _send(me, opened, SimpleUploadedFile("other.zip", data.getvalue()))
    assert answer.status_code == 400
    assert "has no channels.json" in _problems(answer)
    missing = _send(me, opened, _zip(tmp_path), "inc-nope")
    assert missing.status_code == 400
    assert "no channel 'inc-nope'" in _problems(missing)
    assert _beside(missing, "channel") == "no channel 'inc-nope' in this export"
    assert _beside(missing, "export") == ""  # the file was fine
    options = BeautifulSoup(missing.content, "html.parser").select("select[name=channel] option")
    assert len(options) == 2  # the channels there are, to pick from


def test_an_oversized_upload_is_refused_before_it_is_read(
    make_user: Any, opened: Any, settings: Any
) -> None:
    from postmortems.server.incidents import forms

    me = _login(make_user("ann", "author", team="sre"))
    big = SimpleUploadedFile("big.zip", b"0" * (forms.MAX_SLACK_EXPORT + 1))
    answer = _send(me, opened, big)
    assert answer.status_code in (400, 413)
    assert "MB" in _problems(answer) or "bytes" in _problems(answer)
    assert _chat(opened) == []


def test_only_people_who_may_edit_the_incident_import(
    make_user: Any, opened: Any, tmp_path: Path
) -> None:
    viewer = _login(make_user("vic", "viewer", team="sre"))
    assert _send(viewer, opened, _zip(tmp_path), "inc-checkout").status_code == 403
    other = _login(make_user("olga", "author", team="web"))
    assert _send(other, opened, _zip(tmp_path), "inc-checkout").status_code in (403, 404)
    assert Client().post(f"/incidents/{opened.key}/slack/").status_code == 302  # to the login
    assert _chat(opened) == []


def test_the_form_needs_its_csrf_token(make_user: Any, opened: Any, tmp_path: Path) -> None:
    me = Client(enforce_csrf_checks=True)
    me.force_login(make_user("ann", "author", team="sre"))
    assert _send(me, opened, _zip(tmp_path), "inc-checkout").status_code == 403
    assert _chat(opened) == []


def test_a_broken_multipart_body_is_a_400(make_user: Any, opened: Any) -> None:
    me = _login(make_user("ann", "author", team="sre"))
    answer = me.generic(
        "POST",
        f"/incidents/{opened.key}/slack/",
        b'--xyz\r\nContent-Disposition: form-data; name="export"; filename="a.zip"\r\n\r\nPK',
        content_type="multipart/form-data; boundary=xyz",
    )
    assert answer.status_code == 400
    assert _chat(opened) == []


def test_the_forms_post_under_a_sub_path(make_user: Any, opened: Any) -> None:
    from django.urls import set_script_prefix

    me = _login(make_user("ann", "author", team="sre"))
    for path in (f"/incidents/{opened.key}/", f"/incidents/{opened.key}/slack/"):
        set_script_prefix("/pm/")  # what the WSGI handler sets under SCRIPT_NAME=/pm
        try:
            page = BeautifulSoup(me.get(path).content, "html.parser")
        finally:
            set_script_prefix("/")
        form = page.select_one("form.slack-import")
        assert form is not None
        assert form["action"] == f"/pm/incidents/{opened.key}/slack/"


def test_an_import_that_adds_nothing_says_what_fell_outside_the_window(
    make_user: Any, opened: Any, tmp_path: Path
) -> None:
    import datetime as dt

    opened.started, opened.resolved = dt.datetime(2026, 3, 2, tzinfo=dt.UTC), None
    opened.save(update_fields=["started", "resolved"])
    me = _login(make_user("ann", "author", team="sre"))
    assert _send(me, opened, _zip(tmp_path), "general").status_code == 302
    assert _chat(opened) == []
    shown = BeautifulSoup(me.get(f"/incidents/{opened.key}/").content, "html.parser")
    said = " ".join(shown.get_text(" ").split())
    assert (
        "#general: 0 messages added to the timeline, 0 already there; outside the incident's "
        "window (2026-03-02 00:00:00 UTC – open): 1 message before its start."
    ) in said
