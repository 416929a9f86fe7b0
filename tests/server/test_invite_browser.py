"""In Chromium, the whole invitation: a team's admin invites someone on /teams/ and copies the
link shown once; the person opens it in another browser, sets a password and is signed in, in
the team; the used link then says to ask for a new one. A superuser makes a team on the same page.

Screenshots (1366 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect
from tests.server.conftest import browser_login, needs_chromium, shoot_desktop_and_phone
from workflow_fixtures import with_settings

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

SHOTS = "PM_SHOTS_DIR"


def _fits_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})


def _send(form: Any, button: str, **fields: str) -> None:
    """Fill ``form``'s fields (by label) and press ``button``."""
    for label, value in fields.items():
        form.get_by_label(label.replace("_", " "), exact=True).fill(value)
    form.get_by_role("button", name=button).click()


def _invite(page: Any, base: str) -> str:
    """On /teams/, invite bea as author in sre; the link shown."""
    page.goto(f"{base}/teams/")
    card = page.locator("#team-sre")
    card.locator("form.invite select").select_option("author")
    _send(card, "Invite", User_name="bea", Email="bea@example.com")
    shown = page.locator("#invite-link")
    expect(shown).to_contain_text("bea is invited as author in sre")
    expect(shown).to_contain_text("will not be emailed")
    expect(page.locator("#team-sre ul.members")).to_contain_text("invited, not signed in yet")
    _fits_a_phone(page)
    shoot_desktop_and_phone(page, "invite-teams-link", SHOTS, desktop=1366)
    return str(page.input_value("#invite-url"))


def test_an_invited_person_sets_a_password_and_is_in_the_team(
    live_server: Any, browser: Any, make_user: Any, settings: Any
) -> None:
    make_user("ada", "admin", team="sre")
    cy = make_user("cy", "viewer", team="web")
    cy.email = "Cy@Example.com"
    cy.save()
    make_user("dan", "viewer", team="web")
    connections.close_all()
    base = live_server.url
    admin = browser_login(browser, base, "ada", password="pw-ada")
    link = _invite(admin, base)
    assert link.startswith(f"{base}/invite/")
    guest = browser.new_context().new_page()  # another browser: no session of ada's
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("Set your password")
    assert "/set-password/" in guest.url  # the token is out of the address bar
    _fits_a_phone(guest)
    shoot_desktop_and_phone(guest, "invite-accept", SHOTS, desktop=1366)
    guest.fill("input[name=new_password1]", "quiet-harbour-47")
    guest.fill("input[name=new_password2]", "quiet-harbour-47")
    guest.get_by_role("button", name="Set password and sign in").click()
    guest.wait_for_url(f"{base}/")
    expect(guest.locator("#messages")).to_contain_text("Welcome, bea")
    expect(guest.locator("#messages")).to_contain_text("you are author in sre")
    expect(guest.locator("header .who")).to_contain_text("bea")
    guest.goto(f"{base}/teams/")
    expect(guest.locator("#team-sre ul.members")).to_contain_text("bea author")
    again = browser.new_context().new_page()
    answer = again.goto(link)
    assert answer is not None
    assert answer.status == 404
    expect(again.locator("h1")).to_have_text("This invitation link does not work")
    _fits_a_phone(again)
    shoot_desktop_and_phone(again, "invite-bad-link", SHOTS, desktop=1366)
    _an_existing_account_is_added_instead(admin)
    with_settings(settings, invites_per_hour=1)
    _too_many_is_refused_with_when(admin)


def _an_existing_account_is_added_instead(page: Any) -> None:
    card = page.locator("#team-sre")
    _send(card, "Invite", User_name="cyrus", Email="cy@example.com")
    expect(page.locator("#messages")).to_contain_text(
        "cy@example.com is the email of cy's account already: add them to sre as viewer"
    )
    expect(card.get_by_label("User name")).to_have_value("cyrus")  # kept
    _fits_a_phone(page)
    shoot_desktop_and_phone(page, "invite-email-in-use", SHOTS, desktop=1366)
    card.get_by_role("button", name="Add cy to sre as viewer").click()
    expect(page.locator("#messages")).to_contain_text("cy is viewer in sre.")
    _send(card, "Invite", User_name="Dan", Email="dan@example.com")
    expect(page.locator("#messages")).to_contain_text("dan has an account already")
    expect(card.get_by_label("Email")).to_have_value("dan@example.com")  # kept
    _fits_a_phone(page)
    shoot_desktop_and_phone(page, "invite-add-instead", SHOTS, desktop=1366)
    card.get_by_role("button", name="Add dan to sre as viewer").click()
    expect(page.locator("#messages")).to_contain_text("dan is viewer in sre.")


def _too_many_is_refused_with_when(page: Any) -> None:
    card = page.locator("#team-sre")
    _send(card, "Invite", User_name="eve", Email="eve@example.com")
    expect(page.locator("#messages")).to_contain_text(
        "Not invited: you made 1 invitation in the last hour"
    )
    expect(page.locator("#messages")).to_contain_text("you may invite again at")
    expect(card.get_by_label("User name")).to_have_value("eve")  # kept
    _fits_a_phone(page)
    shoot_desktop_and_phone(page, "invite-too-many", SHOTS, desktop=1366)


def test_a_superuser_makes_a_team_and_invites_its_admin(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    make_user("root", superuser=True)
    make_user("ada", "admin", team="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "root", password="pw-root")
    page.goto(f"{base}/teams/")
    page.locator("#new-team summary").click()
    form = page.locator("#new-team form")
    _send(form, "Make the team", **{"Team (slug)": "Pay ments", "Name (optional)": "Payments"})
    expect(page.locator("#messages")).to_contain_text("a team is a slug")
    expect(form.get_by_label("Name (optional)")).to_have_value("Payments")  # kept
    admin = {
        "First admin (optional)": "pia",
        "Their email (to invite someone new)": "pia@example.com",
    }
    _send(form, "Make the team", **{"Team (slug)": "payments", **admin})
    expect(page.locator("#invite-link")).to_contain_text("pia is invited as admin in payments")
    expect(page.locator("#team-payments ul.members")).to_contain_text("pia admin")
    shoot_desktop_and_phone(page, "invite-new-team", SHOTS, desktop=1366)
    page.locator("#new-team summary").click()
    _fits_a_phone(page)
    shoot_desktop_and_phone(page, "invite-new-team-form", SHOTS, desktop=1366)
