"""Similar incidents: on the postmortem page and for the text being typed in the editor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.conftest import doc_text

from postmortems.server.library import store
from postmortems.server.library.models import Postmortem

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 4)

POOL = "The database connection pool was exhausted by a retry storm; ECONNRESET everywhere."
CERT = "The TLS certificate expired. We renewed it."


def pm_text(
    key: str, cause: str, date: str, *, services: str = "checkout-api, nginx", **kw: Any
) -> str:
    text = doc_text(key, **kw).replace(CERT, cause).replace("2024-02-12", date)
    return text.replace("services: [checkout-api, nginx]", f"services: [{services}]")


@pytest.fixture
def library(make_user: Any) -> dict[str, Any]:
    store.create(pm_text("PM-OLD", POOL, "2023-05-01"), None)
    store.create(pm_text("PM-CERT", CERT, "2023-06-01", services="billing"), None)
    store.create(pm_text("PM-SECRET", POOL, "2023-07-01", restricted=True, teams="red"), None)
    store.create(pm_text("PM-LATER", POOL, "2025-01-01"), None)
    store.create(pm_text("PM-NEW", POOL.replace("retry storm", "slow query"), "2024-09-01"), None)
    return {
        "outsider": make_user("olga", "author", team="blue"),
        "insider": make_user("ivan", "author", team="red"),
    }


def panel(client: Client, user: Any, key: str) -> BeautifulSoup:
    client.force_login(user)
    page = BeautifulSoup(client.get(f"/p/{key}/").content, "html.parser")
    slot = page.select_one("#similar-incidents")
    assert slot["hx-get"] == f"/insights/similar/{key}/"
    fragment = BeautifulSoup(client.get(slot["hx-get"]).content, "html.parser")
    section = fragment.select_one("section.similar")
    assert section is not None
    return section


def listed(section: Any) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in section.select("ol > li > a")]


def test_the_page_lists_earlier_similar_postmortems_with_reasons_and_items(
    library: dict[str, Any], client: Client
) -> None:
    section = panel(client, library["outsider"], "PM-NEW")
    keys = listed(section)
    assert keys[0] == "PM-OLD"
    assert "PM-LATER" not in keys  # later incidents are not earlier ones
    assert "PM-NEW" not in keys
    first = section.select_one("ol > li")
    reasons = [li.get_text() for li in first.select(".reasons li")]
    assert "shared service: checkout-api" in reasons
    assert any(r.startswith("root cause: ") and "connection" in r for r in reasons)
    assert "error: ECONNRESET" in reasons
    assert not any(r.startswith("error: ") and ":" in r[7:] for r in reasons)  # no clock times
    assert "1 open" in first.select_one(".items").get_text()
    assert "1 overdue" in first.select_one(".items").get_text()  # due 2024-03-01


def test_a_match_below_the_least_score_is_not_listed(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's DNS timeouts against the postmortems before it: what the panel lists is what
    the model ranks, less the matches under MIN_SCORE (the faintest, a few shared words)."""
    from pathlib import Path

    import postmortems.server.demo as demo
    from postmortems.server.accounts.access import access_of
    from postmortems.server.insights import similar

    folder = Path(demo.__file__).with_name("postmortems")
    for path in sorted(folder.glob("00[1-8]-*.md")):
        store.create(path.read_text(encoding="utf-8"), None)
    me = access_of(make_user("olga", "author"))
    target = similar.target_of(Postmortem.objects.get(key="PM-DEMO-008"))
    listed = [s.postmortem.key for s in similar.similar(me, target, today=TODAY)]
    monkeypatch.setattr(similar, "MIN_SCORE", 0.0)
    ranked = similar.similar(me, target, today=TODAY)
    assert any(s.cause_score < 0.03 for s in ranked)  # there is something to leave out
    assert listed == [s.postmortem.key for s in ranked if s.cause_score >= 0.03]


def test_matches_that_only_share_words_are_folded_away_below_the_likely_ones(
    make_user: Any, client: Client
) -> None:
    """The demo's batch job that evicted pods listed five unrelated postmortems for "pods,
    requests" and "shared, moving": a lead read history where there was none. What reads like
    the same failure (the repeat check's measure) comes first; the rest is folded away."""
    from pathlib import Path

    import postmortems.server.demo as demo
    from postmortems.server.accounts.access import access_of
    from postmortems.server.insights import similar

    folder = Path(demo.__file__).with_name("postmortems")
    for path in sorted(folder.glob("00[1-8]-*.md")):
        store.create(path.read_text(encoding="utf-8"), None)
    store.create(pm_text("PM-OLD", POOL, "2023-05-01"), None)
    store.create(pm_text("PM-NEW", POOL.replace("retry storm", "slow query"), "2024-09-01"), None)
    olga = make_user("olga", "author")
    evicted = panel(client, olga, "PM-DEMO-007")
    weaker = evicted.select_one("details.weaker")
    assert evicted.select("ol.likely") == []
    assert "None reads like the same failure" in evicted.get_text()
    assert weaker is not None
    assert weaker.select("ol > li")  # still there, one click away
    pool = panel(client, olga, "PM-NEW")
    assert listed(pool.select_one("ol.likely"))[0] == "PM-OLD"
    found = similar.similar(
        access_of(olga), similar.target_of(Postmortem.objects.get(key="PM-NEW")), today=TODAY
    )
    shown = similar.shown(found)
    assert shown["likely"] + shown["weaker"] == sorted(
        found, key=lambda s: not similar.reads_as_repeat(s)
    )


def test_a_postmortem_with_no_earlier_one_says_so_instead_of_an_empty_list(
    library: dict[str, Any], client: Client
) -> None:
    section = panel(client, library["outsider"], "PM-OLD")  # the earliest of the library
    assert section.select("ol") == []
    assert "No earlier postmortem reads like this one" in section.get_text()


def test_restricted_postmortems_are_only_suggested_to_their_team(
    library: dict[str, Any], client: Client
) -> None:
    assert "PM-SECRET" not in listed(panel(client, library["outsider"], "PM-NEW"))
    assert "PM-SECRET" in listed(panel(Client(), library["insider"], "PM-NEW"))


def test_the_editor_asks_for_similar_incidents_of_the_text_being_typed(
    library: dict[str, Any], client: Client
) -> None:
    client.force_login(library["outsider"])
    editor = BeautifulSoup(client.get("/new/?fresh=1").content, "html.parser")
    slot = editor.select_one("#similar-slot")
    assert slot["hx-post"] == "/insights/similar/"
    assert "delay:" in slot["hx-trigger"]
    draft = pm_text("PM-DRAFT", "Our connection pool ran dry under a retry storm.", "2026-01-01")
    answer = client.post("/insights/similar/", {"text": draft, "key": ""})
    assert answer.status_code == 200
    section = BeautifulSoup(answer.content, "html.parser")
    keys = listed(section)
    assert {"PM-OLD", "PM-NEW", "PM-LATER"} <= set(keys)
    assert "PM-SECRET" not in keys
    assert "PM-CERT" not in keys[:3]


def test_unreadable_draft_text_gets_a_quiet_answer(library: dict[str, Any], client: Client) -> None:
    client.force_login(library["outsider"])
    answer = client.post("/insights/similar/", {"text": "---\ntitle: [unclosed\n---\n"})
    assert answer.status_code == 200
    assert "once the text can be read" in answer.content.decode()
    assert client.get("/insights/similar/").status_code == 405
    assert Client().post("/insights/similar/", {"text": "x"}).status_code == 302  # to log in


def test_the_panel_of_a_postmortem_one_may_not_see_is_not_found(
    library: dict[str, Any], client: Client
) -> None:
    client.force_login(library["outsider"])
    assert client.get("/insights/similar/PM-SECRET/").status_code == 404
    assert client.get("/insights/similar/NOPE/").status_code == 404


def test_a_skeleton_still_to_fill_gets_no_suggestions(
    library: dict[str, Any], client: Client
) -> None:
    """A blank template reads like every postmortem: suggesting matches for it is noise."""
    from postmortems.document.skeleton import Answers, render

    client.force_login(library["outsider"])
    blank = render("classic", Answers(title="Checkout down"))
    answer = client.post("/insights/similar/", {"text": blank, "key": ""}).content.decode()
    assert "once the text says what happened" in answer
    assert "<ol>" not in answer


def test_a_shared_service_alone_is_no_similar_incident(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel lists postmortems whose cause reads like this one's: one that only names the
    same service (its 0.1 for a shared service over the least score) is not listed."""
    from postmortems.server.accounts.access import access_of
    from postmortems.server.insights import similar

    other = (
        "---\ntitle: Partner webhooks blocked\nid: PM-FW\nservices: [checkout-api]\n"
        "started: 2023-05-01T10:00Z\n---\n## Root Cause\n\n"
        "A mis-typed firewall rule blocked the partner's webhooks to checkout for an hour.\n"
    )
    store.create(other, None)
    store.create(pm_text("PM-POOL", POOL, "2023-06-01", services="billing"), None)
    pm = store.create(pm_text("PM-NEW", POOL, "2024-09-01", services="checkout-api"), None)
    me = access_of(make_user("olga", "author"))
    found = {
        s.postmortem.key: s
        for s in similar.similar(me, similar.target_of(pm.postmortem), today=TODAY)
    }
    assert "PM-POOL" in found
    assert "PM-FW" not in found
    monkeypatch.setattr(similar, "MIN_SCORE", 0.0)  # it is a candidate: ranked, then left out
    ranked = similar.similar(me, similar.target_of(pm.postmortem), today=TODAY)
    [fw] = [s for s in ranked if s.postmortem.key == "PM-FW"]
    assert fw.score >= 0.1 > fw.cause_score  # the shared service's bonus made it "similar"


ANALYSIS = """---
title: Proxy down on a Friday
id: PM-ANALYSIS
status: draft
services: [edge-proxy]
started: 2024-01-19T08:00Z
resolved: 2024-01-19T09:00Z
timezone: UTC
---
## Timeline

- 08:00 UTC - The proxy refused TLS handshakes.
- 09:00 UTC - A new certificate was issued by hand.

## Analysis

The certbot renewal job had failed silently for weeks, so the certificate expired.
"""


def test_a_match_without_root_cause_words_to_cite_says_which_words_it_shares(
    make_user: Any, client: Client
) -> None:
    """A postmortem with no summary, root cause or trigger section ("Analysis" instead) is
    matched by the words of its text: the match names them, instead of listing no why."""
    cause = "The certbot renewal job failed silently, so the certificate expired."
    store.create(pm_text("PM-RENEW", cause, "2023-01-10", services="billing"), None)
    store.create(ANALYSIS, None)
    section = panel(client, make_user("olga", "author"), "PM-ANALYSIS")
    assert listed(section) == ["PM-RENEW"]
    reasons = [li.get_text() for li in section.select("ol > li .reasons li")]
    shared = [r for r in reasons if r.startswith("shared words: ")]
    assert reasons  # before: listed with no why at all
    assert len(shared) == 1
    assert {"certbot", "renewal", "certificate"} <= set(
        shared[0].removeprefix("shared words: ").split(", ")
    )
