"""Editing an approved (or published) postmortem sends it back to review: the editor says so
before the save, the page after it, and its reviewers are asked again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from workflow_fixtures import NOW, cast, clean_text

WARNING = (
    "Saving changes will send this {state} postmortem back to review; approvals will be asked "
    "again (ticking an action item done, or its owner or due date, does not)."
)


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, Any]:
    return cast(make_user, {"alice": "author", "bob": "reviewer"})


def _approved(people: dict[str, Any], status: str = "approved") -> Any:
    """Alice's postmortem, approved by bob."""
    from postmortems.server.library import store
    from postmortems.server.workflow import services

    pm = store.create(clean_text(severity="SEV3"), people["alice"]).postmortem
    services.request_review(pm, people["alice"], [people["bob"]], now=NOW)
    pm.refresh_from_db()
    services.approve(pm, people["bob"], now=NOW)
    if status == "published":
        pm.refresh_from_db()
        services.transition(pm, people["alice"], "publish", now=NOW)
    pm.refresh_from_db()
    assert pm.status == status
    return pm


def _editor(client: Any, key: str) -> BeautifulSoup:
    response = client.get(f"/p/{key}/edit/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("status", ["approved", "published"])
def test_the_editor_warns_before_the_save(client: Any, people: dict[str, Any], status: str) -> None:
    pm = _approved(people, status)
    client.force_login(people["alice"])
    page = _editor(client, pm.key)
    [notice] = page.select(".edit-notice")  # at the top, before the author starts
    assert notice.get_text() == WARNING.format(state=status)
    beside = page.select_one("#" + page.select_one("#save")["aria-describedby"])
    assert beside.get_text().strip() == WARNING.format(state=status)  # and beside Save


def test_a_draft_s_editor_does_not_warn(client: Any, people: dict[str, Any]) -> None:
    from postmortems.server.library import store

    pm = store.create(clean_text(), people["alice"]).postmortem
    client.force_login(people["alice"])
    page = _editor(client, pm.key)
    assert not page.select(".edit-notice")
    assert not page.select_one("#save").has_attr("aria-describedby")


def test_the_save_says_it_went_back_to_review_and_asks_the_reviewers_again(
    client: Any, people: dict[str, Any]
) -> None:
    from postmortems.server.workflow.models import Delivery

    pm = _approved(people)
    asked_before = Delivery.objects.filter(kind="review-requested").count()
    client.force_login(people["alice"])
    text = pm.text.replace("Bob joins the bridge.", "Bob and Carol join the bridge.")
    saved = client.post(
        f"/p/{pm.key}/edit/", {"text": text, "base_version": pm.version}, follow=True
    )
    said = BeautifulSoup(saved.content, "html.parser").select_one("#messages").get_text()
    assert "Saved. The changes sent this approved postmortem back to review" in said
    assert "its reviewers are asked to approve it again" in said
    pm.refresh_from_db()
    assert pm.status == "in-review"
    assert Delivery.objects.filter(kind="review-requested").count() == asked_before + 1


def test_ticking_an_item_done_says_nothing_of_review(client: Any, people: dict[str, Any]) -> None:
    pm = _approved(people)
    client.force_login(people["alice"])
    text = pm.text.replace("- [ ] Automate", "- [x] Automate")
    assert text != pm.text
    saved = client.post(
        f"/p/{pm.key}/edit/", {"text": text, "base_version": pm.version}, follow=True
    )
    assert "back to review" not in saved.content.decode()
    pm.refresh_from_db()
    assert pm.status == "approved"
