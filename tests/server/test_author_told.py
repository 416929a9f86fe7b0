"""A postmortem's authors are told of its review: a new comment thread or a reply by someone
else, an approval (one of several too), changes requested and a publication reach them by email
(a real SMTP server) and in their inbox; their inbox lists a postmortem of theirs with a thread
someone else opened. Nobody is told of their own action, and a person who may no longer read a
restricted postmortem is told nothing of it.

Before, an author heard of none of it: an approval short of enough, or a comment, sent nothing,
and the inbox listed a postmortem in review with an open thread as waiting on nobody."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from incident_fixtures import logged_in
from workflow_fixtures import NOW, clean_text, run_tasks

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes


def _people(make_user: Any) -> dict[str, Any]:
    """alice and ann write; bob and carol review; each with an email address."""
    roles = {"alice": "author", "ann": "author", "bob": "reviewer", "carol": "reviewer"}
    people = {}
    for name, role in roles.items():
        user = make_user(name, role)
        user.email = f"{name}@example.com"
        user.save()
        people[name] = user
    return people


def _in_review(people: dict[str, Any], text: str = "") -> Any:
    """alice's SEV2 postmortem (ann named an author too), bob and carol asked to review it."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    text = text or clean_text().replace("authors: [alice]", "authors: [alice, ann]")
    pm = store.create(text, people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"], people["carol"]], now=NOW)
    run_tasks()
    pm.refresh_from_db()
    return pm


def _sent(smtp_server: list[Any]) -> list[tuple[str, str, str]]:
    """Each email received: to whom, its subject (one line), its body; then forgotten."""
    out = [
        (
            str(m["To"]),
            " ".join(str(m["Subject"]).split()),
            m.get_payload(decode=True).decode(),
        )
        for m in smtp_server
    ]
    smtp_server.clear()
    return sorted(out)


@pytest.fixture
def review(make_user: Any, smtp_server: list[Any]) -> tuple[dict[str, Any], Any]:
    """The people and alice's postmortem in review, its requests' emails forgotten."""
    people = _people(make_user)
    pm = _in_review(people)
    smtp_server.clear()
    return people, pm


def _post(user: Any, path: str, data: dict[str, Any]) -> Any:
    answer = logged_in(user).post(path, data)
    assert answer.status_code in (200, 302), answer.content[:500]
    return answer


def test_a_comment_and_a_reply_reach_the_authors_and_the_thread_never_its_writer(
    smtp_server: list[Any], review: tuple[dict[str, Any], Any]
) -> None:
    from postmortems.server.workflow.models import Comment, Delivery

    people, pm = review
    said = "Did anything page before the alert?"
    _post(people["bob"], f"/p/{pm.key}/workflow/comment/", {"text": said, "section": "Timeline"})
    run_tasks()
    mails = _sent(smtp_server)
    assert [to for to, _, _ in mails] == ["alice@example.com", "ann@example.com"]
    _, subject, body = mails[0]
    assert subject.startswith(f"[postmortems] bob commented on {pm.title} (Timeline): Did anything")
    assert said in body
    assert f"/p/{pm.key}/" in body
    thread = Comment.objects.get(text=said)
    _post(
        people["alice"],
        f"/p/{pm.key}/workflow/comment/",
        {"text": "No: the alert was the first.", "reply_to": thread.pk},
    )
    run_tasks()
    mails = _sent(smtp_server)  # ann (an author) and bob (the thread's), never alice herself
    assert [to for to, _, _ in mails] == ["ann@example.com", "bob@example.com"]
    assert mails[1][1].startswith(f"[postmortems] alice replied to a comment on {pm.title}")
    assert set(Delivery.objects.values_list("kind", flat=True)) >= {"comment", "reply"}


def test_every_verdict_and_the_publication_reach_the_authors_not_the_one_who_made_it(
    smtp_server: list[Any], review: tuple[dict[str, Any], Any]
) -> None:
    from postmortems.server.workflow import services

    people, pm = review
    services.approve(pm, people["bob"], now=NOW)  # 1 of 2: no move, but the authors hear it
    run_tasks()
    mails = _sent(smtp_server)
    assert [to for to, _, _ in mails] == ["alice@example.com", "ann@example.com"]
    assert mails[0][1] == (
        f"[postmortems] bob approved {pm.title}: 1 of 2 approvals, more are needed"
    )
    services.request_changes(pm, people["carol"], now=NOW, note="the timeline misses 04:30")
    run_tasks()
    mails = _sent(smtp_server)
    assert [to for to, _, _ in mails] == ["alice@example.com", "ann@example.com"]
    assert mails[0][1].endswith(f"carol requested changes to {pm.title}: the timeline misses 04:30")
    services.transition(pm, people["alice"], "resubmit", now=NOW)  # the reviewers hear
    run_tasks()
    pm.refresh_from_db()
    assert [to for to, _, _ in _sent(smtp_server)] == ["bob@example.com", "carol@example.com"]
    services.approve(pm, people["bob"], now=NOW)
    services.approve(pm, people["carol"], now=NOW)
    run_tasks()
    pm.refresh_from_db()
    mails = _sent(smtp_server)
    assert [(to, s) for to, s, _ in mails if "was approved" in s] == [
        (
            f"{who}@example.com",
            f"[postmortems] {pm.title} was approved (carol's approval finished the review)",
        )
        for who in ("alice", "ann")
    ]
    services.transition(pm, people["alice"], "publish", now=NOW)
    run_tasks()
    mails = _sent(smtp_server)  # ann and the reviewers; alice published it herself
    assert [to for to, _, _ in mails] == ["ann@example.com", "bob@example.com", "carol@example.com"]
    assert mails[0][1] == f"[postmortems] {pm.title} was published by alice"


def _inbox(user: Any) -> BeautifulSoup:
    answer = logged_in(user).get("/inbox/")
    assert answer.status_code == 200
    return BeautifulSoup(answer.content, "html.parser")


def test_the_authors_inbox_lists_the_review_s_news_and_the_open_thread(make_user: Any) -> None:
    from postmortems.server.workflow import comments, services

    people = _people(make_user)
    pm = _in_review(people)
    assert not _inbox(people["alice"]).select(f"#inbox-waiting li[data-waiting='{pm.key}']")
    comments.add(pm, people["alice"], "a note to myself", now=NOW, section="Timeline")
    assert not _inbox(people["alice"]).select("#inbox-waiting li")  # her own thread
    thread = comments.add(pm, people["bob"], "Who was paged at 04:07?", now=NOW, line=3)
    services.approve(pm, people["carol"], now=NOW)
    page = _inbox(people["alice"])
    (waiting,) = page.select(f"#inbox-waiting li[data-waiting='{pm.key}']")
    assert "answer 1 open comment thread" in waiting.get_text(" ", strip=True)
    notes = [li.get_text(" ", strip=True) for li in page.select("#inbox-notes li")]
    assert any("Approved by carol (more approvals needed)" in n and pm.title in n for n in notes)
    (said,) = [li for li in page.select("#inbox-notes li") if "New comment by bob" in li.text]
    assert "Who was paged at 04:07?" in said.get_text()
    assert said.select_one("a")["href"] == f"/p/{pm.key}/#thread-{thread.pk}"
    assert not any("a note to myself" in n for n in notes)  # never told of her own comment
    comments.resolve(thread, people["alice"])
    assert not _inbox(people["alice"]).select("#inbox-waiting li")
    services.request_changes(pm, people["bob"], now=NOW, note="say who was paged")
    (waiting,) = _inbox(people["ann"]).select(f"#inbox-waiting li[data-waiting='{pm.key}']")
    assert "address the review and resubmit" in waiting.get_text()


def test_a_restricted_postmortem_tells_nobody_who_may_no_longer_read_it(
    smtp_server: list[Any], make_user: Any
) -> None:
    """ann moved from team sre to payments after bob commented, before the worker sent: no
    email, no inbox note."""
    from postmortems.server.accounts.models import Membership, set_role
    from postmortems.server.workflow import comments

    people = _people(make_user)
    text = clean_text().replace("authors: [alice]", "authors: [alice, ann]")
    text = text.replace("---\n", "---\nrestricted: true\nteams: [sre]\n", 1)
    pm = _in_review(people, text)
    assert pm.restricted
    smtp_server.clear()
    comments.add(pm, people["bob"], "A secret detail of the breach", now=NOW, section="Timeline")
    Membership.objects.filter(user=people["ann"]).delete()
    set_role(people["ann"], "payments", "author")
    run_tasks()
    assert [to for to, _, _ in _sent(smtp_server)] == ["alice@example.com"]
    page = _inbox(people["ann"])
    assert "secret" not in page.get_text()
    assert pm.title not in page.get_text()
