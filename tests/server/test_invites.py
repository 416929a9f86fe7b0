"""Inviting people on /teams/: a team's admin makes an account with a link to set its password
(shown once, mailed when the server sends mail); the link works once and expires; a new link
ends the old one; a superuser makes a team and its first admin; every refusal keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.conftest import server_log
from tests.server.incident_fixtures import logged_in
from workflow_fixtures import run_tasks, with_settings

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-47"


def _page(answer: Any) -> BeautifulSoup:
    return BeautifulSoup(answer.content, "html.parser")


def _said(answer: Any) -> str:
    return " ".join(li.get_text(" ", strip=True) for li in _page(answer).select("ul.messages li"))


def _link(answer: Any) -> str:
    found = _page(answer).select_one("#invite-url")
    assert found is not None, answer.content.decode()[:3000]
    return str(found["value"])


def _invite(client: Client, team: str, name: str, role: str = "author", **more: str) -> Any:
    body = {
        f"{team}-invite-username": name,
        f"{team}-invite-email": more.get("email", f"{name}@example.com"),
        f"{team}-invite-role": role,
    }
    return client.post(f"/teams/{team}/invite/", body)


def _accept(link: str, password: str = PASSWORD) -> tuple[Client, Any]:
    """Open ``link`` in a new browser (client) and set the password: the client, the answer."""
    guest = Client(raise_request_exception=False)
    path = link.removeprefix("http://testserver")
    opened = guest.get(path)
    assert opened.status_code == 302, opened.status_code  # the token leaves the address bar
    assert opened["Location"].endswith("/set-password/")
    form = guest.get(opened["Location"])
    assert form.status_code == 200
    body = {"new_password1": password, "new_password2": password}
    return guest, guest.post(opened["Location"], body, follow=True)


def test_a_team_admin_invites_someone_who_sets_a_password_and_is_in(make_user: Any) -> None:
    from django.contrib.auth.models import User

    ada = logged_in(make_user("ada", "admin", team="sre"))
    form = _page(ada.get("/teams/")).select_one('#team-sre form[action="/teams/sre/invite/"]')
    assert form is not None
    assert form.select_one("[name=csrfmiddlewaretoken]") is not None
    assert [o["value"] for o in form.select("select option")] == ["viewer", "author", "reviewer"]
    answer = _invite(ada, "sre", "bob")
    assert answer.status_code == 200
    shown = _page(answer).select_one("#invite-link").get_text(" ", strip=True)
    assert "bob is invited as author in sre" in shown
    # the console backend prints: the link would be in the server's log
    assert "will not be emailed: this server sends no email (setting email_backend)." in shown
    link = _link(answer)
    assert link.startswith("http://testserver/invite/")
    assert "no-store" in answer["Cache-Control"]
    bob = User.objects.get(username="bob")
    assert not bob.has_usable_password()
    assert bob.email == "bob@example.com"
    assert list(bob.memberships.values_list("team__slug", "role")) == [("sre", "author")]
    members = _page(ada.get("/teams/")).select_one("#team-sre ul.members").get_text(" ", strip=True)
    assert (
        "bob author · invited, not signed in yet · email not sent: this server sends no email"
        in members
    )
    assert "#invite-url" not in ada.get("/teams/").content.decode()  # shown once
    guest, welcome = _accept(link)
    assert welcome.redirect_chain[-1][0] == "/"
    assert "Welcome, bob: your password is set; you are author in sre." in _said(welcome)
    assert welcome.wsgi_request.user.username == "bob"
    assert "sre" in _page(guest.get("/teams/")).select_one("#team-sre h2").get_text()
    again = Client().get(link.removeprefix("http://testserver"))
    assert again.status_code == 404  # used: the password it was made from has changed
    assert "Ask your team's admin for a new link" in again.content.decode()
    members = _page(ada.get("/teams/")).select_one("#team-sre ul.members").get_text(" ", strip=True)
    assert "New link" not in members  # bob is in


def test_a_bad_link_and_a_refused_password_say_what_to_do(make_user: Any) -> None:
    ada = logged_in(make_user("ada", "admin", team="sre"))
    link = _link(_invite(ada, "sre", "bob")).removeprefix("http://testserver")
    guest = Client()
    for wrong in ("/invite/MQ/abc-def/", "/invite/zz/set-password/", link[:-3] + "xx/"):
        answer = guest.get(wrong)
        assert answer.status_code == 404, wrong
        assert "This invitation link does not work" in answer.content.decode()
    form_url = guest.get(link)["Location"]
    refused = guest.post(form_url, {"new_password1": "bob", "new_password2": "bob"})
    assert refused.status_code == 400  # the project's validators
    assert "This password is too short" in refused.content.decode()
    assert not guest.get("/teams/").wsgi_request.user.is_authenticated


def test_the_link_expires_after_invite_days(make_user: Any, settings: Any) -> None:
    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    from postmortems.server.config import ServerSettings
    from postmortems.server.djangoconf import django_settings

    derived = django_settings(ServerSettings(secret_key="x", invite_days=3))
    assert derived["PASSWORD_RESET_TIMEOUT"] == 3 * 24 * 3600
    assert django_settings(ServerSettings(secret_key="x"))["PASSWORD_RESET_TIMEOUT"] == 604800
    settings.PASSWORD_RESET_TIMEOUT = derived["PASSWORD_RESET_TIMEOUT"]
    ada = logged_in(make_user("ada", "admin", team="sre"))
    link = _link(_invite(ada, "sre", "bob")).removeprefix("http://testserver")
    later = dt.datetime.now() + dt.timedelta(days=3, hours=1)
    original = PasswordResetTokenGenerator._now
    PasswordResetTokenGenerator._now = lambda self: later  # type: ignore[method-assign]
    try:
        assert Client().get(link).status_code == 404
    finally:
        PasswordResetTokenGenerator._now = original  # type: ignore[method-assign]
    assert Client().get(link).status_code == 302


def test_an_existing_name_offers_to_add_them_and_keeps_what_was_typed(make_user: Any) -> None:
    ada = logged_in(make_user("ada", "admin", team="sre"))
    make_user("Carol", "viewer", team="web")
    answer = _invite(ada, "sre", "carol", email="c@example.com", role="reviewer")
    assert answer.status_code == 400
    assert "Carol has an account already: add them to sre as reviewer" in _said(answer)
    card = _page(answer).select_one("#team-sre")
    assert card.select_one("[name=sre-invite-username]")["value"] == "carol"
    assert card.select_one("[name=sre-invite-email]")["value"] == "c@example.com"
    assert card.select_one("[name=sre-invite-role] option[selected]")["value"] == "reviewer"
    offer = card.select_one("form.add-instead")
    assert offer["action"] == "/teams/sre/members/"
    body = {i["name"]: i["value"] for i in offer.select("input[type=hidden]")}
    assert body.pop("csrfmiddlewaretoken")
    assert body == {"sre-username": "Carol", "sre-role": "reviewer"}
    added = ada.post("/teams/sre/members/", body, follow=True)
    assert "Carol is reviewer in sre." in _said(added)
    bad = _invite(ada, "sre", "bob smith", email="not-an-email")
    assert bad.status_code == 400
    assert "Not invited: User name: Enter a valid username" in _said(bad)
    assert "Email: Enter a valid email address." in _said(bad)
    kept = _page(bad).select_one("#team-sre")
    assert kept.select_one("[name=sre-invite-username]")["value"] == "bob smith"
    assert kept.select_one("[name=sre-invite-email]")["value"] == "not-an-email"


def test_only_a_teams_admins_invite_and_the_admin_role_is_a_superusers(make_user: Any) -> None:
    from django.contrib.auth.models import User

    ada = logged_in(make_user("ada", "admin", team="sre"))
    make_user("val", "viewer", team="web")
    from postmortems.server.accounts.models import set_role

    set_role(User.objects.get(username="ada"), "web", "author")
    make_user("zed", "admin", team="hidden")
    assert _invite(ada, "hidden", "eve").status_code == 404  # a team ada cannot see
    assert _invite(ada, "web", "eve").status_code == 403  # ada is no admin of web
    assert _invite(ada, "nope", "eve").status_code == 404
    refused = _invite(ada, "sre", "eve", role="admin")
    assert refused.status_code == 400
    assert "Select a valid choice" in _said(refused)
    assert not User.objects.filter(username="eve").exists()
    assert "web-invite-username" not in ada.get("/teams/").content.decode()  # no form
    signed_out = Client().post("/teams/sre/invite/", {"sre-invite-username": "eve"})
    assert signed_out.status_code == 302
    assert "/login/" in signed_out["Location"]
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    strict.force_login(User.objects.get(username="ada"))
    assert _invite(strict, "sre", "eve").status_code == 403  # no CSRF token
    root = logged_in(make_user("root", superuser=True))
    made = _invite(root, "sre", "eve", role="admin")
    assert "eve is invited as admin in sre" in _page(made).select_one("#invite-link").get_text()


def test_a_new_link_ends_the_old_one_and_is_only_for_who_never_came_in(make_user: Any) -> None:
    from django.contrib.auth.models import User

    from postmortems.server.accounts.models import set_role

    ada = logged_in(make_user("ada", "admin", team="sre"))
    old = _link(_invite(ada, "sre", "bob")).removeprefix("http://testserver")
    bob = User.objects.get(username="bob")
    renewed = ada.post(f"/teams/sre/invite/{bob.pk}/")
    assert renewed.status_code == 200
    assert "bob is invited as author in sre" in _page(renewed).select_one("#invite-link").text
    new = _link(renewed).removeprefix("http://testserver")
    assert new != old
    assert Client().get(old).status_code == 404
    set_role(bob, "web", "viewer")  # bob is in a team ada does not run
    assert ada.post(f"/teams/sre/invite/{bob.pk}/").status_code == 403
    assert Client().get(new).status_code == 302  # the refusal changed nothing
    ann = make_user("ann", "viewer", team="sre")  # has a password
    assert ada.post(f"/teams/sre/invite/{ann.pk}/").status_code == 403
    assert ada.post("/teams/sre/invite/999999/").status_code == 404
    root = logged_in(make_user("root", superuser=True))
    assert root.post(f"/teams/sre/invite/{bob.pk}/").status_code == 200
    bob.is_active = False
    bob.save()
    assert root.post(f"/teams/sre/invite/{bob.pk}/").status_code == 403


def test_an_inactive_accounts_link_does_not_work(make_user: Any) -> None:
    from django.contrib.auth.models import User

    ada = logged_in(make_user("ada", "admin", team="sre"))
    link = _link(_invite(ada, "sre", "bob")).removeprefix("http://testserver")
    User.objects.filter(username="bob").update(is_active=False)
    assert Client().get(link).status_code == 404


def test_the_link_is_on_public_url_or_the_sub_path(make_user: Any, settings: Any) -> None:
    """Under a sub-path (as WSGIHandler does for SCRIPT_NAME=/pm; the test client does not)."""
    from django.urls import set_script_prefix

    ada = logged_in(make_user("ada", "admin", team="sre"))
    set_script_prefix("/pm/")
    try:
        body = {"sre-invite-username": "bob", "sre-invite-email": "b@example.com"}
        answer = ada.post("/teams/sre/invite/", {**body, "sre-invite-role": "viewer"})
        link = _link(answer)
        assert link.startswith("http://testserver/pm/invite/")
        opened = Client().get(link.removeprefix("http://testserver/pm"), SCRIPT_NAME="/pm")
        assert opened["Location"].startswith("/pm/invite/")  # the set-password page, under /pm
        with_settings(settings, public_url="https://pm.example.com/pm/")
        other = _link(_invite(ada, "sre", "cy"))
        assert other.startswith("https://pm.example.com/pm/invite/")
    finally:
        set_script_prefix("/")


def test_a_superuser_makes_a_team_with_its_first_admin(make_user: Any) -> None:
    from postmortems.server.accounts.models import Membership, Team

    root = logged_in(make_user("root", superuser=True))
    make_user("ann", "viewer", team="sre")
    assert _page(root.get("/teams/")).select_one("#new-team form[action='/teams/']") is not None
    made = root.post("/teams/", {"new-team-slug": "payments", "new-team-admin": "ann"}, follow=True)
    assert "Team payments made; ann is its admin." in _said(made)
    assert Team.objects.get(slug="payments").name == "payments"
    assert Membership.objects.get(team__slug="payments").role == "admin"
    body = {
        "new-team-slug": "db",
        "new-team-name": "Databases",
        "new-team-admin": "dina",
        "new-team-email": "dina@example.com",
    }
    invited = root.post("/teams/", body)
    assert "dina is invited as admin in db" in _page(invited).select_one("#invite-link").text
    assert Membership.objects.get(team__slug="db").user.username == "dina"
    bare = root.post("/teams/", {"new-team-slug": "web"})
    assert bare.status_code == 200
    assert Team.objects.filter(slug="web").exists()


def test_a_refused_team_keeps_what_was_typed_and_others_get_403(make_user: Any) -> None:
    from postmortems.server.accounts.models import Team

    root = logged_in(make_user("root", superuser=True))
    ada = logged_in(make_user("ada", "admin", team="sre"))
    cases = [
        ({"new-team-slug": "My Team"}, "a team is a slug"),
        ({"new-team-slug": "sre"}, "team 'sre' exists already"),
        ({"new-team-slug": "x" * 65}, "Team (slug): Ensure this value has at most 64"),
        ({"new-team-slug": "ops", "new-team-admin": "nobody"}, "give their email to invite"),
    ]
    for body, said in cases:
        answer = root.post("/teams/", {**body, "new-team-name": "Typed name"})
        assert answer.status_code == 400
        assert said in _said(answer), _said(answer)
        form = _page(answer).select_one("#new-team")
        assert form.has_attr("open")
        assert form.select_one("[name=new-team-name]")["value"] == "Typed name"
    assert sorted(Team.objects.values_list("slug", flat=True)) == ["sre"]
    assert "new-team" not in ada.get("/teams/").content.decode()
    assert ada.post("/teams/", {"new-team-slug": "mine"}).status_code == 403
    assert not Team.objects.filter(slug="mine").exists()


def _members(client: Client, team: str = "sre") -> str:
    return (
        _page(client.get("/teams/"))
        .select_one(f"#team-{team} ul.members")
        .get_text(" ", strip=True)
    )


def _queued_args() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return [r.args_kwargs for r in DBTaskResult.objects.order_by("enqueued_at")]


@pytest.mark.django_db(transaction=True)
def test_the_link_is_mailed_by_the_worker_not_the_request(
    make_user: Any, smtp_server: list[Any]
) -> None:
    ada = logged_in(make_user("ada", "admin", team="sre"))
    answer = _invite(ada, "sre", "bob")
    shown = _page(answer).select_one("#invite-link").get_text(" ", strip=True)
    assert "The link is being emailed to bob@example.com (in the background" in shown
    assert smtp_server == []  # the request sent nothing: the worker will
    assert "bob author · invited, not signed in yet · email queued" in _members(ada)
    link = _link(answer)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(_queued_args())  # the task holds no credential
    run_tasks()
    [mail] = smtp_server
    assert mail["To"] == "bob@example.com"
    assert mail["Subject"] == "[postmortems] ada invited you to postmortems (author in sre)"
    body = mail.get_payload(decode=True).decode()
    assert "Your user name: bob" in body
    assert "the link works once, for 7 days" in body
    [mailed] = [w for w in body.split() if w.startswith("http://testserver/invite/")]
    assert "email sent" in _members(ada)
    _, welcome = _accept(mailed)
    assert "you are author in sre" in _said(welcome)
    assert Client().get(link.removeprefix("http://testserver")).status_code == 404  # ended too


def test_a_mail_server_that_never_answers_does_not_hold_the_request(
    make_user: Any, settings: Any
) -> None:
    import socket
    import time

    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 20
        with_settings(settings, email_backend="django.core.mail.backends.smtp.EmailBackend")
        ada = logged_in(make_user("ada", "admin", team="sre"))
        assert ada.get("/teams/").status_code == 200  # the first request loads the templates
        started = time.monotonic()
        answer = _invite(ada, "sre", "bob")
        took = time.monotonic() - started
    assert answer.status_code == 200
    assert "The link is being emailed to bob@example.com" in _page(answer).get_text(" ")
    assert took < 5, took  # not the 20 seconds the mail server would hold it


@pytest.mark.django_db(transaction=True)
def test_a_newer_link_or_a_password_set_first_stops_an_older_mail(
    make_user: Any, smtp_server: list[Any]
) -> None:
    from django.contrib.auth.models import User

    ada = logged_in(make_user("ada", "admin", team="sre"))
    _invite(ada, "sre", "bob")
    bob = User.objects.get(username="bob")
    renewed = _link(ada.post(f"/teams/sre/invite/{bob.pk}/"))
    shown = _link(_invite(ada, "sre", "cy"))
    _accept(shown)  # cy used the link ada passed on before the worker ran
    _invite(ada, "sre", "dee")
    User.objects.filter(username="dee").update(is_active=False)
    run_tasks()
    [mail] = smtp_server  # bob's newer link, once; nothing for cy nor dee
    assert mail["To"] == "bob@example.com"
    assert Client().get(renewed.removeprefix("http://testserver")).status_code == 302
    rows = User.objects.get(username="bob").invitations.order_by("pk").values_list("mail")
    assert [m for (m,) in rows] == ["not sent: a newer link replaced it", "sent"]
    cy = User.objects.get(username="cy").invitations.get()
    assert cy.mail == "not sent: they have chosen a password already"
    assert User.objects.get(username="dee").invitations.get().mail == (
        "not sent: the account is inactive"
    )


def _worker_logging() -> None:
    """``run_tasks`` as `pm worker` logs it (a failed task: one line), the loggers put back."""
    import logging

    from django.core.management import call_command

    from postmortems.commands.worker import worker_arguments

    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = [one.level for one in loggers]
    try:
        call_command("db_worker", *worker_arguments(batch=True, interval=0), verbosity=1)
    finally:
        for one, level in zip(loggers, levels, strict=True):
            one.setLevel(level)


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_is_said_and_the_token_never_logged(
    make_user: Any, settings: Any
) -> None:
    import socket

    from django_tasks_db.models import DBTaskResult

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    with_settings(settings, email_backend="django.core.mail.backends.smtp.EmailBackend")
    ada = logged_in(make_user("ada", "admin", team="sre"))
    answer = _invite(ada, "sre", "bob")
    assert answer.status_code == 200
    link = _link(answer)
    with server_log() as log:
        _worker_logging()
    failed = DBTaskResult.objects.get()
    assert failed.status == "FAILED"
    why = "sending failed: ConnectionRefusedError (Connection refused)"
    assert f"not delivered: invitation email: {why}" in log.getvalue()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in log.getvalue()
    assert token not in str(failed.exception_class_path) + str(failed.traceback)
    assert f"bob author · invited, not signed in yet · email not sent: {why}" in _members(ada)
    _, welcome = _accept(link)  # the link shown still works
    assert "you are author in sre" in _said(welcome)


def test_an_email_in_use_is_refused_with_the_offer_to_add_its_account(make_user: Any) -> None:
    from django.contrib.auth.models import User

    ada = logged_in(make_user("ada", "admin", team="sre"))
    carol = make_user("carol", "viewer", team="web")
    carol.email = "Carol@Example.com"
    carol.save()
    answer = _invite(ada, "sre", "carol2", email="carol@example.COM", role="reviewer")
    assert answer.status_code == 400
    assert _said(answer) == (
        "carol@example.COM is the email of carol's account already: add them to sre as "
        "reviewer with the button below the invitation, or change the email."
    )
    card = _page(answer).select_one("#team-sre")
    assert card.select_one("[name=sre-invite-username]")["value"] == "carol2"
    assert card.select_one("[name=sre-invite-email]")["value"] == "carol@example.COM"
    assert card.select_one("[name=sre-invite-role] option[selected]")["value"] == "reviewer"
    offer = card.select_one("form.add-instead")
    assert offer.select_one("button").get_text() == "Add carol to sre as reviewer"
    body = {i["name"]: i["value"] for i in offer.select("input[type=hidden]")}
    assert "carol is reviewer in sre." in _said(ada.post("/teams/sre/members/", body, follow=True))
    again = _invite(ada, "sre", "carol2", email="CAROL@example.com")
    assert "and carol is reviewer in sre already: change the email." in _said(again)
    assert _page(again).select_one("form.add-instead") is None  # nothing to add
    User.objects.filter(username="carol").update(is_active=False)
    ops = logged_in(make_user("otto", "admin", team="ops"))
    gone = _invite(ops, "ops", "carol3", email="carol@example.com")
    assert "carol's account already, an inactive one: change the email." in _said(gone)
    assert _page(gone).select_one("form.add-instead") is None
    assert not User.objects.filter(username__startswith="carol", is_active=True).exists()
    root = logged_in(make_user("root", superuser=True))
    body = {"new-team-slug": "db", "new-team-admin": "cara", "new-team-email": "CAROL@example.com"}
    refused = root.post("/teams/", body)
    assert refused.status_code == 400
    assert "CAROL@example.com is the email of carol's account already" in _said(refused)
    assert not User.objects.filter(username="cara").exists()


def test_an_inviter_makes_at_most_invites_per_hour(make_user: Any, settings: Any) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from postmortems.server.accounts.models import Invitation

    with_settings(settings, invites_per_hour=2)
    ada = logged_in(make_user("ada", "admin", team="sre"))
    assert _invite(ada, "sre", "bob").status_code == 200
    first = Invitation.objects.get()
    Invitation.objects.update(created=first.created - dt.timedelta(minutes=40))
    bob = User.objects.get(username="bob")
    assert ada.post(f"/teams/sre/invite/{bob.pk}/").status_code == 200  # a new link counts
    refused = _invite(ada, "sre", "cy", email="cy@example.com", role="reviewer")
    assert refused.status_code == 429
    again = first.created + dt.timedelta(minutes=20)
    assert _said(refused) == (
        "Not invited: you made 2 invitations in the last hour, the most this server allows "
        f"(setting invites_per_hour): you may invite again at {again:%H:%M} UTC, "
        "in 20 minutes."
    )
    card = _page(refused).select_one("#team-sre")
    assert card.select_one("[name=sre-invite-username]")["value"] == "cy"
    assert card.select_one("[name=sre-invite-email]")["value"] == "cy@example.com"
    assert card.select_one("[name=sre-invite-role] option[selected]")["value"] == "reviewer"
    assert not User.objects.filter(username="cy").exists()
    relink = ada.post(f"/teams/sre/invite/{bob.pk}/")
    assert relink.status_code == 429
    assert _said(relink).startswith("No new link for bob: you made 2 invitations")
    root = logged_in(make_user("root", superuser=True))
    assert _invite(root, "sre", "cy").status_code == 200  # the limit is each inviter's own
    assert _invite(root, "sre", "dee").status_code == 200
    team = {"new-team-slug": "db", "new-team-admin": "dina", "new-team-email": "d@example.com"}
    full = root.post("/teams/", team)
    assert full.status_code == 429
    assert "No team made: you made 2 invitations in the last hour" in _said(full)
    assert _page(full).select_one("#new-team [name=new-team-admin]")["value"] == "dina"
    Invitation.objects.update(created=timezone.now() - dt.timedelta(minutes=61))
    assert _invite(ada, "sre", "cy2", email="cy2@example.com").status_code == 200


def test_invites_per_hour_is_a_setting_in_range() -> None:
    from postmortems.server.config import ServerSettings, SettingsError

    assert ServerSettings().invites_per_hour == 20
    for wrong in (0, 1001):
        with pytest.raises(SettingsError, match="invites_per_hour"):
            ServerSettings(invites_per_hour=wrong)
