"""The repeat check at approval rests on the causes: a shared service and everyday words are no
repeat, the reviewer may mark a flagged match "not a repeat" (and take it back), the earlier
postmortem is a link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from workflow_fixtures import NOW, clean_text, with_settings

from postmortems.server import demo
from postmortems.server.accounts.access import access_of
from postmortems.server.insights import figures
from postmortems.server.library import store
from postmortems.server.workflow import services
from postmortems.server.workflow.errors import WorkflowError
from postmortems.server.workflow.models import Event, NotARepeat, ReviewRequest

pytestmark = pytest.mark.django_db
HERE = Path(__file__).resolve().parent
# An earlier search incident: the indexer skipped the rows of a renamed column (items open).
INDEXER = (Path(demo.__file__).parent / "postmortems" / "003-search-index-lag.md").read_text(
    encoding="utf-8"
)
# A later one of the same services, drafted from an incident, whose cause is a renamed facet
# parameter: the UX walk's false repeat.
FACET = (HERE / "facet_release.md").read_text(encoding="utf-8")


def in_review(text: str, reviewer: Any) -> Any:
    pm = store.create(text, None).postmortem
    ReviewRequest.objects.create(postmortem=pm, reviewer=reviewer, created=NOW)
    return pm


def test_a_shared_service_and_everyday_words_are_no_repeat(
    make_user: Callable[..., Any], settings: Any
) -> None:
    with_settings(settings, review_approvals=("*:1",))
    bob = make_user("bob", "reviewer")
    store.create(INDEXER, None)
    pm = in_review(FACET, bob)
    services.approve(pm, bob, now=NOW)  # nothing to acknowledge
    pm.refresh_from_db()
    assert pm.status == "approved"
    assert not Event.objects.filter(transition="acknowledge-repeat").exists()


def test_the_same_cause_under_other_service_names_is_a_repeat(
    make_user: Callable[..., Any], settings: Any
) -> None:
    """What the check reads is the cause: the same failure of another service still counts."""
    with_settings(settings, review_approvals=("*:1",))
    bob = make_user("bob", "reviewer")
    earlier = FACET.replace("id: PM-FACET", "id: PM-FACET-OLD").replace("2025-06-10", "2025-02-03")
    store.create(earlier.replace("[api-gateway, search]", "[edge-proxy, catalog]"), None)
    pm = in_review(FACET, bob)
    with pytest.raises(WorkflowError, match="PM-FACET-OLD"):
        services.approve(pm, bob, now=NOW)


def earlier(key: str, extra: str = "") -> str:
    """The example postmortem a year before (its items open), perhaps with more front matter."""
    text = clean_text(key, status="published").replace("2024-02-12", "2023-02-12")
    return text.replace("tags: [tls]", f"tags: [tls]{extra}")


@pytest.fixture
def flagged(make_user: Callable[..., Any], settings: Any) -> dict[str, Any]:
    """PM-NEW in review, flagged as a repeat of PM-OLD; bob reviews it, alice wrote it."""
    with_settings(settings, review_approvals=("*:1",))
    people = {"alice": make_user("alice", "author"), "bob": make_user("bob", "reviewer")}
    store.create(earlier("PM-OLD"), None)
    return {**people, "pm": in_review(clean_text("PM-NEW", status="in-review"), people["bob"])}


def repeat_box(client: Client, key: str) -> Any:
    page = BeautifulSoup(client.get(f"/p/{key}/").content, "html.parser")
    return page, page.select_one("fieldset.repeat")


def test_the_reviewer_marks_a_flagged_match_not_a_repeat_and_approves(
    flagged: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(flagged["bob"])
    page, box = repeat_box(client, "PM-NEW")
    link = box.select_one("li[data-repeat=PM-OLD] a")
    assert link["href"] == "/p/PM-OLD/"  # the earlier postmortem, one click away
    button = box.select_one("li[data-repeat=PM-OLD] button")
    form = page.select_one(f"form#{button['form']}")  # its own form: Enter still approves
    assert button.find_parent("form") is not form
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    client.post(form["action"], {**data, button["name"]: button["value"]})

    [event] = Event.objects.filter(postmortem=flagged["pm"], transition="not-a-repeat")
    assert event.actor == flagged["bob"]
    assert event.note.startswith("not a repeat of PM-OLD (")
    page, box = repeat_box(client, "PM-NEW")
    assert box is None
    history = page.select_one("ol.history").get_text(" ", strip=True)
    assert "bob" in history
    assert "not a repeat of PM-OLD" in history
    services.approve(flagged["pm"], flagged["bob"], now=NOW)  # no acknowledgement asked
    flagged["pm"].refresh_from_db()
    assert flagged["pm"].status == "approved"
    fig = figures.compute(access_of(flagged["bob"]), figures.Scope(), NOW)
    assert (fig.repeats_checked, fig.repeats_flagged) == (1, 0)  # out of the repeat rate


def test_only_a_reviewer_marks_only_a_flagged_match(
    flagged: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    store.create(earlier("PM-OTHER").replace("- [ ]", "- [x]"), None)  # its items done
    with pytest.raises(WorkflowError, match="only a reviewer"):
        services.not_a_repeat(flagged["pm"], flagged["alice"], "PM-OLD", now=NOW)
    for key in ("PM-OTHER", "PM-NOPE", "PM-NEW"):
        with pytest.raises(WorkflowError, match=f"{key} is not flagged"):
            services.not_a_repeat(flagged["pm"], flagged["bob"], key, now=NOW)
    assert not NotARepeat.objects.exists()
    client = Client()
    client.force_login(flagged["bob"])
    refused = client.post("/p/PM-NEW/workflow/not-a-repeat/", {"earlier": "PM-NOPE"}, follow=True)
    assert refused.status_code == 200
    assert "PM-NOPE is not flagged" in refused.content.decode()
    assert client.post("/p/PM-NEW/workflow/not-a-repeat/", {}).status_code == 400


def post_button(client: Client, page: Any, button: Any) -> Any:
    """Press ``button``, which submits the form its ``form`` attribute names."""
    form = page.select_one(f"form#{button['form']}")
    data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], {**data, button["name"]: button["value"]}, follow=True)


def test_the_reviewer_takes_back_not_a_repeat_and_the_match_is_flagged_again(
    flagged: dict[str, Any],
) -> None:
    pm, bob = flagged["pm"], flagged["bob"]
    client = Client()
    client.force_login(bob)
    page, box = repeat_box(client, "PM-NEW")
    assert page.select_one("fieldset.marked-not-repeat") is None  # nothing marked yet
    post_button(client, page, box.select_one("li[data-repeat=PM-OLD] button"))
    page, box = repeat_box(client, "PM-NEW")
    assert box is None
    marked = page.select_one("fieldset.marked-not-repeat li[data-not-repeat=PM-OLD]")
    assert marked.select_one("a")["href"] == "/p/PM-OLD/"
    assert "marked by bob" in marked.get_text(" ", strip=True)
    button = marked.select_one("button")
    assert button.get_text(" ", strip=True) == "It is a repeat after all (PM-OLD)"
    assert button.find_parent("form") is not page.select_one(f"form#{button['form']}")

    answer = post_button(client, page, button)
    assert answer.status_code == 200
    assert not NotARepeat.objects.exists()
    [event] = Event.objects.filter(postmortem=pm, transition="repeat-after-all")
    assert event.actor == bob
    assert event.note.startswith("flagged again as a repeat of PM-OLD (")
    assert (event.from_state, event.to_state) == ("in-review", "in-review")
    page, box = repeat_box(client, "PM-NEW")
    assert box.select_one("li[data-repeat=PM-OLD]") is not None  # asked about again
    assert page.select_one("fieldset.marked-not-repeat") is None
    history = [li.get_text(" ", strip=True) for li in page.select("ol.history li")]
    assert "bob" in history[-1]
    assert "flagged again as a repeat of PM-OLD" in history[-1]
    assert "not a repeat of PM-OLD" in history[-2]  # both decisions stay in the history
    with pytest.raises(WorkflowError, match="PM-OLD"):  # the approval asks again
        services.approve(pm, bob, now=NOW)
    services.approve(pm, bob, now=NOW, acknowledged=True)
    assert Event.objects.filter(postmortem=pm, transition="acknowledge-repeat").exists()


def test_only_who_may_mark_it_takes_not_a_repeat_back(
    flagged: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    pm, bob = flagged["pm"], flagged["bob"]
    vera = make_user("vera", "viewer")
    with pytest.raises(WorkflowError, match="PM-OLD is not marked"):  # nothing marked yet
        services.a_repeat_after_all(pm, bob, "PM-OLD", now=NOW)
    services.not_a_repeat(pm, bob, "PM-OLD", now=NOW)
    for who in (flagged["alice"], vera):
        with pytest.raises(WorkflowError, match="only a reviewer"):
            services.a_repeat_after_all(pm, who, "PM-OLD", now=NOW)
    client = Client()
    client.force_login(vera)
    page = BeautifulSoup(client.get("/p/PM-NEW/").content, "html.parser")
    assert page.select_one("fieldset.marked-not-repeat") is None  # a viewer is offered nothing
    refused = client.post(
        "/p/PM-NEW/workflow/repeat-after-all/", {"earlier": "PM-OLD"}, follow=True
    )
    assert refused.status_code == 200
    assert "only a reviewer who may approve it decides what it repeats" in refused.content.decode()
    for key in ("PM-NOPE", "PM-NEW"):
        with pytest.raises(WorkflowError, match=f"{key} is not marked"):
            services.a_repeat_after_all(pm, bob, key, now=NOW)
    assert NotARepeat.objects.count() == 1
    assert not Event.objects.filter(transition="repeat-after-all").exists()
    client.force_login(bob)
    assert client.post("/p/PM-NEW/workflow/repeat-after-all/", {}).status_code == 400
    services.approve(pm, bob, now=NOW)  # approved without the repeat: decided in review only
    pm.refresh_from_db()
    with pytest.raises(WorkflowError, match="decided while it is in review"):
        services.a_repeat_after_all(pm, bob, "PM-OLD", now=NOW)


def test_a_restricted_earlier_one_is_linked_for_its_team_and_never_named_to_others(
    make_user: Callable[..., Any], settings: Any
) -> None:
    from postmortems.server.accounts.models import set_role

    with_settings(settings, review_approvals=("*:1",))
    bob = make_user("bob", "reviewer")
    set_role(bob, "red", "viewer")  # bob reads the red team's restricted postmortems
    carol = make_user("carol", "reviewer")  # carol does not
    secret = earlier("PM-SECRET", "\nrestricted: true\nteams: [red]")
    store.create(secret.replace("title: Checkout API", "title: Vault breach; checkout API"), None)
    pm = in_review(clean_text("PM-NEW", status="in-review"), bob)
    ReviewRequest.objects.create(postmortem=pm, reviewer=carol, created=NOW)
    client = Client()
    client.force_login(bob)
    _, box = repeat_box(client, "PM-NEW")
    assert box.select_one("li[data-repeat=PM-SECRET] a")["href"] == "/p/PM-SECRET/"
    client.force_login(carol)
    page, box = repeat_box(client, "PM-NEW")
    assert box is None
    assert "PM-SECRET" not in str(page)
    with pytest.raises(WorkflowError, match="PM-SECRET is not flagged"):  # nothing said of it
        services.not_a_repeat(pm, carol, "PM-SECRET", now=NOW)
    services.not_a_repeat(pm, bob, "PM-SECRET", now=NOW)
    client.force_login(carol)
    history = BeautifulSoup(client.get("/p/PM-NEW/").content, "html.parser")
    text = history.select_one("ol.history").get_text(" ", strip=True)
    assert "not a repeat of a restricted postmortem" in text
    assert "Vault" not in str(history)
    assert "PM-SECRET" not in str(history)
    with pytest.raises(WorkflowError, match="PM-SECRET is not marked"):  # nothing said of it
        services.a_repeat_after_all(pm, carol, "PM-SECRET", now=NOW)
    services.a_repeat_after_all(pm, bob, "PM-SECRET", now=NOW)
    history = BeautifulSoup(client.get("/p/PM-NEW/").content, "html.parser")
    text = history.select_one("ol.history").get_text(" ", strip=True)
    assert "flagged again as a repeat of a restricted postmortem" in text
    assert "PM-SECRET" not in str(history)


STATUS_WORDS = {"status", "changed", "identified", "monitoring", "mitigated", "resolved"}
STATUS_WORDS |= {"affected", "paged", "alert", "investigating", "triage", "bst", "incident"}


def test_the_lines_drafted_from_the_incident_are_no_cause(make_user: Callable[..., Any]) -> None:
    """The drafted summary and resolution lines ("api-gateway and search were affected",
    "Mitigated at 16:04 BST: Status changed from identified to monitoring") are searched, but are
    neither a cause nor a reason why two incidents are alike."""
    from postmortems.server.insights import similar
    from postmortems.server.library import fulltext, fulltextindex
    from postmortems.server.library.queries import Filters

    olga = make_user("olga", "author")
    disk = FACET.replace("id: PM-FACET", "id: PM-DISK").replace("2025-06-10", "2025-02-03")
    disk = disk.replace(
        "renamed the facet parameter, and the gateway kept sending the old one",
        "could not write: the data disk was full of old snapshots",
    )
    start = disk.index("Release v2.31 of search-api renamed the facet parameter from")
    end = disk.index("## Corrective")
    disk = (
        disk[:start]
        + "Old snapshots filled the data disk; deleting them fixed it.\n\n"
        + disk[end:]
    )
    store.create(disk, None)
    pm = store.create(FACET, None).postmortem
    parts = fulltextindex.parts_for([pm.pk])[pm.pk]
    assert "facet parameter" in parts.head
    assert "Mitigated at" not in parts.head
    assert "were affected" not in parts.head
    assert "Mitigated at" in parts.body
    hits = fulltext.search(access_of(olga), Filters(), '"were affected"').hits
    assert {h.postmortem.key for h in hits} == {"PM-FACET", "PM-DISK"}  # still found

    found = similar.similar(access_of(olga), similar.target_of(pm), today=NOW.date())
    [match] = [s for s in found if s.postmortem.key == "PM-DISK"]
    said = {w for r in match.reasons if r.startswith("root cause: ") for w in r[12:].split(", ")}
    assert not said & STATUS_WORDS
    assert not said & {"search", "api", "gateway"}  # shown as shared services
    assert "shared service: search" in match.reasons
    assert not set(match.cause_words) & STATUS_WORDS


CERTIFICATE = (
    Path(demo.__file__).parent / "postmortems" / "001-checkout-certificate.md"
).read_text(encoding="utf-8")


def test_the_symptom_and_the_fix_are_not_read_as_a_shared_cause(
    make_user: Callable[..., Any],
) -> None:
    """A 502 is every web outage's symptom and a reload how many are fixed: neither is a reason
    to call two incidents alike (the second reader's false repeat said "error: 502s" and
    "root cause: upstream, reloading, answered, http")."""
    from postmortems.server.insights.similar import similar, target_of

    bob = make_user("bob", "reviewer", team="sre")
    store.create(CERTIFICATE, None)
    later = store.create((HERE / "worker_connections.md").read_text(encoding="utf-8"), None)
    [found] = similar(access_of(bob), target_of(later.postmortem), today=NOW.date())
    assert found.postmortem.key == "PM-DEMO-001"
    assert not [r for r in found.reasons if r.startswith("error: ")]
    assert not {"reloading", "answered", "http", "502s"} & set(found.cause_words)


CDN = (Path(demo.__file__).parent / "postmortems" / "006-cdn-stale-prices.md").read_text(
    encoding="utf-8"
)


def test_what_both_summaries_say_the_users_saw_is_no_shared_cause(
    make_user: Callable[..., Any],
) -> None:
    """The demo's CDN that cached yesterday's prices for a day and its indexer that skipped a
    renamed column are two failures of one shop: their summaries both say what the users saw
    ("product pages", "new products", "prices"), their root causes share no mechanism. Only
    "price", which the CDN's root cause says, is a shared cause word: no repeat, however high
    the score would be."""
    from postmortems.server.insights.similar import reads_as_repeat, similar, target_of

    bob = make_user("bob", "reviewer", team="sre")
    store.create(INDEXER, None)
    later = store.create(CDN, None).postmortem
    [match] = [
        s
        for s in similar(access_of(bob), target_of(later), today=NOW.date())
        if s.postmortem.key == "PM-DEMO-003"
    ]
    assert match.cause_words == ("price",)  # "product" is only what both summaries saw
    assert "root cause: price" in match.reasons  # the panel cites no "product" either
    assert not reads_as_repeat(replace(match, cause_score=0.145))
