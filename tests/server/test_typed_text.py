"""A postmortem's page shows what its author typed as typed: ``alert('t')``, ``--to-revision``,
``a -- b``, ``(c)``, ``...``, ``+-``, never curly quotes, dashes or symbols put in their place
(docs/format.md, "Text shows as typed"); pages stored before are rendered again
(migration ``library/0016``)."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client

from conftest import doc_text

pytestmark = pytest.mark.django_db

TITLE = "Rollback: alert('t') and --to-revision"
SUMMARY = "The page printed alert('t') to 75% of users; a \"debug\" line (c) 2026 was left in..."
ENTRY = "04:07 UTC - Ran kubectl rollout undo deployment/web --to-revision=3 -- it failed."
CAUSE = "It printed alert('t') and \"don't cache\"; latency 120ms +- 5ms --- not the CDN (tm)."
TASK = "Refuse alert('t') in templates -- and \"debug\" flags"
# What the typographer made of them that a page never shows of its own (its "…" cuts a long
# text, its "–" joins a time range, its "—" stands for a fact not known).
REWRITTEN = ("‘", "’", "“", "”", "©", "™", "±")


def typed_text(key: str) -> str:
    quoted = "'" + TITLE.replace("'", "''") + "'"  # YAML's single-quoted string
    text = doc_text(key, title=quoted)
    for old, new in (
        ("From 04:00 to 06:30 UTC checkout returned 502s to 75% of users; the certificate "
         "expired.", SUMMARY),
        ("04:07 UTC - Pager alert on 5xx rate.", ENTRY),
        ("The TLS certificate expired. We renewed it.", CAUSE),
        ("Automate certificate renewal", TASK),
    ):  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.fixture
def author(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("alice", "author"))
    return client


def shown(author: Client, key: str) -> str:
    page = author.get(f"/p/{key}/")
    assert page.status_code == 200, page.content
    soup = BeautifulSoup(page.content, "html.parser")
    return " ".join(soup.select_one(".pm-read").get_text(" ").split())  # the rendered page


def assert_typed(text: str) -> None:
    for typed in (
        TITLE,
        "alert('t') to 75% of users",
        'a "debug" line (c) 2026 was left in...',
        "--to-revision=3 -- it failed.",
        'and "don\'t cache"; latency 120ms +- 5ms --- not the CDN (tm).',
        TASK,
    ):
        assert typed in text, typed
    for mark in REWRITTEN:
        assert mark not in text, mark


def test_the_page_shows_what_was_typed(author: Client) -> None:
    from postmortems.server.library import store

    store.create(typed_text("PM-T-1"), None)
    assert_typed(shown(author, "PM-T-1"))


def test_the_editor_s_preview_shows_what_was_typed(author: Client) -> None:
    html = author.post("/preview/", {"text": typed_text("PM-T-2"), "key": ""}).content.decode()
    region = BeautifulSoup(html, "html.parser").find("section", class_="preview")
    assert_typed(" ".join(region.get_text(" ").split()))


@pytest.mark.django_db(transaction=True)
def test_the_migration_renders_again_the_pages_stored_with_curly_quotes(author: Client) -> None:
    """A page stored before (``alert(‘t’)`` in its HTML) shows ``alert('t')`` once
    ``library/0016`` has run; a page not stored yet is rendered when first read, as always."""
    from postmortems.server.library import store
    from postmortems.server.library.models import Postmortem

    store.create(typed_text("PM-T-1"), None)
    shown(author, "PM-T-1")  # rendered and stored
    pm = Postmortem.objects.get(key="PM-T-1")
    assert pm.rendered_version == pm.version
    curly = pm.rendered_html.replace("alert('t')", "alert(‘t’)")
    assert curly != pm.rendered_html
    Postmortem.objects.filter(pk=pm.pk).update(rendered_html=curly)  # as stored before
    assert "alert(‘t’)" in shown(author, "PM-T-1")
    call_command("migrate", "library", "0015", verbosity=0)
    try:
        call_command("migrate", "library", "0016", verbosity=0)
        assert Postmortem.objects.get(key="PM-T-1").rendered_version == 0
    finally:
        call_command("migrate", verbosity=0)
    assert_typed(shown(author, "PM-T-1"))
    pm = Postmortem.objects.get(key="PM-T-1")
    assert pm.rendered_version == pm.version  # stored again
    assert "‘" not in pm.rendered_html
