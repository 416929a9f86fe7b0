"""Never fail twice on the server: approving a repeat of an incident with open corrective items."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from workflow_fixtures import NOW, clean_text, with_settings

from postmortems.server.library import store
from postmortems.server.workflow import services
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import ActionItem, Event, ReviewRequest

pytestmark = pytest.mark.django_db


def earlier(key: str, **kw: Any) -> str:
    """The same failure a year before (its date moved back)."""
    return clean_text(key, status="published", **kw).replace("2024-02-12", "2023-02-12")


@pytest.fixture
def review(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    with_settings(settings, review_approvals=("*:1",))
    people = {"alice": make_user("alice", "author"), "bob": make_user("bob", "reviewer")}
    store.create(earlier("PM-OLD"), None)
    pm = store.create(clean_text("PM-NEW", status="in-review"), None).postmortem
    ReviewRequest.objects.create(postmortem=pm, reviewer=people["bob"], created=NOW)
    return {**people, "pm": pm}


def test_the_approval_waits_for_the_acknowledgement_and_records_it(review: dict[str, Any]) -> None:
    pm, bob = review["pm"], review["bob"]
    with pytest.raises(WorkflowError, match="PM-OLD") as refused:
        services.approve(pm, bob, now=NOW)
    assert "2 open action items" in str(refused.value)
    pm.refresh_from_db()
    assert pm.status == "in-review"
    services.approve(pm, bob, now=NOW, acknowledged=True)
    pm.refresh_from_db()
    assert pm.status == "approved"
    [ack] = Event.objects.filter(postmortem=pm, transition="acknowledge-repeat")
    assert ack.actor == bob
    assert "PM-OLD" in ack.note


def test_no_acknowledgement_once_the_earlier_items_are_done(review: dict[str, Any]) -> None:
    ActionItem.objects.filter(postmortem__key="PM-OLD").update(status=ActionItem.State.DONE)
    services.approve(review["pm"], review["bob"], now=NOW)
    review["pm"].refresh_from_db()
    assert review["pm"].status == "approved"
    assert not Event.objects.filter(transition="acknowledge-repeat").exists()


def test_an_unrelated_earlier_incident_is_no_repeat(make_user: Any, settings: Any) -> None:
    from tests.server.conftest import doc_text

    with_settings(settings, review_approvals=("*:1",))
    bob = make_user("bob", "reviewer")
    other = (
        doc_text("PM-DISK", title="Search cluster stopped indexing")
        .replace("2024-02-12", "2023-02-12")
        .replace("[checkout-api, nginx]", "[search]")
        .replace("checkout returned 502s to 75% of users; the certificate expired", "no indexing")
        .replace("The TLS certificate expired. We renewed it.", "The elasticsearch disk filled up.")
        .replace("Automate certificate renewal", "Alert on disk usage")
    )
    store.create(other, None)
    assert ActionItem.objects.filter(postmortem__key="PM-DISK", status="open").count() == 1
    pm = store.create(clean_text("PM-NEW", status="in-review"), None).postmortem
    ReviewRequest.objects.create(postmortem=pm, reviewer=bob, created=NOW)
    services.approve(pm, bob, now=NOW)
    pm.refresh_from_db()
    assert pm.status == "approved"


def test_a_restricted_earlier_incident_is_not_named_to_an_outsider(
    make_user: Any, settings: Any
) -> None:
    with_settings(settings, review_approvals=("*:1",))
    bob = make_user("bob", "reviewer", team="sre")
    secret = earlier("PM-SECRET").replace(
        "tags: [tls]", "tags: [tls]\nrestricted: true\nteams: [red]"
    )
    store.create(secret, None)
    pm = store.create(clean_text("PM-NEW", status="in-review"), None).postmortem
    ReviewRequest.objects.create(postmortem=pm, reviewer=bob, created=NOW)
    services.approve(pm, bob, now=NOW)  # nothing to acknowledge that bob may see
    pm.refresh_from_db()
    assert pm.status == "approved"


def test_the_approve_form_asks_for_the_acknowledgement(review: dict[str, Any]) -> None:
    client = Client()
    client.force_login(review["bob"])
    page = BeautifulSoup(client.get("/p/PM-NEW/").content, "html.parser")
    box = page.select_one("fieldset.repeat input[name=acknowledge_repeat]")
    assert box is not None
    assert "PM-OLD" in page.select_one("fieldset.repeat").get_text()
    form = box.find_parent("form")
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    refused = client.post(form["action"], data, follow=True)
    assert "repeats an earlier incident" in refused.content.decode()
    review["pm"].refresh_from_db()
    assert review["pm"].status == "in-review"
    client.post(form["action"], {**data, "acknowledge_repeat": "1"})
    review["pm"].refresh_from_db()
    assert review["pm"].status == "approved"


def test_no_acknowledgement_box_beside_an_approval_already_given(
    review: dict[str, Any], make_user: Callable[..., Any], settings: Any
) -> None:
    """Two approvals needed: once bob approved (acknowledging the repeat), his disabled Approve
    button comes without the box asking him to acknowledge it again."""
    with_settings(settings, review_approvals=("*:2",))
    dan = make_user("dan", "reviewer")
    ReviewRequest.objects.create(postmortem=review["pm"], reviewer=dan, created=NOW)
    client = Client()
    client.force_login(review["bob"])
    before = BeautifulSoup(client.get("/p/PM-NEW/").content, "html.parser")
    assert before.select_one("fieldset.repeat") is not None
    services.approve(review["pm"], review["bob"], now=NOW, acknowledged=True)
    review["pm"].refresh_from_db()
    assert review["pm"].status == "in-review"
    after = BeautifulSoup(client.get("/p/PM-NEW/").content, "html.parser")
    assert after.select_one("button[data-move=approve]").has_attr("disabled")
    assert after.select_one("fieldset.repeat") is None


def test_an_approval_lints_the_text_once(make_user: Callable[..., Any], settings: Any) -> None:
    """The approval's own check, the guard of the move and the move itself all ask for the lint
    errors: the text is parsed once for them."""
    from parses import count_parses

    with_settings(settings, review_approvals=("*:1",))
    bob = make_user("bob", "reviewer")
    pm = store.create(clean_text("PM-ONE", status="in-review"), None).postmortem
    ReviewRequest.objects.create(postmortem=pm, reviewer=bob, created=NOW)
    with count_parses() as parses:
        services.approve(pm, bob, now=NOW)
    pm.refresh_from_db()
    assert pm.status == "approved"
    assert parses.count("PM-ONE.md") == 1, parses  # the save of a person parses in its sandbox


def _recurred_notice(user: Any) -> Any:
    client = Client()
    client.force_login(user)
    return BeautifulSoup(client.get("/p/PM-OLD/").content, "html.parser").select_one("#recurred")


def test_the_earlier_postmortem_says_it_happened_again_to_those_who_may_read_the_later(
    review: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    assert _recurred_notice(review["alice"]) is None  # before the acknowledgement: nothing
    services.approve(review["pm"], review["bob"], now=NOW, acknowledged=True)
    viewer = make_user("vera", "viewer")
    for reader in (review["alice"], viewer):  # the writer's panel and the viewer's read-only one
        notice = _recurred_notice(reader)
        assert notice is not None, reader
        [row] = notice.select("li[data-recurred]")
        assert row["data-recurred"] == "PM-NEW"
        assert row.a["href"] == "/p/PM-NEW/"
        assert "acknowledged by bob" in row.get_text()
        assert row.time["datetime"].startswith(NOW.date().isoformat())
        assert "the action items below would have prevented it" in notice.get_text(" ", strip=True)
    # The later postmortem made restricted to another team: its readers only are told.
    review["pm"].restricted = True
    review["pm"].save()
    outsider = make_user("olga", "author", team="red")
    assert _recurred_notice(outsider) is None
    assert _recurred_notice(make_user("root", "admin", superuser=True)) is not None


def test_a_repeat_marked_not_a_repeat_after_all_no_longer_says_it_happened_again(
    review: dict[str, Any], make_user: Callable[..., Any], settings: Any
) -> None:
    from postmortems.server.workflow import repeats
    from postmortems.server.workflow.models import Recurrence

    with_settings(settings, review_approvals=("*:2",))
    services.approve(review["pm"], review["bob"], now=NOW, acknowledged=True)
    assert Recurrence.objects.filter(earlier__key="PM-OLD").count() == 1
    carol = make_user("carol", "reviewer")
    repeats.dismiss(review["pm"], carol, "PM-OLD", "in-review", NOW)
    assert not Recurrence.objects.exists()
    assert _recurred_notice(review["alice"]) is None
