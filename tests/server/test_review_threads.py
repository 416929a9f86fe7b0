"""Comment threads in the review panel: a posted comment opens the page at its thread, which
says it was posted; the open threads are listed to work through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, cast, clean_text, page_of


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return cast(make_user, {"alice": "author", "bob": "reviewer"})


@pytest.fixture
def pm(people: dict[str, Any]) -> Any:
    from postmortems.server.library import store

    return store.create(clean_text(), people["alice"]).postmortem


def test_a_posted_comment_opens_the_page_at_its_thread_saying_so(
    client: Any, people: dict[str, Any], pm: Any
) -> None:
    from postmortems.server.workflow.models import Comment

    client.force_login(people["bob"])
    url = f"/p/{pm.key}/workflow/comment/"
    posted = client.post(url, {"text": "Which alert fired first?", "section": "Timeline"})
    first = Comment.objects.get(text="Which alert fired first?")
    assert posted["Location"] == f"/p/{pm.key}/#thread-{first.pk}"
    page = page_of(client, pm.key)
    thread = page.select_one(f"#thread-{first.pk}")
    assert thread.select_one(".said-here[role=status]").get_text() == "Your comment is posted."
    assert len(page.select(".thread .said-here")) == 1  # in that thread only
    assert not page_of(client, pm.key).select(".thread .said-here")  # said once

    client.force_login(people["alice"])
    replied = client.post(url, {"text": "The 5xx alert.", "reply_to": str(first.pk)})
    assert replied["Location"] == f"/p/{pm.key}/#thread-{first.pk}"  # the thread, not the reply
    said = page_of(client, pm.key).select_one(f"#thread-{first.pk} .said-here").get_text()
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
    listed = page_of(client, pm.key).select_one("#workflow nav.open-list")
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
    assert page_of(client, pm.key).select_one("#workflow nav.open-list") is None  # none open


def test_a_comment_on_a_passage_shows_the_words_and_folds_its_line(
    client: Any, people: dict[str, Any], pm: Any
) -> None:
    """The reviewer selected "red herring": the thread shows those words, and its Markdown line
    (101 characters here; 700 in a real paragraph) only folded, as context."""
    from postmortems.server.workflow import comments

    said = comments.add(
        pm,
        people["bob"],
        "Say why it looked likely.",
        now=NOW,
        quote=" red\n herring ",
        section="Timeline",
    )
    assert said.quote == "red herring"
    reply = comments.add(pm, people["alice"], "Added.", now=NOW, quote="x", reply_to=said)
    assert reply.quote == ""
    client.force_login(people["alice"])
    thread = page_of(client, pm.key).select_one(f"#thread-{said.pk}")
    assert thread.select_one("blockquote.passage").get_text() == "red herring"
    folded = thread.select_one("details.line-context")
    assert folded is not None
    assert not folded.has_attr("open")
    assert "it is a red herring." in folded.select_one("code").get_text()
    assert thread.select_one(".where").get_text(" ", strip=True) == "§ Timeline · line 29"


def test_a_short_line_is_shown_and_the_revision_is_said_only_when_it_matters(
    client: Any, people: dict[str, Any], pm: Any
) -> None:
    """No unexplained "(r1)" beside the author: a thread whose line changed since says it was
    written on an earlier revision, with a link to that revision."""
    from postmortems.server.library import store
    from postmortems.server.workflow import comments

    lines = pm.text.split("\n")
    line = lines.index("- 05:10 PST - Escalated to the platform team; Bob joins the bridge.") + 1
    said = comments.add(pm, people["bob"], "Who paged them?", now=NOW, line=line, quote="Bob")
    assert said.quote == ""  # a line given wins over the passage: no words kept
    client.force_login(people["alice"])
    thread = page_of(client, pm.key).select_one(f"#thread-{said.pk}")
    assert thread.select_one("p.line-context code").get_text() == lines[line - 1]
    assert thread.select_one("details") is None
    assert thread.select_one("blockquote") is None
    assert "(r1)" not in thread.get_text()
    assert "revision" not in thread.get_text()

    changed = pm.text.replace("Bob joins the bridge.", "Bob and Carol join the bridge.")
    store.save(changed, people["alice"], key=pm.key, base_version=pm.version)
    thread = page_of(client, pm.key).select_one(f"#thread-{said.pk}")
    assert thread.select_one(".where .badge").get_text() == "outdated"
    link = thread.select_one(".where a")
    assert link.get_text() == f"written on revision {said.revision}"
    assert link["href"] == f"/p/{pm.key}/revisions/{said.revision}/"
