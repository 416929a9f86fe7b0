"""An approval is of the text its reviewer read: a material edit while in review clears the
approvals given before it (ticking a task does not), and a CRLF file keeps its front matter
through the workflow's moves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from workflow_fixtures import NOW, cast, clean_text, with_settings


@pytest.fixture
def people(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    with_settings(settings, review_approvals=("*:2",))
    return cast(make_user, {"alice": "author", "bob": "reviewer", "dan": "reviewer"})


def _in_review(people: dict[str, Any], text: str) -> Any:
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    pm = store.create(text, people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"], people["dan"]], now=NOW)
    pm.refresh_from_db()
    return pm


def test_an_approval_given_before_a_material_edit_is_asked_again(people: dict[str, Any]) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Event, ReviewRequest

    pm = _in_review(people, clean_text())
    assert services.approve(pm, people["bob"], now=NOW, read=pm.version) is None  # 1 of 2
    pm.refresh_from_db()
    store.update(
        pm.key,
        pm.text + "\nA paragraph bob never read.\n",
        people["alice"],
        base_version=pm.version,
    )
    pm.refresh_from_db()
    verdicts = dict(
        ReviewRequest.objects.filter(postmortem=pm).values_list("reviewer__username", "verdict")
    )
    assert verdicts == {"bob": "", "dan": ""}
    assert Event.objects.filter(postmortem=pm, transition="edited").get().note == (
        "edited in review: the approval of bob is asked again"
    )
    assert services.approve(pm, people["dan"], now=NOW, read=pm.version) is None  # 1 of 2 now
    event = services.approve(pm, people["bob"], now=NOW, read=pm.version)
    assert event is not None
    assert event.to_state == "approved"
    pm.refresh_from_db()
    assert "reviewers: [bob, dan]" in pm.text  # bob listed already; dan approved


def test_ticking_a_task_keeps_the_approvals(people: dict[str, Any]) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import ReviewRequest

    pm = _in_review(people, clean_text())
    read = pm.version
    services.approve(pm, people["bob"], now=NOW, read=read)
    pm.refresh_from_db()
    assert "- [ ] " in pm.text
    store.update(
        pm.key, pm.text.replace("- [ ] ", "- [x] ", 1), people["alice"], base_version=pm.version
    )
    pm.refresh_from_db()
    bob = ReviewRequest.objects.get(postmortem=pm, reviewer=people["bob"])
    assert bob.verdict == "approved"
    event = services.approve(pm, people["dan"], now=NOW, read=read)  # read before the tick
    assert event is not None
    assert event.to_state == "approved"


def test_a_crlf_postmortem_keeps_its_front_matter_through_review(
    people: dict[str, Any], settings: Any
) -> None:
    from postmortems.document import parse
    from postmortems.server.workflow import services

    with_settings(settings, review_approvals=("*:1",))
    pm = _in_review(people, clean_text("PM-CRLF").replace("\n", "\r\n"))
    assert services.approve(pm, people["bob"], now=NOW) is not None
    pm.refresh_from_db()
    assert pm.text.startswith("---\r\n")
    assert pm.text.count("---\r\n") == 2
    meta = parse(pm.text).meta
    assert (meta.title, meta.status.value, meta.reviewers) == (
        parse(clean_text()).meta.title,
        "approved",
        ("bob",),
    )
