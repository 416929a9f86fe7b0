"""`pm serve --demo`: a library that looks like a team's, made from the written examples."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from postmortems.server import demo
from postmortems.server.demo.story import shift_dates
from postmortems.server.library.models import Postmortem
from postmortems.server.workflow.models import ActionItem, Comment, Event, ReviewRequest

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = dt.date(2026, 3, 10)


def test_the_demo_library_looks_like_a_teams() -> None:
    demo.load(today=TODAY)
    pms = list(Postmortem.objects.all())
    assert 8 <= len(pms) <= 12
    assert all(pm.title and not pm.title.startswith("Untitled") for pm in pms)
    assert all(pm.severity and pm.label_values.get("services") for pm in pms)
    statuses = {pm.status for pm in pms}
    assert statuses >= {"draft", "in-review", "changes-requested", "approved", "published"}
    dates = [pm.incident_date for pm in pms]
    assert all(d is not None and TODAY - dt.timedelta(days=150) < d <= TODAY for d in dates), dates
    accounts = set(get_user_model().objects.values_list("username", flat=True))
    owners = set(ActionItem.objects.values_list("owner", flat=True))
    assert owners
    assert owners <= accounts
    open_items = ActionItem.objects.exclude(status__in=["done", "wont-do"])
    assert 2 <= open_items.filter(due__lt=TODAY).count() < open_items.count()
    assert ReviewRequest.objects.filter(state="requested").exists()
    assert Comment.objects.filter(line__isnull=False).exists()
    published = Postmortem.objects.get(key="PM-DEMO-001")
    history = Event.objects.filter(postmortem=published).order_by("created")
    assert [(e.transition, e.to_state) for e in history] == [
        ("request-review", "in-review"),
        ("approval", "in-review"),  # SEV2: the first of two approvals
        ("approve", "approved"),
        ("publish", "published"),
    ]


def test_the_demo_shows_the_review_rules_working() -> None:
    """No demo postmortem is in a state the workflow would refuse: one in review has as many
    reviewers asked as its severity needs approvals (or all who may review it) and fewer
    approvals than that; an approved or published one has the approvals it needs, each in its
    history."""
    from postmortems.document.model import Status
    from postmortems.server.workflow import lifecycle, services
    from postmortems.server.workflow.lifecycle import Who

    demo.load(today=TODAY)
    asking = lifecycle.find("request-review", Status.DRAFT)
    assert asking is not None
    seen = set()
    for pm in Postmortem.objects.filter(key__startswith="PM-DEMO-"):
        reviews = services.active_reviews(pm)
        got, needed = services.approvals(pm, reviews), services.required_approvals(pm)
        approvals = Event.objects.filter(postmortem=pm, transition__in=["approval", "approve"])
        if pm.status == "in-review":
            could = len(reviews) + len(services.reviewer_candidates(pm))
            facts = lifecycle.Facts(required=needed, reviewers=len(reviews), could_ask=could)
            assert lifecycle.refusals(asking, frozenset({Who.AUTHOR}), facts) == [], pm.key
            assert got < needed, pm.key  # else it would be approved
        elif pm.status in ("approved", "published"):
            assert got >= needed, pm.key
        assert approvals.count() == got, pm.key
        seen.add((pm.status, needed, got))
    assert ("in-review", 2, 1) in seen  # PM-DEMO-004 waits for its second approval
    sec = Postmortem.objects.get(key="PM-DEMO-SEC-1")
    asked = {r.reviewer.username for r in services.active_reviews(sec)}
    assert asked == {"noor", "admin"}  # all who may review it beside its author


def test_loading_again_changes_nothing() -> None:
    demo.load(today=TODAY)
    before = [(pm.key, pm.version) for pm in Postmortem.objects.order_by("key")]
    demo.load(today=TODAY + dt.timedelta(days=3))
    assert [(pm.key, pm.version) for pm in Postmortem.objects.order_by("key")] == before


def test_dates_move_with_today() -> None:
    text = "started: 2025-05-21T10:12-04:00\nOn May 21, 2025 at 10:12 (due: 2025-06-01)"
    moved = shift_dates(text, 10)
    assert moved == "started: 2025-05-31T10:12-04:00\nOn May 31, 2025 at 10:12 (due: 2025-06-11)"


def test_dates_moved_across_daylight_saving_keep_their_wall_times_and_name_the_new_offset() -> None:
    text = (
        "timezone: America/Los_Angeles\nstarted: 2025-02-12T04:00-08:00\n"
        "From 04:00 to 06:30 PST on February 12, 2025; the 07:00-08:00 window.\n"
        "- 04:07 PST - Paged\n"
    )
    assert shift_dates(text, 185) == (
        "timezone: America/Los_Angeles\nstarted: 2025-08-16T04:00-07:00\n"
        "From 04:00 to 06:30 PDT on August 16, 2025; the 07:00-08:00 window.\n"
        "- 04:07 PDT - Paged\n"
    )
    berlin = "timezone: Europe/Berlin\nstarted: 2025-03-04T18:20+01:00\n- 18:31 CET - alert"
    assert shift_dates(berlin, 30) == (
        "timezone: Europe/Berlin\nstarted: 2025-04-03T18:20+02:00\n- 18:31 CEST - alert"
    )
    utc = "timezone: UTC\nstarted: 2025-04-08T09:00Z\n- 09:05 UTC - alert"
    assert shift_dates(utc, 120) == "timezone: UTC\nstarted: 2025-08-06T09:00Z\n- 09:05 UTC - alert"


def test_the_login_page_of_a_demo_names_the_accounts_to_try(
    settings: object, client: object
) -> None:
    from tests.server.workflow_fixtures import with_settings

    assert "demo-postmortems" not in client.get("/login/").content.decode()  # type: ignore[attr-defined]
    with_settings(settings, demo=True)
    page = client.get("/login/").content.decode()  # type: ignore[attr-defined]
    assert "<code>demo</code> / <code>demo-postmortems</code> (author)" in page
    assert "<code>priya</code>" in page


def test_the_demo_has_on_call_and_incidents_with_their_timelines() -> None:
    from postmortems.oncall.evaluate import on_call
    from postmortems.server.incidents.models import Incident
    from postmortems.server.oncall import store

    demo.load(today=TODAY)
    schedules = store.load_schedules()
    accounts = set(get_user_model().objects.values_list("username", flat=True))
    now = dt.datetime.now(dt.UTC)
    for schedule in schedules.values():
        assert set(on_call(schedule, now)) <= accounts
        assert on_call(schedule, now)
    assert store.load_policies()
    statuses = sorted(Incident.objects.values_list("status", flat=True))
    assert statuses == ["investigating", "resolved", "resolved"]
    ongoing = Incident.objects.get(status="investigating")
    done = Incident.objects.get(title__startswith="Search API timeouts")
    assert done.postmortem_id is None  # "Write the postmortem" is there to try
    assert done.resolved is not None
    assert done.detected is not None
    assert done.detected <= done.resolved
    kinds = list(ongoing.events.values_list("kind", flat=True))
    assert kinds.count("alert-fired") == 2
    assert done.events.filter(misleading=True).exists()
    assert done.events.filter(key_moment=True).count() >= 2
    demo.load(today=TODAY)  # again: nothing more
    assert Incident.objects.count() == 3


def test_the_demo_has_alerts_waiting_in_the_inbox() -> None:
    """The inbox is not empty in `pm serve --demo`: two warnings routing sent to no incident,
    which priya (a reviewer of team sre) may open an incident from, attach or dismiss."""
    from postmortems.server.accounts.access import access_of
    from postmortems.server.incidents import rights
    from postmortems.server.incidents.models import Alert

    demo.load(today=TODAY)
    priya = access_of(get_user_model().objects.get(username="priya"))
    waiting = list(rights.inbox(priya))
    assert len(waiting) == 2
    assert {a.severity for a in waiting} == {"SEV4"}
    assert all(rights.handles(priya, a) for a in waiting)
    assert rights.changeable(priya).filter(status="investigating").exists()
    demo.load(today=TODAY)  # again: nothing more
    assert Alert.objects.filter(incident__isnull=True).count() == 2
