"""Review comments and resolved threads reach the outgoing webhooks as the other workflow
events do: the same Slack-compatible body (``event``, ``postmortem``, ``url``), signed, to the
configured ``webhook_urls`` only, and for a restricted postmortem without its title, key or
words. Against a real local HTTP server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from test_workflow_notify import Fake, fake  # noqa: F401 (the fixture)
from workflow_fixtures import NOW, clean_text, run_tasks, with_settings

from postmortems.server.workflow import webhooks

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes


def _hooked(settings: Any, start: Callable[..., Fake], count: int = 1) -> list[Fake]:
    hooks = [start() for _ in range(count)]
    with_settings(settings, webhook_urls=tuple(h.url for h in hooks), webhook_secret="k")
    return hooks


def _posted(hook: Fake) -> list[dict[str, Any]]:
    return [json.loads(body) for _, _, body in hook.requests]


def _people(make_user: Callable[..., Any]) -> tuple[Any, Any, Any]:
    """alice (author) and her postmortem; bob, a reviewer of team sre."""
    from postmortems.server.library import store

    alice = make_user("alice", "author")
    bob = make_user("bob", "reviewer")
    return alice, bob, store.create(clean_text(), alice).postmortem


def test_a_comment_a_reply_and_a_resolution_are_posted(
    fake: Callable[..., Fake],  # noqa: F811
    make_user: Callable[..., Any],
    settings: Any,
) -> None:
    from postmortems.server.workflow import comments
    from postmortems.server.workflow.models import Delivery
    from postmortems.server.workflow.notify import page_url

    alice, bob, pm = _people(make_user)
    hooks = _hooked(settings, fake, 2)
    run_tasks()  # the item assigned when alice created it
    already = len(hooks[0].requests)
    thread = comments.add(pm, bob, "Who was paged at 04:07?", now=NOW, section="Timeline")
    comments.add(pm, alice, "The primary, carol.", now=NOW, reply_to=thread)
    comments.resolve(thread, alice, now=NOW)
    comments.resolve(thread, alice, now=NOW)  # resolved already: nothing new to say
    run_tasks()
    for hook in hooks:  # every configured webhook, each post signed
        posted = _posted(hook)[already:]
        assert [p["event"] for p in posted] == ["comment", "reply", "thread-resolved"]
        assert [p["postmortem"] for p in posted] == [pm.key] * 3
        assert {p["url"] for p in posted} == {page_url(pm)}  # its page, as every event's
        assert (
            posted[0]["text"] == f"bob commented on {pm.title} (Timeline): Who was paged at 04:07?"
        )
        assert posted[1]["text"] == (
            f"alice replied to a comment on {pm.title} (Timeline): The primary, carol."
        )
        assert posted[2]["text"] == (
            f"alice resolved a comment thread on {pm.title} (Timeline): Who was paged at 04:07?"
        )
        assert posted[0]["blocks"][0]["text"]["text"].startswith("bob commented on")
        for _, headers, body in hook.requests[already:]:
            stamp = headers["x-pm-timestamp"]
            assert webhooks.verify("k", stamp, body, headers["x-pm-signature"], now=int(stamp))
    kinds = ("comment", "reply", "thread-resolved")
    assert all(d.ok for d in Delivery.objects.filter(kind__in=kinds))
    # reopened, then resolved again: posted again
    comments.resolve(thread, alice, resolved=False, now=NOW)
    comments.resolve(thread, bob, now=NOW)
    run_tasks()
    assert [p["event"] for p in _posted(hooks[0])[already + 3 :]] == ["thread-resolved"]


def test_a_restricted_postmortem_s_comment_is_posted_without_a_word_of_it(
    fake: Callable[..., Fake],  # noqa: F811
    make_user: Callable[..., Any],
    settings: Any,
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import comments
    from postmortems.server.workflow.notify import page_url
    from postmortems.server.workflow.redact import RESTRICTED_TEXT

    alice = make_user("alice", "author")
    bob = make_user("bob", "reviewer")
    text = clean_text().replace("---\n", "---\nrestricted: true\nteams: [sre]\n", 1)
    pm = store.create(text, alice).postmortem
    assert pm.restricted
    (hook,) = _hooked(settings, fake)
    run_tasks()
    already = len(hook.requests)
    thread = comments.add(pm, bob, "The leaked key was AKIA-SECRET", now=NOW, section="Timeline")
    comments.resolve(thread, alice, now=NOW)
    run_tasks()
    posted = _posted(hook)[already:]
    assert [p["event"] for p in posted] == ["comment", "thread-resolved"]
    for p, event in zip(posted, ("comment", "thread-resolved"), strict=True):
        assert p["text"] == RESTRICTED_TEXT.format(event=event)
        assert p["postmortem"] == ""
        assert p["url"] == page_url(None)  # the library, not its page
    raw = b"".join(body for _, _, body in hook.requests[already:]).decode()
    for secret in ("AKIA-SECRET", pm.key, pm.title, "bob", "alice"):
        assert secret not in raw


def test_resolving_on_the_page_posts_it(
    fake: Callable[..., Fake],  # noqa: F811
    make_user: Callable[..., Any],
    settings: Any,
) -> None:
    from incident_fixtures import logged_in

    from postmortems.server.workflow import comments

    alice, bob, pm = _people(make_user)
    (hook,) = _hooked(settings, fake)
    thread = comments.add(pm, bob, "Add the graph", now=NOW, section="Timeline")
    run_tasks()
    already = len(hook.requests)
    answer = logged_in(alice).post(f"/p/{pm.key}/workflow/comment/{thread.pk}/resolve/", {})
    assert answer.status_code == 302
    thread.refresh_from_db()
    assert thread.resolved
    run_tasks()
    assert [p["event"] for p in _posted(hook)[already:]] == ["thread-resolved"]
