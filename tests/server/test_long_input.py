"""Text over a field's length is refused, said, and shown again, never cut: the pages' fields
carry no ``maxlength`` (a browser cuts a pasted text there without a word), so the server's
check is the one a person meets, and its answer holds what they wrote."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.server.incident_fixtures import logged_in, open_incident

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "postmortems" / "server"


def _long(n: int) -> str:
    """``n`` characters of words, ending in a marker that only the whole text holds."""
    body = ("all the context we had " * (n // 23 + 1))[: n - 4]
    return body + "END!"


def _shown(response: Any, text: str) -> bool:
    return text in html.unescape(response.content.decode())


def test_no_page_field_for_a_persons_text_is_cut_by_the_browser() -> None:
    """Only short lookups keep a maxlength (the searches, an incident key, a user name)."""
    found = []
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(
            r"<(?:input|textarea)\b[^>]*\bmaxlength=[^>]*>", template.read_text()
        ):
            name = re.search(r'name="([^"]+)"', tag)
            found.append(name.group(1) if name else tag)
    assert set(found) == {"incident", "q", "{{ row.member_form.username.html_name }}"}


def test_an_over_long_note_title_comment_summary_or_token_name_is_refused_and_kept(
    make_user: Any, make_pm: Any
) -> None:
    from oncall_fixtures import apply, policy

    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.incidents.models import Event, Incident
    from postmortems.server.oncall.models import Page
    from postmortems.server.workflow.models import Comment

    incident = open_incident(Client())
    pm = make_pm("PM-LONG")
    apply(policies=(policy(),))
    me: Client = logged_in(make_user("ann", "author", team="sre"))
    me.defaults["HTTP_ACCEPT"] = "text/html"  # as a browser posts the form
    events = Event.objects.count()

    note = _long(20_001)
    answer = me.post(f"/incidents/{incident.key}/note/", {"text": note})
    assert answer.status_code == 400
    assert "at most 20000 characters" in answer.content.decode()
    assert _shown(answer, note)
    assert Event.objects.count() == events

    title = _long(301)
    answer = me.post("/incidents/declare/", {"title": title, "severity": "SEV2", "timezone": "UTC"})
    assert answer.status_code == 400
    assert "Title" in answer.content.decode()
    assert _shown(answer, title)
    assert Incident.objects.count() == 1

    comment = _long(10_001)
    answer = me.post(f"/p/{pm.key}/workflow/comment/", {"text": comment})
    assert answer.status_code == 400
    assert _shown(answer, comment)
    assert not Comment.objects.exists()

    summary = _long(301)
    answer = me.post("/oncall/policies/sre-page/page/", {"summary": summary})
    assert answer.status_code == 400
    assert _shown(answer, summary)
    assert not Page.objects.exists()

    name = _long(101)
    answer = me.post("/tokens/", {"name": name, "scope": "read"})
    assert answer.status_code == 400
    assert "Name: Ensure this value has at most 100 characters" in answer.content.decode()
    assert _shown(answer, f'value="{name}"')
    assert not ApiToken.objects.exists()
    days = me.post("/tokens/", {"name": "ci", "scope": "read", "expires_in_days": "0"})
    assert "Expires in (days): Ensure" in days.content.decode()  # its label, not its name
