"""Every review notification names the person who acted, in the email and in the inbox:
"Review requested by alice", "Approved by bob (more approvals needed)", "Changes requested by
carol", "New comment by bob", "Approved by carol", "Published by ann". Nobody is told of their own
act, and a notification sent before the inbox kept who acted still shows, named by its kind.

Before, the author's inbox said "Approved" without saying who approved."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from incident_fixtures import logged_in
from workflow_fixtures import NOW, clean_text, run_tasks

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    roles = {"alice": "author", "ann": "author", "bob": "reviewer", "carol": "reviewer"}
    roles["dan"] = "reviewer"
    found = {}
    for name, role in roles.items():
        found[name] = user = make_user(name, role)
        user.email = f"{name}@example.com"
        user.save()
    return found


def _inbox(user: Any) -> list[str]:
    """The notes of ``user``'s inbox, newest first, each as its text."""
    answer = logged_in(user).get("/inbox/")
    assert answer.status_code == 200
    page = BeautifulSoup(answer.content, "html.parser")
    return [" ".join(li.get_text().split()) for li in page.select("#inbox-notes li")]


def _said(notes: list[str]) -> list[str]:
    """What each review note says, without its time (before the first ·) or the postmortem's
    title (those of action items left out), sorted (they were all sent at ``NOW``)."""
    return sorted(n.split(" · ")[1] for n in notes if " · Action item" not in n)


def _subjects(smtp_server: list[Any]) -> list[tuple[str, str]]:
    """(to, subject) of each email received, sorted; then forgotten."""
    out = sorted((str(m["To"]), " ".join(str(m["Subject"]).split())) for m in smtp_server)
    smtp_server.clear()
    return out


def test_every_review_notification_names_who_acted(
    people: dict[str, Any], smtp_server: list[Any]
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import comments, services

    alice, ann, bob, carol, dan = (people[n] for n in ("alice", "ann", "bob", "carol", "dan"))
    text = clean_text("PM-WHO-1").replace("authors: [alice]", "authors: [alice, ann]")
    pm = store.create(text, alice).postmortem
    title = pm.title
    run_tasks()  # its action items' owners told (alice): not a review's news
    smtp_server.clear()

    def step(act: Any) -> list[tuple[str, str]]:
        act()
        run_tasks()
        pm.refresh_from_db()
        return _subjects(smtp_server)

    asked = step(lambda: services.request_review(pm, alice, [bob, carol], now=NOW))
    assert asked == [
        (f"{who}@example.com", f"[postmortems] alice asks you to review {title}")
        for who in ("bob", "carol")
    ]
    more = step(lambda: services.request_review(pm, ann, [dan], now=NOW))  # while in review
    assert more == [("dan@example.com", f"[postmortems] ann asks you to review {title}")]
    approval = step(lambda: services.approve(pm, bob, now=NOW))  # 1 of 2
    assert {s for _, s in approval} == {
        f"[postmortems] bob approved {title}: 1 of 2 approvals, more are needed"
    }
    said = step(lambda: comments.add(pm, bob, "Who was paged first?", now=NOW, line=3))
    assert {s for _, s in said} == {
        f"[postmortems] bob commented on {title} (line 3): Who was paged first?"
    }
    changes = step(lambda: services.request_changes(pm, carol, now=NOW, note="add 04:30"))
    assert {s for _, s in changes} == {
        f"[postmortems] carol requested changes to {title}: add 04:30"
    }
    step(lambda: services.transition(pm, alice, "resubmit", now=NOW))
    step(lambda: services.approve(pm, bob, now=NOW))
    approved = step(lambda: services.approve(pm, carol, now=NOW))
    assert {s for _, s in approved} == {
        f"[postmortems] {title} was approved (carol's approval finished the review)"
    }
    published = step(lambda: services.transition(pm, ann, "publish", now=NOW))
    assert [to for to, _ in published] == [
        "alice@example.com",
        "bob@example.com",
        "carol@example.com",
        "dan@example.com",
    ]  # never ann, who published it
    assert {s for _, s in published} == {f"[postmortems] {title} was published by ann"}

    assert _said(_inbox(alice)) == [
        "Approved by bob (more approvals needed)",
        "Approved by bob (more approvals needed)",  # his second, of the resubmitted round
        "Approved by carol",
        "Changes requested by carol",
        "New comment by bob: Who was paged first?",
        "Published by ann",
    ]
    resubmitted = "Review requested by alice"
    assert _said(_inbox(bob)) == ["Published by ann", resubmitted, resubmitted]
    assert _said(_inbox(dan)) == ["Published by ann", resubmitted, "Review requested by ann"]
    assert not any("Published" in n for n in _inbox(ann))  # never told of her own act
    assert not any("by alice" in n for n in _inbox(alice))


def test_a_notification_from_before_the_actor_was_kept_is_named_by_its_kind(
    people: dict[str, Any],
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import Delivery

    pm = store.create(clean_text("PM-WHO-2"), people["alice"]).postmortem
    for kind in ("approved", "approval"):
        Delivery.objects.create(
            key=f"{kind}:old",
            kind=kind,
            postmortem=pm,
            recipients="alice@example.com",
            created=NOW,
            ok=True,
            detail="",
        )
    assert _said(_inbox(people["alice"])) == ["Approved", "Approved (more approvals needed)"]
