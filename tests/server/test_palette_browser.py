"""In Chromium, a state has one colour wherever the server shows it: an action item's state in
the review panel and in the body's action table, an incident's status and severity in the list,
on its page, in the open-incident banner and in the inbox; the four tones of the palette differ,
and every badge meets WCAG AA contrast in the light and the dark theme.

Screenshots (1280 px and a 390 px phone) go to ``PM_SHOTS_DIR`` when it is set."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from tests.render.test_browser import CONTRAST_JS
from tests.server.conftest import browser_login, doc_text, needs_chromium, shoot_desktop_and_phone

SERVER = Path(__file__).resolve().parents[2] / "src" / "postmortems" / "server"
STATES = ("open", "in-progress", "done", "wont-do")

# The colours a badge shows: its text, its background, its border.
LOOK_JS = """els => els.map(e => { const s = getComputedStyle(e);
  return [s.color, s.backgroundColor, s.borderTopColor].join(' / '); })"""


def test_no_server_stylesheet_colours_a_state_of_its_own() -> None:
    """The server's CSS names no `.st-…` colour: the palette in render.css is the only one."""
    for sheet in SERVER.glob("*/static/*/*.css"):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)
        rules = re.findall(r"[^{}]*\.st-[\w-]+[^{}]*\{[^{}]*color[^{}]*\}", css)
        assert rules == [], sheet


def test_every_item_state_has_a_tone() -> None:
    from postmortems.render.theme import STATE_TONES
    from postmortems.server.workflow.models import ActionItem

    toned = {s for states in STATE_TONES.values() for s in states}
    assert set(ActionItem.State.values) <= toned
    assert set(STATES) == set(ActionItem.State.values)


def _looks(page: Any, selector: str) -> set[str]:
    found = page.locator(selector)
    assert found.count(), selector
    return set(found.evaluate_all(LOOK_JS))


@pytest.mark.django_db(transaction=True)
@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_item_state_has_one_colour_in_the_panel_and_the_table(
    live_server: Any, browser: Any, make_user: Any, scheme: str
) -> None:
    from postmortems.server.library import store
    from postmortems.server.workflow.models import ActionItem

    make_user("ann", "author", team="sre")
    tasks = "".join(f"- [ ] Task number {n} (owner: @ann)\n" for n in range(1, 4))
    pm = store.create(doc_text("PM-T-1", teams="sre") + tasks, None).postmortem
    items = ActionItem.objects.filter(postmortem=pm).order_by("position")
    for item, state in zip(items, STATES, strict=True):
        ActionItem.objects.filter(pk=item.pk).update(status=state)
    connections.close_all()
    page = browser_login(browser, live_server.url, "ann", password="pw-ann", color_scheme=scheme)
    page.goto(f"{live_server.url}/p/PM-T-1/")
    tones = []
    for state in STATES:
        table = _looks(page, f"table.pm-actions .status-{state}")
        panel = _looks(page, f"#workflow .item .badge.st-{state}")
        assert len(table) == 1
        assert table == panel, state  # open was orange in the table and grey in the panel
        tones.append(table.pop().split(" / ")[:2])
    assert len({tuple(t) for t in tones}) == 4  # four states, four tones
    contrast = page.evaluate(CONTRAST_JS)
    assert contrast["bad"] == []
    if scheme == "light":
        shoot_desktop_and_phone(page, "palette-items", "PM_SHOTS_DIR")


@pytest.mark.django_db(transaction=True)
@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_incident_s_status_and_severity_look_the_same_on_every_page(
    live_server: Any, browser: Any, make_user: Any, scheme: str
) -> None:
    from django.utils import timezone

    from postmortems.server.incidents.services import change_status, declare

    ann = make_user("ann", "author", team="sre")
    now = timezone.now()
    live = declare("Checkout errors", ann, severity="SEV1", team="sre", now=now)
    ended = declare("Search timeouts", ann, severity="SEV2", team="sre", now=now)
    for status in ("investigating", "identified", "monitoring", "resolved"):
        change_status(ended, status, ann, now=now)
    connections.close_all()
    base = live_server.url
    page = browser_login(browser, base, "ann", password="pw-ann", color_scheme=scheme)
    seen: dict[str, list[set[str]]] = {"SEV1": [], "SEV2": [], "triage": [], "resolved": []}
    for path in ("/incidents/", f"/incidents/{live.key}/", f"/incidents/{ended.key}/", "/inbox/"):
        page.goto(base + path)
        for name in seen:
            selector = f".badge.sev-{name.lower()}" if name.startswith("SEV") else f".st-{name}"
            if page.locator(f"main {selector}").count():
                seen[name].append(_looks(page, f"main {selector}"))
        assert page.evaluate(CONTRAST_JS)["bad"] == [], path
    for name, looks in seen.items():
        assert len(looks) >= 2, name  # shown on two pages at least ...
        assert len(set().union(*looks)) == 1, (name, looks)  # ... and alike on all
    if scheme == "light":
        page.goto(base + "/incidents/")
        shoot_desktop_and_phone(page, "palette-incidents", "PM_SHOTS_DIR")
