"""What keeps pages cheap without changing what anyone may see: cached lists, few queries."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from parses import count_parses

from postmortems.server.library import state, store
from postmortems.server.library.models import Postmortem

pytestmark = pytest.mark.django_db


def test_the_library_token_moves_on_every_save_and_delete(make_pm: Any) -> None:
    before = state.token()
    pm = make_pm("PM-A")
    after_create = state.token()
    store.update("PM-A", pm.text.replace("returned 502s", "returned 503s"), None, 1)
    after_update = state.token()
    store.delete(Postmortem.objects.get(key="PM-A"))
    after_delete = state.token()
    assert len({before, after_create, after_update, after_delete}) == 4


def test_a_late_commit_with_an_older_update_time_still_refreshes_the_list(
    make_user: Any, make_pm: Any
) -> None:
    """A save that committed after a newer one: the newest ``updated`` does not move."""
    make_pm("PM-A", title="First title")
    make_pm("PM-B")
    reader = Client()
    reader.force_login(make_user("viewer", "viewer"))
    assert "First title" in reader.get("/").content.decode()
    pm = Postmortem.objects.get(key="PM-A")
    store.update("PM-A", pm.text.replace("First title", "Second title"), None, 1)
    older = Postmortem.objects.get(key="PM-B").updated - dt.timedelta(seconds=1)
    Postmortem.objects.filter(key="PM-A").update(updated=older)
    page = reader.get("/").content.decode()
    assert "Second title" in page
    assert "First title" not in page


def test_a_cached_list_page_costs_few_queries(
    make_user: Any, make_pm: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        make_pm(f"PM-{i:02d}")
    reader = Client()
    reader.force_login(make_user("viewer", "viewer"))
    assert reader.get("/").status_code == 200
    # The user, their memberships and the library token; no count, no rows, no labels.
    with django_assert_max_num_queries(3):
        page = reader.get("/")
    assert page.status_code == 200
    assert "30 postmortems" in page.content.decode()


def test_the_page_parameter_is_part_of_the_cache_key(make_user: Any, make_pm: Any) -> None:
    for i in range(30):
        make_pm(f"PM-{i:02d}")
    reader = Client()
    reader.force_login(make_user("viewer", "viewer"))
    first = reader.get("/").content.decode()
    second = reader.get("/?page=2").content.decode()
    assert "page 1 of 2" in first
    assert "page 2 of 2" in second


def test_gunicorn_runs_threaded_workers_with_the_app_frozen_before_the_fork() -> None:
    import gc

    from postmortems.server import gunicorn_app
    from postmortems.server.config import ServerSettings

    server = gunicorn_app.PostmortemsServer(ServerSettings(workers=2, port=8123))
    cfg = server.cfg
    assert cfg.workers == 2
    assert cfg.worker_class_str == "gthread"
    assert cfg.threads == gunicorn_app.THREADS
    # A socket per worker on Linux, where the kernel spreads the connections over them.
    assert cfg.reuse_port is sys.platform.startswith("linux")
    assert cfg.preload_app is True
    assert cfg.accesslog is None
    try:
        gunicorn_app.freeze_loaded_objects()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _tokenless(html: str) -> str:
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _reader(make_user: Any, name: str = "vic", team: str = "sre") -> Client:
    client = Client()
    client.force_login(make_user(name, "viewer", team=team))
    return client


def test_a_reader_page_loads_only_the_columns_it_shows(make_user: Any, make_pm: Any) -> None:
    """The Markdown text is the largest column and a reader's page does not show it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_pm("PM-A")
    reader = _reader(make_user)
    reader.get("/p/PM-A/")
    with CaptureQueriesContext(connection) as queries:
        page = reader.get("/p/PM-A/")
    assert "Checkout API returned 502s" in page.content.decode()
    loaded = [q["sql"] for q in queries.captured_queries if "library_postmortem" in q["sql"]]
    assert loaded
    assert not any('"library_postmortem"."text"' in sql for sql in loaded)


def test_a_reader_page_costs_few_queries_and_no_parse(
    make_user: Any, make_pm: Any, django_assert_max_num_queries: Any
) -> None:
    from postmortems.server.workflow.models import ActionItem, Event

    make_pm("PM-A")
    reader = _reader(make_user)
    reader.get("/p/PM-A/")
    # The user with their memberships, the postmortem (its labels are on the row), its events,
    # its action items, the later postmortems acknowledged as its repeats (one indexed query)
    # and the incidents it was written from (the incidents app's panel, one indexed query, the
    # visibility checked in Python); the HTML was rendered by the save, so nothing is parsed or
    # rendered. Similar incidents and factors load after the page (htmx).
    with count_parses() as parses, django_assert_max_num_queries(6):
        page = reader.get("/p/PM-A/")
    assert parses == []
    text = page.content.decode()
    assert "Checkout API returned 502s" in text
    assert "Automate certificate renewal" in text
    # What the page shows of the workflow is read on every view, so it is never stale.
    ActionItem.objects.filter(postmortem__key="PM-A").update(text="Renew certificates with ACME")
    Event.objects.create(
        postmortem=Postmortem.objects.get(key="PM-A"),
        transition="request-review",
        from_state="draft",
        to_state="in-review",
        note="a note only the event has",
        created=timezone.now(),
    )
    text = reader.get("/p/PM-A/").content.decode()
    assert "Renew certificates with ACME" in text
    assert "a note only the event has" in text


def test_a_restricted_page_stays_hidden_after_an_insider_cached_it(
    make_user: Any, make_pm: Any
) -> None:
    make_pm("PM-SECRET", restricted=True, teams="security")
    insider = _reader(make_user, "sec", team="security")
    outsider = _reader(make_user, "out")
    assert insider.get("/p/PM-SECRET/").status_code == 200
    assert outsider.get("/p/PM-SECRET/").status_code == 404
    assert "PM-SECRET" not in outsider.get("/").content.decode()


def test_writers_are_not_served_the_reader_page(make_user: Any, make_pm: Any) -> None:
    make_pm("PM-A")
    reader = _reader(make_user)
    author = Client()
    author.force_login(make_user("alice", "author"))
    reader_page = reader.get("/p/PM-A/").content.decode()
    author_page = author.get("/p/PM-A/").content.decode()
    assert "/p/PM-A/edit/" not in reader_page
    assert "/p/PM-A/edit/" in author_page
    body = author_page.split('<section class="workflow"', 1)[1]
    assert "csrfmiddlewaretoken" in body  # the author's own forms, with their own token


def test_the_account_backend_loads_a_user_with_their_memberships(
    make_user: Any, django_assert_num_queries: Any
) -> None:
    from postmortems.server.accounts.access import access_of
    from postmortems.server.accounts.backends import AccountBackend

    backend = AccountBackend()
    alice = make_user("alice", "author", team="sre")
    with django_assert_num_queries(1):
        user = backend.get_user(alice.pk)
        assert access_of(user).teams == {"sre"}
    assert backend.get_user(make_user("solo").pk).username == "solo"  # no team yet
    alice.is_active = False
    alice.save()
    assert backend.get_user(alice.pk) is None


def test_an_api_read_does_not_load_the_rendered_page(make_user: Any, make_pm: Any) -> None:
    """The rendered HTML and the section titles are not part of the answer: not read either."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from postmortems.server.accounts.models import ApiToken

    make_pm("PM-A")
    token = ApiToken.issue(make_user("vic", "viewer"), "read")[1]
    api = Client(headers={"Authorization": "Bearer " + token})
    with CaptureQueriesContext(connection) as queries:
        answer = api.get("/api/postmortems/PM-A")
    assert answer.status_code == 200
    assert answer.json()["text"].startswith("---")
    loaded = [q["sql"] for q in queries.captured_queries if "library_postmortem" in q["sql"]]
    assert loaded
    assert not any('"library_postmortem"."rendered_html"' in sql for sql in loaded)
