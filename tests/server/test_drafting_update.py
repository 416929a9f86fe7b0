"""The update offered from an incident to its postmortem once people edited it in review.

Draft → edit the summary, the root cause and a timeline line → the incident changes (its
severity raised, a note marked) → the page and the API offer a diff that keeps every edited
line, and show the record's new summary beside the one people rewrote.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import logged_in, open_incident

from postmortems.document import drafted

pytestmark = pytest.mark.django_db

IMPACT = " About 30% of checkout attempts failed; the root cause was an expired certificate."
ROOT_CAUSE = "The renewal job was lost when the proxy moved hosts, and nothing watched the expiry."
FIXED_TIMELINE = "the team first suspected the CDN and purged it; errors continued."


def _edited_in_review(text: str) -> tuple[str, list[str]]:
    """The text with the summary's sentence completed, a root-cause paragraph above the drafted
    resolution, and the first timeline line rewritten; and the edited lines."""
    lines = text.split("\n")
    edited = []
    for region in reversed(drafted.regions(lines)):
        first = region.open_at + 1
        if region.name == "summary":
            lines[first] += IMPACT
            edited.append(lines[first])
        elif region.name == "resolution":
            lines[first:first] = [ROOT_CAUSE, ""]
            edited.append(ROOT_CAUSE)
        elif region.name == "timeline":
            stamp = lines[first].split(" - ", 2)[:2]
            lines[first] = " - ".join([*stamp, FIXED_TIMELINE])
            edited.append(lines[first])
    return "\n".join(lines), edited


@pytest.fixture
def reviewed(make_user: Any, client: Client) -> tuple[Any, Any, list[str]]:
    """An incident whose postmortem was written and edited in review, then the incident
    changed: its severity raised with a reason, a note marked as a key moment."""
    from postmortems.server.library import store

    opened = open_incident(client)
    ann = make_user("ann", "author", team="sre")
    me = logged_in(ann)
    base = f"/incidents/{opened.key}"
    me.post(f"{base}/status/", {"status": "resolved"})
    me.post(f"{base}/postmortem/", {"profile": "classic"})
    opened.refresh_from_db()
    pm = opened.postmortem
    text, edited = _edited_in_review(pm.text)
    store.update(pm.key, text, ann, pm.version)
    severity = "SEV1" if opened.severity != "SEV1" else "SEV2"
    moved = me.post(f"{base}/severity/", {"severity": severity, "why": "every region"})
    assert moved.status_code == 302
    me.post(f"{base}/note/", {"text": "Found a second cause"})
    note = opened.events.get(text="Found a second cause")
    me.post(f"{base}/flag/", {"event": note.pk, "mark": "key_moment", "on": "1"})
    opened.refresh_from_db()
    assert opened.severity == severity
    return me, opened, edited


def _removed(diff: str) -> list[str]:
    return [x[1:] for x in diff.splitlines() if x.startswith("-") and not x.startswith("---")]


def test_the_page_offers_a_diff_that_keeps_edited_lines(reviewed: Any) -> None:
    me, opened, edited = reviewed
    page = me.get(f"/incidents/{opened.key}/postmortem/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    diff = soup.select_one("pre.diff").get_text()
    assert "Found a second cause" in diff  # the new entry: an addition
    assert "Severity raised" in diff or "Severity lowered" in diff
    removed = _removed(diff)
    for line in edited:
        assert line not in removed
    assert [d.get_text() for d in soup.select("pre.diff span.add") if "second cause" in d.text]
    # the summary people rewrote: said so, with the record's new sentence beside it
    kept = soup.select_one("section[aria-labelledby=kept-summary]")
    assert kept is not None
    assert "edited by people" in kept.select_one("h2").get_text()
    yours, record = (pre.get_text() for pre in kept.select("pre"))
    assert IMPACT.strip() in yours
    assert opened.severity in record
    assert IMPACT.strip() not in record
    assert "3 lines of the drafted parts were written or edited by people" in soup.get_text()
    opened.postmortem.refresh_from_db()
    assert IMPACT in opened.postmortem.text  # offered, never applied


def test_the_api_offers_the_same(reviewed: Any) -> None:
    from django.contrib.auth import get_user_model

    from postmortems.server.accounts.models import ApiToken

    _, opened, edited = reviewed
    _, raw = ApiToken.issue(get_user_model().objects.get(username="ann"), "cli", scope="write")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    offer = api.get(f"/api/incidents/{opened.key}/postmortem").json()
    for line in edited:
        assert line not in _removed(offer["diff"])
    assert [k["part"] for k in offer["kept"]] == ["summary"]
    assert IMPACT.strip() in offer["kept"][0]["text"]
    assert opened.severity in offer["kept"][0]["record"]
    schema = json.loads(api.get("/api/openapi.json").content)
    assert "kept" in schema["components"]["schemas"]["IncidentPostmortemOffer"]["properties"]


def test_a_severity_people_set_is_kept_and_shown_beside_the_records(reviewed: Any) -> None:
    """Set to SEV4 in review, the severity stays SEV4 though the record raised it: not in the
    diff, shown beside the record's on the page and in the API."""
    import re

    from django.contrib.auth.models import User

    from postmortems.server.library import store

    me, opened, _ = reviewed
    pm = opened.postmortem
    pm.refresh_from_db()
    text = re.sub(r"(?m)^severity: SEV\d$", "severity: SEV4", pm.text, count=1)
    store.update(pm.key, text, User.objects.get(username="ann"), pm.version)
    soup = BeautifulSoup(me.get(f"/incidents/{opened.key}/postmortem/").content, "html.parser")
    assert "severity:" not in soup.select_one("pre.diff").get_text()
    kept = soup.select_one("section[aria-labelledby=kept-severity]")
    assert "front-matter field" in kept.get_text()
    yours, record = (pre.get_text() for pre in kept.select("pre"))
    assert (yours, record) == ("severity: SEV4", f"severity: {opened.severity}")
