"""In Chromium, what a keyboard or screen-reader user needs (an accessibility walk's findings):
a skip link, the current page marked in the menu, a refused login said and tied to its fields,
the live lint's count announced alone, the focus kept when htmx replaces a region, no page
wider than a 320 px screen, a visible label on every field of the review panel, one h1 on the
editor's page (its preview's headings a level below, each section's # link shown on hover as on
the page), a live incident's new entries and the marks others changed said in a status region,
a refused incident form's errors beside their fields, and the editor's dates and times shown
whole.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect
from tests.server.conftest import (
    browser_login,
    needs_chromium,
    settled,
    shoot_desktop_and_phone,
)

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]


def test_a_refused_login_is_said_and_tied_to_the_fields(live_server: Any, browser: Any) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    error = page.locator("#login-error")
    assert error.get_attribute("role") == "alert"
    for name in ("username", "password"):
        field = page.locator(f"input[name={name}]")
        assert field.get_attribute("aria-invalid") == "true"
        assert field.get_attribute("aria-describedby") == "login-error"
    assert page.title().startswith("Log in failed")


def test_skip_link_and_the_current_page(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    make_user("ann", "author", team="sre")
    make_pm("PM-NAV", teams="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "ann", password="pw-ann")
    page.goto(f"{base}/actions/overdue/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    menu = page.locator("header nav a[aria-current=page]")
    assert menu.inner_text() == "Action items"
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Overdue"
    page.goto(f"{base}/")
    assert page.locator("header nav a[aria-current=page]").inner_text() == "Library"
    page.goto(f"{base}/p/PM-NAV/")  # a postmortem's page is the library's
    assert page.locator("header nav a[aria-current=page]").inner_text() == "Library"
    page.goto(f"{base}/password/")  # no menu entry: none is marked
    assert page.locator("header nav a[aria-current=page]").count() == 0


def test_the_live_lint_announces_its_count_alone(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    make_user("ann", "author", team="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "ann", password="pw-ann")
    page.goto(f"{base}/new/")
    assert page.locator("#side").get_attribute("aria-live") is None  # replaced at each pause
    page.locator("#text").fill("# Only a title\n")
    status = page.locator("#lint-status[role=status]")
    status.filter(has_text="Lint:").wait_for(state="attached")
    said = status.text_content() or ""
    count = page.locator("#side #findings li").count()
    assert said.startswith(f"Lint: {count} finding")


def test_the_focus_stays_in_a_region_htmx_replaces(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    make_user("ann", "author", team="sre")
    make_pm("PM-FOCUS", teams="sre")
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "ann", password="pw-ann")
    page.goto(f"{base}/p/PM-FOCUS/")
    add = settled(page, "#factors form.factor-add button")
    add.focus()
    page.keyboard.press("Enter")
    page.locator("#factors li.factor-confirmed").wait_for()
    page.locator("#factors :focus").wait_for()  # the focus is inside the region it replaced
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"


@pytest.mark.parametrize("path", ["/search/?q=certificate", "/new/", "/actions/"])
def test_no_page_is_wider_than_a_320_px_screen(
    live_server: Any, browser: Any, make_user: Any, path: str
) -> None:
    make_user("ann", "author", team="sre")
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], width
    assert page.evaluate("window.scrollX") == 0


# Each visible field of the review panel (and of a thread moved beside its section): the names of
# the visible <label>s it has, without the text of the controls inside them; empty when it has none.
FIELD_LABELS_JS = """() => Array.from(document.querySelectorAll(
    '#workflow :is(input, select, textarea), aside.notes :is(input, select, textarea)'))
  .filter(f => f.type !== 'hidden' && f.checkVisibility())
  .map(f => [f.name, f.getAttribute('aria-label'), Array.from(f.labels)
    .filter(l => l.checkVisibility())
    .map(l => { const c = l.cloneNode(true);
      c.querySelectorAll('input, select, textarea').forEach(e => e.remove());
      return c.textContent.trim(); })
    .filter(Boolean)])"""


def test_every_field_of_the_review_panel_has_a_visible_label(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    import datetime as dt

    from tests.server.workflow_fixtures import clean_text

    from postmortems.server.library import store
    from postmortems.server.workflow import comments, services

    alice, bob = make_user("alice", "author"), make_user("bob", "reviewer")
    make_user("carol", "reviewer")  # one more the author may add
    pm = store.create(clean_text("PM-LABELS", severity="SEV3"), alice).postmortem  # bob suffices
    now = dt.datetime.now(dt.UTC)
    services.request_review(pm, alice, [bob], now=now)
    services.answer(pm, bob, True, now=now)
    comments.add(pm, bob, "Who was paged?", now=now, section="Timeline")  # beside its section
    comments.add(pm, bob, "Reads well.", now=now)  # on the whole text: stays in the panel
    connections.close_all()
    base = live_server.url
    for name, shown in (
        ("alice", ("combobox:Reviewer", "textbox:Comment", "textbox:Your reply")),
        ("bob", ("textbox:What should change", "textbox:Note (optional)", "textbox:Your reply")),
    ):
        page = browser_login(browser, base, name, password=f"pw-{name}")
        page.goto(f"{base}/p/PM-LABELS/")
        page.locator("aside.notes .thread").wait_for()
        fields = page.evaluate(FIELD_LABELS_JS)
        assert fields, name
        for field, aria_label, labels in fields:
            assert labels, (name, field)  # a visible label, not a placeholder alone
            assert aria_label is None, (name, field, aria_label)  # which would hide the label
        for role_name in shown:  # the name a screen reader says is the label one sees
            role, label = role_name.split(":")
            assert page.get_by_role(role, name=label, exact=True).count() >= 1, (name, label)
        shoot_desktop_and_phone(page, f"review-panel-{name}", "PM_SHOTS_DIR")


def test_the_editor_preview_keeps_the_page_to_one_h1(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any
) -> None:
    make_user("ann", "author", team="sre")
    make_pm("PM-HEADS", teams="sre")
    connections.close_all()
    base, title = live_server.url, "Checkout API returned 502s"
    page = browser_login(browser, base, "ann", password="pw-ann")
    page.goto(f"{base}/p/PM-HEADS/edit/")
    preview = page.get_by_role("region", name="Preview")
    preview.get_by_role("heading", name=title, level=2).wait_for()
    assert page.locator("h1").all_inner_texts() == [f"Edit {title}"]
    assert preview.get_by_role("heading", name="Timeline", level=3).count() == 1
    _hovered_heading_shows_its_link(page, preview.locator("h3#timeline"))
    shoot_desktop_and_phone(page, "editor-preview", "PM_SHOTS_DIR")
    page.goto(f"{base}/p/PM-HEADS/")  # the postmortem's own page keeps its title as its h1
    assert page.locator("h1").all_inner_texts() == [title]
    assert page.get_by_role("heading", name="Timeline", level=2).count() == 1
    _hovered_heading_shows_its_link(page, page.locator("h2#timeline"))


def _hovered_heading_shows_its_link(page: Any, heading: Any) -> None:
    """The section's "#" link is hidden until its heading is hovered, a level lower or not."""
    anchor = heading.locator("a.anchor")
    opacity = "e => getComputedStyle(e).opacity"
    page.mouse.move(0, 0)
    assert anchor.evaluate(opacity) == "0"
    heading.hover()
    assert anchor.evaluate(opacity) == "1"


def _incident_page(live_server: Any, browser: Any, make_user: Any) -> tuple[Any, Any, Any]:
    """(incident, its page in the browser, ann): ann, an author of team sre, declared it."""
    from django.utils import timezone

    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    incident = services.declare("Checkout slow", ann, team="sre", now=timezone.now())
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann")
    page.goto(f"{live_server.url}/incidents/{incident.key}/")
    return incident, page, ann


def test_a_live_incident_says_how_many_entries_a_poll_brought(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    from django.db import transaction
    from django.utils import timezone

    from postmortems.server.incidents import services

    incident, page, ann = _incident_page(live_server, browser, make_user)
    status = page.locator("#live-status[role=status]")
    assert status.text_content() == ""
    assert page.locator("#live").get_attribute("aria-live") is None  # replaced at each change
    with transaction.atomic():  # one poll brings both
        services.note(incident, "Rolled back deploy 42", ann, timezone.now())
        services.note(incident, "Errors dropping", ann, timezone.now())
    connections.close_all()
    page.locator("#live tr.note", has_text="Errors dropping").wait_for()
    expect(status).to_have_text("2 new timeline entries")
    services.note(incident, "Recovered", ann, timezone.now())
    connections.close_all()
    expect(status).to_have_text("1 new timeline entry")
    # a mark someone else changed is news too
    first = incident.events.get(text="Rolled back deploy 42")
    with transaction.atomic():
        services.flag(incident, first.pk, "key_moment", True, ann)
        services.flag(incident, first.pk, "misleading", True, ann)
    connections.close_all()
    page.locator(f"#event-{first.pk}.key.misleading").wait_for()
    expect(status).to_have_text("1 entry marked as a key moment; 1 entry marked misleading")
    services.flag(incident, first.pk, "key_moment", False, ann)
    connections.close_all()
    expect(status).to_have_text("1 entry unmarked as a key moment")
    shoot_desktop_and_phone(page, "incident-live", "PM_SHOTS_DIR")


def test_a_refused_incident_form_ties_each_error_to_its_field(
    live_server: Any, browser: Any, make_user: Any
) -> None:
    from playwright.sync_api import expect

    _, page, _ = _incident_page(live_server, browser, make_user)
    role = page.locator("form[action$='/role/']")
    # The field suggests the accounts (a datalist): to assistive technology it is a combobox.
    role.get_by_role("combobox", name="Person").fill("bad name!")
    role.get_by_role("button").click()
    person = page.locator("form[action$='/role/']").get_by_role("combobox", name="Person")
    expect(person).to_have_attribute("aria-invalid", "true")
    expect(person).to_have_accessible_description(
        "give a user name: letters, digits and . @ + - _ only"
    )
    expect(person).to_have_value("bad name!")
    assert "Person: give a user name" in page.locator(".messages [role=alert]").inner_text()
    assert page.locator("[aria-invalid]").count() == 1
    shoot_desktop_and_phone(page, "incident-refused-field", "PM_SHOTS_DIR")


# Each date-and-time field of the editor's front matter: [its width, the width it needs to show
# its whole value, AM/PM included (the same field sized to its content, beside it)].
DATETIME_WIDTHS_JS = """() => Array.from(document.querySelectorAll(
    '#fields input[type=datetime-local]')).map(input => {
  const natural = input.cloneNode();
  natural.value = input.value;
  Object.assign(natural.style, {fieldSizing: 'content', position: 'absolute', width: 'auto',
                                maxWidth: 'none', minWidth: '0'});
  input.after(natural);
  const widths = [input.value, input.getBoundingClientRect().width,
                  natural.getBoundingClientRect().width];
  natural.remove();
  return widths;
})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_editor_s_dates_and_times_are_not_cut(
    live_server: Any, browser: Any, make_user: Any, make_pm: Any, width: int
) -> None:
    make_user("ann", "author", team="sre")
    make_pm("PM-TIMES", teams="sre")
    connections.close_all()
    # en-US writes the widest value (12-hour clock, AM/PM), whatever the machine's locale is
    page = browser_login(browser, live_server.url, "ann", password="pw-ann", locale="en-US")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/p/PM-TIMES/edit/")
    page.locator("#fields").wait_for()
    assert page.evaluate("navigator.language") == "en-US"
    fields = page.evaluate(DATETIME_WIDTHS_JS)
    assert [value for value, _, _ in fields] == ["2024-02-12T04:00", "2024-02-12T06:30"]
    for value, shown, needed in fields:
        assert shown >= needed, (value, shown, needed)
    if width == 1280:
        shoot_desktop_and_phone(page, "editor-fields", "PM_SHOTS_DIR")
