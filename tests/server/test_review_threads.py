"""Comment threads in the review panel: a posted comment opens the page at its thread, which
says it was posted; the open threads are listed to work through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from workflow_fixtures import NOW, cast, clean_text


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return cast(make_user, {"alice": "author", "bob": "reviewer"})


@pytest.fixture
def pm(people: dict[str, Any]) -> Any:
    from postmortems.server.library import store

    return store.create(clean_text(), people["alice"]).postmortem


def _page(client: Any, key: str) -> BeautifulSoup:
    response = client.get(f"/p/{key}/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_posted_comment_opens_the_page_at_its_thread_saying_so(
    client: Any, people: dict[str, Any], pm: Any
) -> None:
    from postmortems.server.workflow.models import Comment

    client.force_login(people["bob"])
    url = f"/p/{pm.key}/workflow/comment/"
    posted = client.post(url, {"text": "Which alert fired first?", "section": "Timeline"})
    first = Comment.objects.get(text="Which alert fired first?")
    assert posted["Location"] == f"/p/{pm.key}/#thread-{first.pk}"
    page = _page(client, pm.key)
    thread = page.select_one(f"#thread-{first.pk}")
    assert thread.select_one(".posted[role=status]").get_text() == "Your comment is posted."
    assert len(page.select(".thread .posted")) == 1  # in that thread only
    assert not _page(client, pm.key).select(".thread .posted")  # said once

    client.force_login(people["alice"])
    replied = client.post(url, {"text": "The 5xx alert.", "reply_to": str(first.pk)})
    assert replied["Location"] == f"/p/{pm.key}/#thread-{first.pk}"  # the thread, not the reply
    said = _page(client, pm.key).select_one(f"#thread-{first.pk} .posted").get_text()
    assert said == "Your reply is posted."


def test_the_open_threads_are_listed_with_links_to_each(
    client: Any, people: dict[str, Any], pm: Any
) -> None:
    from postmortems.server.workflow import comments

    line = pm.text.split("\n").index("## Timeline") + 1
    on_line = comments.add(pm, people["bob"], "Who was paged first?", now=NOW, line=line)
    whole = comments.add(pm, people["bob"], "Say how many users.", now=NOW)
    done = comments.add(pm, people["bob"], "Typo in the title.", now=NOW, section="Timeline")
    comments.resolve(done, people["alice"])
    client.force_login(people["alice"])
    listed = _page(client, pm.key).select_one("#workflow nav.open-list")
    assert listed.select_one("p").get_text() == "2 open threads to work through:"
    rows = listed.select("li")
    assert [a["href"] for row in rows for a in row.select("a")] == [
        f"#thread-{on_line.pk}",
        f"#thread-{whole.pk}",
    ]
    assert rows[0].get_text(" ", strip=True).startswith(f"Timeline, line {line} · bob: Who was")
    assert rows[1].get_text(" ", strip=True).startswith("Whole document · bob: Say how many")
    comments.resolve(on_line, people["alice"])
    comments.resolve(whole, people["alice"])
    assert _page(client, pm.key).select_one("#workflow nav.open-list") is None  # none open
