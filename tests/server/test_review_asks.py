"""Asking for a review: the request form says how many approvals the severity needs, and a
request that could never gather them (fewer reviewers asked than approvals needed, while more
could be asked) is refused beside the form, nobody asked, the boxes ticked kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from workflow_fixtures import NOW, cast, clean_text, page_of, with_settings

from postmortems.server.workflow.errors import WorkflowError


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return cast(make_user, {"alice": "author", "bob": "reviewer", "dan": "reviewer"})


def _panel(client: Any, key: str) -> BeautifulSoup:
    return page_of(client, key).select_one("#workflow")


def test_a_sev2_asked_of_one_reviewer_is_refused_and_nobody_is_asked(
    people: dict[str, Any],
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services
    from postmortems.server.workflow.models import Delivery, ReviewRequest

    pm = store.create(clean_text(severity="SEV2"), people["alice"]).postmortem  # SEV2: 2
    with pytest.raises(WorkflowError, match=r"needs 2 approvals: ask at least 2 reviewers \(1 "):
        services.request_review(pm, people["alice"], [people["bob"]], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "draft"
    assert not ReviewRequest.objects.filter(postmortem=pm).exists()  # bob was not asked
    assert not Delivery.objects.filter(kind="review-requested").exists()  # nor told
    services.request_review(pm, people["alice"], [people["bob"], people["dan"]], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "in-review"


def test_when_fewer_may_review_than_it_needs_all_of_them_are_enough(
    make_user: Callable[..., Any],
) -> None:
    """Only bob may review it: refusing would leave it a draft for ever (an admin approves)."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    alice, bob = make_user("alice", "author"), make_user("bob", "reviewer")
    pm = store.create(clean_text(severity="SEV1"), alice).postmortem
    services.request_review(pm, alice, [bob], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "in-review"


def test_resubmitting_counts_the_reviewers_still_asked(
    people: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    """Back from changes requested with one of the two reviewers gone (declined): the author
    asks another before the new round starts."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    carol = make_user("carol", "reviewer")  # one more who may be asked
    pm = store.create(clean_text(), people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"], people["dan"]], now=NOW)
    pm.refresh_from_db()
    services.request_changes(pm, people["bob"], now=NOW, note="Add the 04:30 page.")
    services.answer(pm, people["dan"], False, now=NOW)  # dan declines
    pm.refresh_from_db()
    with pytest.raises(WorkflowError, match=r"ask at least 2 reviewers \(1 asked\)"):
        services.request_review(pm, people["alice"], [], now=NOW)
    services.request_review(pm, people["alice"], [carol], now=NOW)
    pm.refresh_from_db()
    assert pm.status == "in-review"


def test_the_request_form_says_what_the_severity_needs(
    client: Any, people: dict[str, Any], settings: Any
) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(severity="SEV2"), people["alice"]).postmortem
    client.force_login(people["alice"])
    form = _panel(client, pm.key).select_one("form.move:has(button[data-move=request-review])")
    assert form.select_one(".needs").get_text() == (
        "Needs 2 approvals (SEV2), has 0; ask at least 2 reviewers."
    )
    assert form.select_one("fieldset.reviewers")["aria-describedby"] == "needs-request-review"
    with_settings(settings, review_approvals=("*:1",))
    form = _panel(client, pm.key).select_one("form.move:has(button[data-move=request-review])")
    assert form.select_one(".needs").get_text() == (
        "Needs 1 approval (SEV2), has 0; ask at least 1 reviewer."
    )


def test_a_request_short_of_reviewers_is_said_beside_the_form_with_the_boxes_kept(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(severity="SEV2"), people["alice"]).postmortem
    client.force_login(people["alice"])
    url = f"/p/{pm.key}/workflow/move/"
    refused = client.post(url, {"transition": "request-review", "reviewer": ["bob"]})
    assert refused["Location"].startswith(f"/p/{pm.key}/#")
    form = _panel(client, pm.key).select_one("form.move:has(button[data-move=request-review])")
    said = form.select_one(".field-error").get_text()
    assert said == "it needs 2 approvals: ask at least 2 reviewers (1 asked)"
    ticked = [box["value"] for box in form.select("input[name=reviewer][checked]")]
    assert ticked == ["bob"]  # what was ticked is kept
    pm.refresh_from_db()
    assert pm.status == "draft"
    client.post(url, {"transition": "request-review", "reviewer": ["bob", "dan"]})
    pm.refresh_from_db()
    assert pm.status == "in-review"


def test_in_review_the_panel_says_how_far_the_approvals_are(
    client: Any, people: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    """An admin asked one reviewer of a SEV2 on the author's behalf (a review may also reach
    in-review with one reviewer from before this rule): the author is told to ask another."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    pm = store.create(clean_text(status="in-review"), None).postmortem
    pm.created_by = people["alice"]
    pm.save(update_fields=["created_by"])
    services.request_review(pm, people["alice"], [people["bob"]], now=NOW)  # in review: added
    carol = make_user("carol", "reviewer")
    client.force_login(people["alice"])
    panel = _panel(client, pm.key)
    assert panel.select_one("#needs-add-reviewers").get_text() == (
        "Needs 2 approvals (SEV2), has 0; 1 reviewer asked: ask at least 1 more."
    )
    assert "0 of 2 approvals" in panel.select_one("h3 .approvals").get_text()
    services.approve(pm, people["bob"], now=NOW)
    client.force_login(people["bob"])
    assert "1 of 2 approvals" in _panel(client, pm.key).select_one("h3 .approvals").get_text()
    # carol sends it back: bob's approval was this round's, which is over (a resubmit clears it).
    services.request_review(pm, people["alice"], [carol], now=NOW)
    services.request_changes(pm, carol, now=NOW, note="say the % of users")
    panel = _panel(client, pm.key)
    assert panel.select_one("h3 .approvals").get_text() == (
        "round over: resubmitting starts a new one, which needs 2 approvals"
    )
    said = panel.select_one("li[data-reviewer=bob]").get_text()
    assert said == "bob: accepted, approved in the last round"


def test_an_approval_short_of_enough_says_how_many_there_are(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    pm = store.create(clean_text(severity="SEV2"), people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"], people["dan"]], now=NOW)
    client.force_login(people["bob"])
    page = client.post(f"/p/{pm.key}/workflow/move/", {"transition": "approve"}, follow=True)
    said = BeautifulSoup(page.content, "html.parser").select_one("#workflow-said").get_text()
    assert "approval recorded: 1 of 2" in said


def test_the_page_approves_the_revision_it_showed_not_one_saved_since(
    client: Any, people: dict[str, Any], settings: Any
) -> None:
    """The author saves while the reviewer reads: the reviewer's Approve, from the page of the
    revision before, approves nothing and says what changed; from the page as it is now, it
    approves."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    with_settings(settings, review_approvals=("*:1",))
    pm = store.create(clean_text(), people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"]], now=NOW)
    client.force_login(people["bob"])
    approve = _panel(client, pm.key).select_one("form.move:has(button[data-move=approve])")
    shown = {i["name"]: i.get("value", "") for i in approve.select("input[type=hidden]")}
    pm.refresh_from_db()
    assert shown["version"] == str(pm.version)
    store.update(pm.key, pm.text + "\nOne more line.\n", people["alice"], base_version=pm.version)
    client.post(f"/p/{pm.key}/workflow/move/", shown)
    pm.refresh_from_db()
    assert pm.status == "in-review"
    said = _panel(client, pm.key).select_one("form.move:has(button[data-move=approve])")
    assert "changed since you read it" in said.select_one(".field-error").get_text()
    again = {i["name"]: i.get("value", "") for i in said.select("input[type=hidden]")}
    client.post(f"/p/{pm.key}/workflow/move/", again)
    pm.refresh_from_db()
    assert pm.status == "approved"
