"""The admin within the teams' boundaries: a staff user who is not a superuser (an author of team
red, with every admin permission) sees in the change lists, object pages and foreign-key
choices only what the site shows them — never a restricted object of team blue — and changes
or deletes only what their role in red lets them change. A superuser still sees everything."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from oncall_fixtures import admin_errors, admin_form, apply, policy, rotation

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)
APPS = ("oncall", "library", "workflow", "incidents", "accounts")


@pytest.fixture
def rita(make_user: Any) -> Any:
    """Staff, not a superuser: an author of team red with every permission of the apps."""
    from django.contrib.auth.models import Permission

    user = make_user("rita", "author", team="red")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    return user


def _listed(client: Any, app: str, model_name: str) -> set[str]:
    """The rows of a change list, as the admin names them (its first column)."""
    page = client.get(f"/admin/{app}/{model_name}/")
    assert page.status_code == 200, (app, model_name)
    soup = BeautifulSoup(page.content, "html.parser")
    return {th.get_text(" ", strip=True) for th in soup.select("#result_list tbody th")}


def _rows(client: Any, app: str, model_name: str) -> int:
    page = client.get(f"/admin/{app}/{model_name}/")
    assert page.status_code == 200, (app, model_name)
    return len(BeautifulSoup(page.content, "html.parser").select("#result_list tbody tr"))


def _on_call() -> None:
    from postmortems.server.oncall.models import Override, Schedule

    apply(rotation("red-primary", ("rita",), team="red"), source="")
    apply(rotation("blue-open", ("bo",), team="blue"), source="")
    apply(rotation("blue-secret", ("bo",), team="blue"), source="")
    Schedule.objects.filter(name="blue-secret").update(restricted=True)
    apply(policies=(policy("red-page", team="red"), policy("blue-page", team="blue")), source="")
    secret = Schedule.objects.get(name="blue-secret")
    Override.objects.create(schedule=secret, start=NOW, end=NOW + dt.timedelta(hours=1), user="bo")


def test_the_on_call_change_lists_hold_only_what_the_staff_user_may_see(
    client: Any, make_user: Any, rita: Any
) -> None:
    from postmortems.server.oncall.models import Schedule

    _on_call()
    client.force_login(rita)
    assert _listed(client, "oncall", "schedule") == {"red-primary", "blue-open"}
    assert _listed(client, "oncall", "policy") == {"red-page"}
    assert _listed(client, "oncall", "override") == set()
    secret = Schedule.objects.get(name="blue-secret").pk
    hidden = client.get(f"/admin/oncall/schedule/{secret}/change/", follow=True)
    assert "blue-secret" not in hidden.content.decode()  # "does not exist", like a missing one
    assert client.get(f"/admin/oncall/schedule/{secret}/history/").status_code == 302
    # An override's schedule is chosen among those she may see.
    add = BeautifulSoup(client.get("/admin/oncall/override/add/").content, "html.parser")
    choices = {o.get_text() for o in add.select("select[name=schedule] option")}
    assert choices == {"---------", "red-primary", "blue-open"}
    # A superuser sees all of it.
    client.force_login(make_user("root", superuser=True))
    assert _listed(client, "oncall", "schedule") == {"red-primary", "blue-open", "blue-secret"}
    assert _listed(client, "oncall", "policy") == {"red-page", "blue-page"}


def test_the_staff_user_changes_only_what_their_role_may_change(client: Any, rita: Any) -> None:
    from postmortems.server.oncall.models import Schedule

    _on_call()
    client.force_login(rita)
    blue = Schedule.objects.get(name="blue-open").pk
    red = Schedule.objects.get(name="red-primary").pk
    seen = client.get(f"/admin/oncall/schedule/{blue}/change/").content.decode()
    assert 'name="_save"' not in seen  # blue's, seen but read-only to her
    assert 'name="_save"' in client.get(f"/admin/oncall/schedule/{red}/change/").content.decode()
    data = admin_form(client, f"/admin/oncall/schedule/{red}/change/")
    blue_post = client.post(f"/admin/oncall/schedule/{blue}/change/", {**data, "name": "mine"})
    assert blue_post.status_code == 403
    # Her own schedule moved to blue, or a new one of blue: refused, said on the form.
    moved = client.post(f"/admin/oncall/schedule/{red}/change/", {**data, "team": "blue"})
    assert moved.status_code == 200
    assert "your role in its team cannot change it" in admin_errors(moved)
    assert Schedule.objects.get(pk=red).team == "red"
    assert client.post(f"/admin/oncall/schedule/{blue}/delete/", {"post": "yes"}).status_code == 403
    # "Delete selected" with blue's among them: refused, nothing deleted.
    action = {"action": "delete_selected", "_selected_action": [blue, red], "post": "yes"}
    assert client.post("/admin/oncall/schedule/", action).status_code == 403
    assert Schedule.objects.filter(pk__in=[blue, red]).count() == 2
    # Her own team's, alone: deleted.
    client.post("/admin/oncall/schedule/", {**action, "_selected_action": [red]})
    assert not Schedule.objects.filter(pk=red).exists()


def _rows(client: Any, app: str, model_name: str) -> int:
    """How many rows a change list shows."""
    page = client.get(f"/admin/{app}/{model_name}/")
    assert page.status_code == 200, (app, model_name)
    return len(BeautifulSoup(page.content, "html.parser").select("#result_list tbody tr"))


def test_the_library_workflow_and_incident_lists_keep_restricted_rows_to_their_team(
    client: Any, make_pm: Any, make_user: Any, rita: Any
) -> None:
    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Event, Incident
    from postmortems.server.library.models import Postmortem
    from postmortems.server.workflow.models import ActionItem

    make_user("bo", "author", team="blue")  # team blue exists
    make_pm("PM-OPEN")
    make_pm("PM-BLUE", restricted=True, teams="blue", title="Blue secret outage")
    make_pm("PM-RED", restricted=True, teams="red", title="Red secret outage")
    red = services.declare("red fire", rita, team="red", restricted=True, now=NOW)
    open_blue = services.declare("blue open fire", rita, team="blue", now=NOW)
    secret = services.declare("blue secret fire", rita, team="blue", restricted=True, now=NOW)

    client.force_login(rita)
    assert _listed(client, "library", "postmortem") == {"PM-OPEN", "PM-RED"}
    revisions = " ".join(_listed(client, "library", "revision"))
    assert "PM-RED" in revisions
    assert "PM-BLUE" not in revisions
    assert ActionItem.objects.filter(postmortem__key="PM-BLUE").exists()
    shown_items = ActionItem.objects.exclude(postmortem__key="PM-BLUE").count()
    assert _rows(client, "workflow", "actionitem") == shown_items
    assert _listed(client, "incidents", "incident") == {red.key, open_blue.key}
    assert _rows(client, "incidents", "event") == Event.objects.exclude(incident=secret).count()
    assert Event.objects.filter(incident=secret).exists()
    hidden = Postmortem.objects.get(key="PM-BLUE").pk
    page = client.get(f"/admin/library/postmortem/{hidden}/change/", follow=True)
    assert "Blue secret" not in page.content.decode()
    gone = client.get(f"/admin/incidents/incident/{secret.pk}/change/", follow=True)
    assert "blue secret fire" not in gone.content.decode()
    # Blue's open incident she sees, read-only (no role in blue); red's she may change.
    blue_page = client.get(f"/admin/incidents/incident/{open_blue.pk}/change/").content.decode()
    assert 'name="_save"' not in blue_page
    red_page = client.get(f"/admin/incidents/incident/{red.pk}/change/").content.decode()
    assert 'name="_save"' in red_page
    assert Incident.objects.count() == 3


def test_tokens_drafts_and_feeds_in_the_admin_are_each_persons_own(
    client: Any, make_user: Any, rita: Any
) -> None:
    from postmortems.server.accounts.models import ApiToken
    from postmortems.server.library.models import Draft
    from postmortems.server.oncall.models import FeedToken

    bo = make_user("bo", "author", team="blue")
    ApiToken.issue(rita, "rita-laptop")
    ApiToken.issue(bo, "bo-ci")
    Draft.objects.create(user=rita, text="rita's words")
    bos_draft = Draft.objects.create(user=bo, text="bo's words")
    FeedToken.objects.create(owner=rita, person="rita", digest="a" * 64, hint="pmf_r", created=NOW)
    bos_feed = FeedToken.objects.create(owner=bo, person="bo", digest="b" * 64, created=NOW)
    client.force_login(rita)
    assert _listed(client, "accounts", "apitoken") == {"rita-laptop"}
    assert _rows(client, "library", "draft") == 1
    assert _rows(client, "oncall", "feedtoken") == 1
    # Another's row is not hers to open, change or delete: the admin answers as if it were gone.
    for app, name, pk in (("library", "draft", bos_draft.pk), ("oncall", "feedtoken", bos_feed.pk)):
        page = client.get(f"/admin/{app}/{name}/{pk}/change/", follow=True)
        assert "doesn’t exist" in page.content.decode(), (app, name)
        client.post(f"/admin/{app}/{name}/{pk}/delete/", {"post": "yes"})
    assert Draft.objects.filter(pk=bos_draft.pk).exists()
    assert FeedToken.objects.filter(pk=bos_feed.pk).exists()
    client.force_login(make_user("root", superuser=True))
    assert _listed(client, "accounts", "apitoken") == {"rita-laptop", "bo-ci"}
    assert _rows(client, "library", "draft") == 2
    assert _rows(client, "oncall", "feedtoken") == 2


def test_memberships_in_the_admin_follow_the_teams_page(client: Any, make_user: Any) -> None:
    """A staff user may raise no one, themselves included, beyond what the teams page lets
    them: an author changes no membership; a team's admin changes its members but not the admin
    role (a superuser's to give or take), and no other team's."""
    from django.contrib.auth.models import Permission

    from postmortems.server.accounts.models import Membership, set_role

    rita = make_user("rita", "author", team="red")
    rita.is_staff = True
    rita.save()
    rita.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    sam = make_user("sam", "viewer", team="red")
    make_user("bo", "admin", team="blue")
    client.force_login(rita)
    mine = Membership.objects.get(user=rita, team__slug="red")
    assert _listed(client, "accounts", "membership") == {"rita", "sam"}  # not bo, of blue
    assert _listed(client, "accounts", "team") == {"red"}
    refused = client.post(
        f"/admin/accounts/membership/{mine.pk}/change/",
        {"user": rita.pk, "team": mine.team_id, "role": "admin"},
    )
    assert refused.status_code == 403  # an author may not change a membership, their own neither
    mine.refresh_from_db()
    assert mine.role == "author"

    set_role(rita, "red", "admin")
    theirs = Membership.objects.get(user=sam, team__slug="red")
    raised = client.post(
        f"/admin/accounts/membership/{theirs.pk}/change/",
        {"user": sam.pk, "team": theirs.team_id, "role": "reviewer"},
    )
    assert raised.status_code == 302  # an admin of red changes red's members
    made_admin = client.post(
        f"/admin/accounts/membership/{theirs.pk}/change/",
        {"user": sam.pk, "team": theirs.team_id, "role": "admin"},
    )
    assert made_admin.status_code == 200  # the form again, refused beside it
    assert "only a superuser the admin role" in made_admin.content.decode()
    theirs.refresh_from_db()
    assert theirs.role == "reviewer"
    blue = Membership.objects.get(team__slug="blue")
    assert client.get(f"/admin/accounts/membership/{blue.pk}/change/").status_code == 302
    assert Membership.objects.get(pk=blue.pk).role == "admin"


def test_a_timeline_entry_is_read_in_the_admin_its_marks_changed(
    client: Any, make_user: Any
) -> None:
    """Its text changed in the admin would leave no earlier version (the page keeps them): a
    superuser's post of a new text changes only the marks."""
    from django.contrib.auth.models import Permission

    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Event, Incident

    boss = make_user("boss", superuser=True)
    incident = services.declare("Checkout 502s", boss, now=NOW)
    services.note(incident, "rolled back deploy 4812", boss, NOW)
    entry = Event.objects.get(incident=incident, text="rolled back deploy 4812")
    client.force_login(boss)
    assert client.get("/admin/incidents/event/add/").status_code == 403
    url = f"/admin/incidents/event/{entry.pk}/change/"
    form = BeautifulSoup(client.get(url).content, "html.parser")
    fields = {f["name"] for f in form.select("form#event_form [name]")}
    assert {"key_moment", "misleading"} <= fields
    assert not fields & {"text", "at", "kind", "author"}
    assert "rolled back deploy 4812" in form.select_one("form#event_form").get_text()
    revision = Incident.objects.get(pk=incident.pk).revision
    posted = client.post(url, {"key_moment": "on", "text": "never said that"})
    assert posted.status_code == 302
    entry.refresh_from_db()
    assert (entry.text, entry.key_moment, entry.edited_at) == (
        "rolled back deploy 4812",
        True,
        None,
    )
    assert Incident.objects.get(pk=incident.pk).revision > revision  # its open page redraws
    # Deleting leaves no trace: a superuser's alone (a team's staff author redacts instead).
    staff = make_user("stu", "author", team="sre")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="incidents"))
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert client.get(f"/admin/incidents/event/{entry.pk}/delete/").status_code == 403
    client.force_login(boss)
    assert client.get(f"/admin/incidents/event/{entry.pk}/delete/").status_code == 200


def test_the_admins_of_other_apps_are_for_superusers_only(client: Any, make_user: Any) -> None:
    """Every permission of every app given to a staff user who is not a superuser: the task
    results (a restricted postmortem's title in a notification's arguments), login attempts,
    users (the superuser checkbox) and groups stay closed; every admin left is team-scoped."""
    from django.contrib import admin
    from django.contrib.auth.models import Permission
    from django_tasks_db.models import DBTaskResult

    from postmortems.server.accounts.adminscope import OwnRows, TeamScoped
    from postmortems.server.workflow.tasks import deliver

    deliver.enqueue(1, "review-requested", 1, ["x@example.com"], "please review Secret title")
    assert DBTaskResult.objects.exists()
    vera = make_user("vera", "author", team="red")
    vera.is_staff = True
    vera.save()
    vera.user_permissions.set(Permission.objects.all())
    client.force_login(vera)
    others = [m for m in admin.site._registry if m._meta.app_label not in APPS]
    assert {m._meta.app_label for m in others} >= {"auth", "axes", "django_tasks_database"}
    for model in others:
        where = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(where).status_code == 403, where
        assert client.get(where + "add/").status_code == 403, where
    first = DBTaskResult.objects.first()
    assert first is not None
    page = client.get(f"/admin/django_tasks_database/dbtaskresult/{first.pk}/change/")
    assert page.status_code in (302, 403, 404)
    assert "Secret title" not in client.get("/admin/").content.decode()
    ours = [a for m, a in admin.site._registry.items() if m._meta.app_label in APPS]
    assert all(isinstance(a, TeamScoped | OwnRows) for a in ours), [
        type(a).__name__ for a in ours if not isinstance(a, TeamScoped | OwnRows)
    ]
    root = make_user("root", superuser=True)
    client.force_login(root)
    for model in others:
        where = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(where).status_code == 200, where


def test_the_admin_puts_only_its_team_on_call_on_a_restricted_schedule(
    client: Any, rita: Any, make_user: Any
) -> None:
    """An override, a layer, or a schedule made restricted with someone of another team on it:
    refused in the admin as on the schedule's page (rita's overrides on her own schedule
    went in for bo of team blue)."""
    from postmortems.server.oncall.models import Layer, Override, Schedule

    _on_call()
    make_user("bo", "author", team="blue")
    client.force_login(rita)
    red = Schedule.objects.get(name="red-primary")
    red.restricted = True
    red.save()
    url = "/admin/oncall/override/add/"
    data = admin_form(client, url)
    data.update(schedule=str(red.pk), user="bo", kind="add")
    data.update({"start_0": "2030-03-04", "start_1": "12:00:00"})
    data.update({"end_0": "2030-03-04", "end_1": "14:00:00"})
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "bo may not see schedule red-primary" in admin_errors(refused)
    assert not Override.objects.filter(schedule=red, user="bo").exists()
    assert client.post(url, {**data, "user": "rita"}).status_code == 302

    change = f"/admin/oncall/schedule/{red.pk}/change/"
    form = admin_form(client, change)
    users_field = next(k for k in form if k.startswith("layers-0-users"))
    layered = client.post(change, {**form, users_field: '["rita", "bo"]'})
    assert layered.status_code == 200
    assert "bo may not see schedule red-primary" in admin_errors(layered)
    assert Layer.objects.get(schedule=red).users == ["rita"]

    red.restricted = False
    red.save()
    Override.objects.create(
        schedule=red, user="bo", kind="add", start=NOW, end=NOW + dt.timedelta(days=3650)
    )
    form = admin_form(client, change)
    made_restricted = client.post(change, {**form, "restricted": "on"})
    assert made_restricted.status_code == 200
    assert "bo may not see schedule red-primary once restricted" in admin_errors(made_restricted)
    assert not Schedule.objects.get(pk=red.pk).restricted

    # bo's override from before the rule, on a schedule restricted since: other changes of the
    # schedule go through, and the override may be ended sooner, not later
    Schedule.objects.filter(pk=red.pk).update(restricted=True)
    form = admin_form(client, change)
    moved_zone = client.post(change, {**form, "timezone": "Europe/Berlin"})
    assert moved_zone.status_code == 302, admin_errors(moved_zone)
    old = Override.objects.get(schedule=red, user="bo")
    edit = f"/admin/oncall/override/{old.pk}/change/"
    shorter = {**admin_form(client, edit), "end_0": "2026-03-05", "end_1": "12:00:00"}
    assert client.post(edit, shorter).status_code == 302
    longer = {**admin_form(client, edit), "end_0": "2036-03-05", "end_1": "12:00:00"}
    refused_longer = client.post(edit, longer)
    assert "bo may not see schedule red-primary" in admin_errors(refused_longer)


def test_a_postmortem_is_read_in_the_admin_and_deleted_as_on_the_site(
    client: Any, make_user: Any, make_pm: Any
) -> None:
    """The admin shows a postmortem and deletes it, never changes or adds one: its columns are
    what its text says, written by one save (a `restricted` ticked here would leave its words
    in the search as an open postmortem's). Deleting moves the library's token on, as the site's
    delete does, so what was read from the library is read again."""
    from postmortems.server.library import state
    from postmortems.server.library.models import Postmortem

    pm = make_pm("PM-ADMIN", teams="sre")
    title = pm.title
    client.force_login(make_user("root", superuser=True))
    page = client.get(f"/admin/library/postmortem/{pm.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    posted = client.post(
        f"/admin/library/postmortem/{pm.pk}/change/", {"title": "Changed", "restricted": "on"}
    )
    assert posted.status_code == 403
    pm.refresh_from_db()
    assert pm.title == title
    assert not pm.restricted
    assert client.get("/admin/library/postmortem/add/").status_code == 403
    before = state.token()
    deleted = client.post(f"/admin/library/postmortem/{pm.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not Postmortem.objects.filter(pk=pm.pk).exists()
    assert state.token() != before
