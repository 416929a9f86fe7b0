"""The alert inbox's actions: open an incident from an alert, attach it to an open incident,
dismiss it and undo that; who may, and what a restricted alert never does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from tests.server.incident_fixtures import am_alert, am_payload, integration, logged_in, post

pytestmark = pytest.mark.django_db

STARTS = "2026-03-01T10:00:00Z"
FIRED = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def _alert(fingerprint: str) -> Any:
    from postmortems.server.incidents.models import Alert

    return Alert.objects.select_related("integration").get(fingerprint=fingerprint)


@pytest.fixture
def prod(client: Client) -> tuple[Any, str]:
    """Team sre's Alertmanager, with a warning in the inbox (``w1``, service checkout)."""
    integ, secret = integration("prod", team="sre")
    warning = am_alert("w1", severity="warning", starts=STARTS)
    assert post(client, integ, secret, am_payload("w", warning)).status_code == 200
    return integ, secret


@pytest.fixture
def vault(client: Client) -> Any:
    """Team sec's restricted integration, with a restricted warning in the inbox (``v1``)."""
    integ, secret = integration("vault", team="sec", restricted=True)
    warning = am_alert("v1", severity="warning", service="vault")
    assert post(client, integ, secret, am_payload("v", warning)).status_code == 200
    return _alert("v1")


def _declare(user: Any, title: str, **kw: Any) -> Any:
    from django.utils import timezone

    from postmortems.server.incidents import services

    return services.declare(title, user, now=timezone.now(), **kw)


def _page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _error(response: Any, at: str) -> str:
    found = _page(response).select_one(f"#{at}-error")
    return found.get_text() if found else ""


DECLARE = {"severity": "SEV3", "team": "sre", "services": "checkout", "timezone": "UTC"}


# --- open an incident from an alert -----------------------------------------------------------


def test_the_alert_page_fills_the_declare_form_from_the_alert(
    make_user: Any, prod: Any, client: Client
) -> None:
    from postmortems.server.incidents.models import Integration

    Integration.objects.filter(pk=prod[0].pk).update(timezone="Europe/Berlin")
    me = logged_in(make_user("ann", "author", team="sre"))
    alert = _alert("w1")
    page = _page(me.get(f"/incidents/inbox/{alert.pk}/"))
    form = page.select_one(f"form[action='/incidents/inbox/{alert.pk}/open/']")
    assert form.select_one("input[name=title]")["value"] == "alert w1"
    assert form.select_one("select[name=severity] option[selected]").text == "SEV4"  # warning
    assert form.select_one("input[name=team]")["value"] == "sre"
    assert form.select_one("input[name=services]")["value"] == "checkout"
    assert form.select_one("input[name=timezone]")["value"] == "Europe/Berlin"
    assert not form.select_one("input[name=restricted]").has_attr("checked")
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    # its labels, and the three times in the integration's zone
    text = " ".join(page.get_text(" ").split())
    assert "alertname A-w1" in text
    assert "Fired 2026-03-01 11:00:00 CET" in text


def test_opening_an_incident_attaches_the_alert_and_lands_on_the_incident(
    make_user: Any, prod: Any
) -> None:
    from postmortems.incident.draft import draft_postmortem
    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    me = logged_in(ann)
    alert = _alert("w1")
    data = {**DECLARE, "title": "Checkout slow in eu", "severity": "SEV2"}
    answer = me.post(f"/incidents/inbox/{alert.pk}/open/", data)
    alert.refresh_from_db()
    incident = alert.incident
    assert answer.status_code == 302
    assert answer["Location"] == f"/incidents/{incident.key}/"
    assert (incident.title, incident.severity, incident.team) == (
        "Checkout slow in eu",
        "SEV2",
        "sre",
    )
    assert incident.services == ["checkout"]
    assert incident.opened_by == ann
    entry = incident.events.get(kind="alert-fired")
    assert entry.text == "Alert attached: alert w1"
    assert entry.at == FIRED  # where routing puts an alert: its start, before it was received
    assert (entry.author, entry.user) == ("alertmanager/prod", ann)
    # the incident was detected by the alert, and impact began then
    assert incident.events.filter(kind="status-change").count() == 1
    incident.refresh_from_db()
    assert incident.detected == incident.started == FIRED
    draft = draft_postmortem(services.domain(incident))
    assert "Detected by an alert (alertmanager/prod): alert w1." in draft
    assert " - Declared by ann from the alert inbox." in draft  # when, who and how
    assert "Alert attached" not in draft
    assert "alert w1" not in me.get("/incidents/inbox/").content.decode()
    live = _page(me.get(f"/incidents/{incident.key}/"))
    row = " ".join(live.select_one("tr.alert-fired").get_text(" ").split())
    assert "Alert attached: alert w1" in row
    assert "via ann" in row
    # Beside the time to acknowledge (from the alert): how long the alert waited in the inbox
    response = [[td.get_text(" ", strip=True) for td in tr("td")] for tr in live("tr")]
    waited = next(r for r in response if r[:1] == ["Time in inbox"])
    assert waited[1].endswith("(from the alert reaching us to the declaration)")
    assert [r[0] for r in response if r[:1] in (["Time to acknowledge"], ["Time in inbox"])] == [
        "Time to acknowledge",
        "Time in inbox",
    ]


def test_a_refused_declaration_comes_back_with_what_was_typed(make_user: Any, prod: Any) -> None:
    from postmortems.server.incidents.models import Incident

    me = logged_in(make_user("ann", "author", team="sre"))
    alert = _alert("w1")
    blank = me.post(f"/incidents/inbox/{alert.pk}/open/", {**DECLARE, "title": "  ", "team": "x"})
    assert blank.status_code == 400
    assert _error(blank, "open-title")
    other = {**DECLARE, "title": "Mine now", "team": "web"}
    refused = me.post(f"/incidents/inbox/{alert.pk}/open/", other)
    assert refused.status_code == 403
    assert "author role in team web" in _error(refused, "open-team")
    assert _page(refused).select_one("#open-title")["value"] == "Mine now"  # nothing lost
    assert not Incident.objects.exists()
    alert.refresh_from_db()
    assert alert.incident is None


def test_the_refusal_of_several_fields_reads_as_one_sentence(make_user: Any, prod: Any) -> None:
    """Each field's message joined with "; ", without Django's full stop before it."""
    me = logged_in(make_user("ann", "author", team="sre"))
    alert = _alert("w1")
    sent = {**DECLARE, "title": "", "timezone": "Mars/Olympus"}
    refused = me.post(f"/incidents/inbox/{alert.pk}/open/", sent)
    assert refused.status_code == 400
    said = _page(refused).select_one(".messages").get_text()
    assert "Title: This field is required; Timezone: " in said, said
    assert ".;" not in said


def test_a_restricted_alert_opens_only_an_incident_restricted_to_its_team(
    make_user: Any, vault: Any
) -> None:
    from postmortems.server.incidents.models import Incident

    me = logged_in(make_user("sid", "author", team="sec"))
    page = _page(me.get(f"/incidents/inbox/{vault.pk}/"))
    assert page.select_one("#open-restricted").has_attr("checked")  # filled in restricted
    data = {**DECLARE, "title": "Vault", "team": "sec"}
    refused = me.post(f"/incidents/inbox/{vault.pk}/open/", data)  # the box unticked
    assert refused.status_code == 403
    assert "restricted to team sec" in _error(refused, "open-restricted")
    assert not Incident.objects.exists()
    answer = me.post(f"/incidents/inbox/{vault.pk}/open/", {**data, "restricted": "on"})
    assert answer.status_code == 302
    incident = Incident.objects.get()
    assert (incident.restricted, incident.team) == (True, "sec")


# --- attach to an open incident ---------------------------------------------------------------


def test_attaching_joins_the_incident_as_a_routed_alert_does(
    make_user: Any, prod: Any, client: Client
) -> None:
    """The row's fields, the entry (but its lead) and its external id are routing's: the same
    payload sent again adds nothing, and the alert's resolution reaches the incident."""
    integ, secret = prod
    ann = make_user("ann", "author", team="sre")
    # A routed alert for comparison: a critical one opens an incident of its own.
    post(client, integ, secret, am_payload("c", am_alert("c1", starts=STARTS, service="pay")))
    routed = _alert("c1")
    target = _declare(ann, "Checkout errors", team="sre", services=["checkout"])
    alert = _alert("w1")
    answer = logged_in(ann).post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": target.key})
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"/incidents/{target.key}/#event-")
    alert.refresh_from_db()
    assert (alert.incident, alert.team, alert.restricted) == (target, "sre", False)
    entry = target.events.get(kind="alert-fired")
    by_routing = routed.incident.events.get(kind="alert-fired")
    assert entry.text == by_routing.text.replace("alert c1", "alert w1").replace(
        "Alert fired", "Alert attached"
    )
    assert (entry.at, entry.author, entry.link) == (
        by_routing.at,
        by_routing.author,
        by_routing.link,
    )
    assert entry.external_id == by_routing.external_id.replace("c1", "w1")
    again = am_payload("w", am_alert("w1", severity="warning", starts=STARTS))
    assert post(client, integ, secret, again).json()["events"] == 0
    ends = "2026-03-01T10:30:00Z"
    gone = am_alert("w1", severity="warning", starts=STARTS, status="resolved", ends=ends)
    post(client, integ, secret, am_payload("w", gone, status="resolved"))
    resolved = target.events.get(kind="alert-resolved")
    assert resolved.text == "Alert resolved: alert w1"
    assert resolved.at == FIRED + dt.timedelta(minutes=30)


def test_attaching_an_alert_that_resolved_brings_its_resolution(
    make_user: Any, prod: Any, client: Client
) -> None:
    integ, secret = prod
    ann = make_user("ann", "author", team="sre")
    ends = "2026-03-01T10:12:00Z"
    gone = am_alert("w1", severity="warning", starts=STARTS, status="resolved", ends=ends)
    post(client, integ, secret, am_payload("w", gone, status="resolved"))
    target = _declare(ann, "Checkout errors", team="sre")
    alert = _alert("w1")
    logged_in(ann).post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": target.key})
    kinds = list(target.events.order_by("at", "id").values_list("kind", "at"))
    assert ("alert-fired", FIRED) in kinds
    assert ("alert-resolved", FIRED + dt.timedelta(minutes=12)) in kinds


def test_the_inbox_offers_the_open_incidents_the_user_may_change(
    make_user: Any, prod: Any, vault: Any
) -> None:
    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    make_user("sid", "author", team="sec")
    boss = make_user("root", superuser=True)
    make_user("wes", "author", team="web")
    mine = _declare(ann, "Checkout errors", team="sre")
    ended = _declare(ann, "Old one", team="sre")
    services.change_status(ended, "resolved", ann, ended.created + dt.timedelta(minutes=1))
    theirs = _declare(boss, "Web outage", team="web")
    secret = _declare(boss, "Vault breach", team="sec", restricted=True)
    page = _page(logged_in(ann).get("/incidents/inbox/"))
    row = page.select_one(f"#alert-{_alert('w1').pk}")
    offered = [o["value"] for o in row.select("select[name=incident] option[value]") if o["value"]]
    assert offered == [mine.key]
    assert "Checkout errors" in row.select_one("select[name=incident]").get_text()
    for other in (ended, theirs, secret):
        assert other.key not in page.text
    # A member of sec: the restricted alert is offered only the restricted incident of sec.
    sec = _page(logged_in(make_user("sue", "author", team="sec")).get("/incidents/inbox/"))
    options = sec.select(f"#alert-{vault.pk} select[name=incident] option[value]")
    assert [o["value"] for o in options if o["value"]] == [secret.key]


def test_attaching_is_refused_for_an_incident_closed_hidden_or_not_yours(
    make_user: Any, prod: Any
) -> None:
    from postmortems.server.incidents import services

    ann = make_user("ann", "author", team="sre")
    boss = make_user("root", superuser=True)
    ended = _declare(ann, "Old one", team="sre")
    services.change_status(ended, "resolved", ann, ended.created + dt.timedelta(minutes=1))
    services.change_status(ended, "closed", ann, ended.created + dt.timedelta(minutes=2))
    make_user("wes", "author", team="web")
    theirs = _declare(boss, "Web outage", team="web")
    make_user("sue", "author", team="sec")
    hidden = _declare(boss, "Vault breach", team="sec", restricted=True)
    alert = _alert("w1")
    me = logged_in(ann)
    url = f"/incidents/inbox/{alert.pk}/attach/"
    closed = me.post(url, {"incident": ended.key, "then": "inbox"})
    assert closed.status_code == 409
    assert f"{ended.key} is closed" in _error(closed, "attach-incident")
    not_mine = me.post(url, {"incident": theirs.key})
    assert not_mine.status_code == 403
    assert "cannot change" in _error(not_mine, "attach-incident")
    # A hidden incident answers as one that does not exist: the refusal confirms nothing.
    unseen = me.post(url, {"incident": hidden.key})
    missing = me.post(url, {"incident": "INC-1999-0001"})
    assert unseen.status_code == missing.status_code == 400
    assert _error(unseen, "attach-incident") == f"no incident {hidden.key} that you may see"
    assert "Vault breach" not in unseen.content.decode()
    empty = me.post(url, {"incident": ""})
    assert empty.status_code == 400
    assert _error(empty, "attach-incident")
    alert.refresh_from_db()
    assert alert.incident is None


def test_a_restricted_alert_joins_only_an_incident_restricted_to_its_team(
    make_user: Any, vault: Any
) -> None:
    """Everyone who reads the incident reads the alert: an open incident, or one restricted to
    another team, would show the alert's text to people who may not see it."""
    sue = make_user("sue", "admin", team="sec")
    for team in ("sre", "web"):
        from postmortems.server.accounts.models import set_role

        set_role(sue, team, "author")
    open_one = _declare(sue, "Everyone's", team="sec")
    other = _declare(sue, "Web's secret", team="web", restricted=True)
    own = _declare(sue, "Vault breach", team="sec", restricted=True)
    me = logged_in(sue)
    url = f"/incidents/inbox/{vault.pk}/attach/"
    for target in (open_one, other):
        refused = me.post(url, {"incident": target.key})
        assert refused.status_code == 409
        assert "restricted to team sec" in _error(refused, "attach-incident")
        assert not target.events.filter(kind="alert-fired").exists()
    assert me.post(url, {"incident": own.key, "then": "inbox"}).status_code == 302
    vault.refresh_from_db()
    assert vault.incident == own
    assert vault.restricted


def test_an_unrestricted_alert_may_join_a_restricted_incident(make_user: Any, prod: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    target = _declare(ann, "Quiet one", team="sre", restricted=True)
    alert = _alert("w1")
    logged_in(ann).post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": target.key})
    alert.refresh_from_db()
    assert (alert.incident, alert.restricted) == (target, True)  # as its incident, like routing


def test_from_the_inbox_attaching_goes_back_to_the_inbox(make_user: Any, prod: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    target = _declare(ann, "Checkout errors", team="sre")
    me = logged_in(ann)
    alert = _alert("w1")
    answer = me.post(
        f"/incidents/inbox/{alert.pk}/attach/", {"incident": target.key, "then": "inbox"}
    )
    assert answer["Location"] == "/incidents/inbox/"
    inbox = _page(me.get("/incidents/inbox/"))
    said = inbox.select_one("ul.messages li")
    assert said.get_text() == f"“alert w1” attached to {target.key}."
    # the incident is a link away, at the entry the alert made there
    entry = target.events.get(text="Alert attached: alert w1")
    assert said.a["href"] == f"/incidents/{target.key}/#event-{entry.pk}"
    assert "The inbox is empty." in inbox.get_text()


def test_the_attached_message_keeps_an_alert_s_words_as_text(
    make_user: Any, client: Client
) -> None:
    """The message links the incident: the alert's summary in it stays text, never HTML."""
    integ, secret = integration("prod", team="sre")
    warning = am_alert("w2", severity="warning", starts=STARTS)
    warning["annotations"]["summary"] = "<b>disk</b> full"
    assert post(client, integ, secret, am_payload("w", warning)).status_code == 200
    ann = make_user("ann", "author", team="sre")
    target = _declare(ann, "Disk", team="sre")
    me = logged_in(ann)
    alert = _alert("w2")
    me.post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": target.key, "then": "inbox"})
    said = _page(me.get("/incidents/inbox/")).select_one("ul.messages li")
    assert said.find("b") is None
    assert said.get_text().startswith("“<b>disk</b> full” attached to")


# --- dismiss, undo, and the alert firing again ------------------------------------------------


def test_dismiss_then_undo(make_user: Any, prod: Any) -> None:
    from postmortems.server.incidents.models import Dismissal

    ann = make_user("ann", "author", team="sre")
    me = logged_in(ann)
    alert = _alert("w1")
    answer = me.post(f"/incidents/inbox/{alert.pk}/dismiss/", {"why": "known flapping check"})
    assert answer.status_code == 302
    assert answer["Location"] == f"/incidents/inbox/?dismissed={alert.pk}"
    inbox = _page(me.get(answer["Location"]))
    assert not inbox.select(f"#alert-{alert.pk}")
    offer = inbox.select_one("form.notice.undo")
    assert offer["action"] == f"/incidents/inbox/{alert.pk}/undo/"
    listed = _page(me.get("/incidents/inbox/dismissed/"))
    row = " ".join(listed.select_one(f"#alert-{alert.pk}").get_text(" ").split())
    assert "by ann" in row
    assert "known flapping check" in row
    dismissal = Dismissal.objects.get()
    assert (dismissal.by, dismissal.why, dismissal.undone) == (ann, "known flapping check", None)
    back = me.post(f"/incidents/inbox/{alert.pk}/undo/", {"then": "dismissed"})
    assert back["Location"] == "/incidents/inbox/dismissed/"
    assert _page(me.get("/incidents/inbox/")).select(f"#alert-{alert.pk}")
    assert "No alert was dismissed." in me.get("/incidents/inbox/dismissed/").content.decode()
    dismissal.refresh_from_db()
    assert dismissal.undone is not None
    assert dismissal.undone_by == ann
    history = _page(me.get(f"/incidents/inbox/{alert.pk}/")).select_one("ul.history").text
    assert "known flapping check" in history
    assert "put back by ann" in history


def test_dismissing_without_a_reason_and_with_too_long_a_one(make_user: Any, prod: Any) -> None:
    me = logged_in(make_user("ann", "author", team="sre"))
    alert = _alert("w1")
    long = me.post(f"/incidents/inbox/{alert.pk}/dismiss/", {"why": "x" * 201})
    assert long.status_code == 400
    assert "200" in _error(long, "dismiss-why")
    assert _page(long).select_one("#dismiss-why")["value"] == "x" * 201  # nothing typed is lost
    assert me.post(f"/incidents/inbox/{alert.pk}/dismiss/", {}).status_code == 302
    again = me.post(f"/incidents/inbox/{alert.pk}/dismiss/", {})
    assert again.status_code == 409
    assert "dismissed by ann" in again.content.decode()


def test_a_new_firing_of_a_dismissed_alert_comes_back_to_the_inbox(
    make_user: Any, prod: Any, client: Client
) -> None:
    """Alertmanager's repeats of the same firing (same fingerprint and start) stay dismissed;
    a new firing (a new start) is a new alert, in the inbox, saying the last one was dismissed."""
    integ, secret = prod
    me = logged_in(make_user("ann", "author", team="sre"))
    first = _alert("w1")
    me.post(f"/incidents/inbox/{first.pk}/dismiss/", {"why": "disk cleanup running"})
    repeat = am_payload("w", am_alert("w1", severity="warning", starts=STARTS))
    assert post(client, integ, secret, repeat).json()["new"] == 0
    assert "alert w1" not in me.get("/incidents/inbox/").content.decode()
    ends = "2026-03-01T10:20:00Z"
    gone = am_alert("w1", severity="warning", starts=STARTS, status="resolved", ends=ends)
    post(client, integ, secret, am_payload("w", gone, status="resolved"))
    assert "alert w1" not in me.get("/incidents/inbox/").content.decode()
    later = am_alert("w1", severity="warning", starts="2026-03-02T08:00:00Z")
    assert post(client, integ, secret, am_payload("w", later)).json()["new"] == 1
    page = _page(me.get("/incidents/inbox/"))
    rows = page.select("table.inbox tbody tr[id]")
    assert len(rows) == 1
    note = rows[0].select_one("small.before").get_text(" ")
    assert "dismissed by ann" in note
    assert "disk cleanup running" in note


def test_dismissing_needs_the_author_role_in_the_alerts_team(make_user: Any, prod: Any) -> None:
    from postmortems.server.incidents.models import Dismissal

    alert = _alert("w1")
    viewer = logged_in(make_user("vic", "viewer", team="sre"))
    assert viewer.post(f"/incidents/inbox/{alert.pk}/dismiss/", {}).status_code == 403
    page = _page(viewer.get("/incidents/inbox/"))
    assert not page.select("table.inbox form")  # a viewer is offered no action
    told = " ".join(page.select_one("main p.muted").get_text().split())
    assert "open an incident from one, attach it" not in told  # nor told to take one
    assert "An author of the alert's team opens an incident" in told
    web = logged_in(make_user("wes", "author", team="web"))
    refused = web.post(f"/incidents/inbox/{alert.pk}/dismiss/", {"why": "not ours"})
    assert refused.status_code == 403
    assert "author role in team sre" in refused.content.decode()
    assert not _page(web.get("/incidents/inbox/")).select("form.dismiss")
    assert not Dismissal.objects.exists()
    anonymous = Client().post(f"/incidents/inbox/{alert.pk}/dismiss/", {})
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]


def test_an_alert_taken_elsewhere_is_refused_not_taken_twice(make_user: Any, prod: Any) -> None:
    ann = make_user("ann", "author", team="sre")
    me = logged_in(ann)
    one = _declare(ann, "One", team="sre")
    two = _declare(ann, "Two", team="sre")
    alert = _alert("w1")
    me.post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": one.key})
    twice = me.post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": two.key})
    assert twice.status_code == 409
    assert "in an incident already" in _page(twice).select_one("ul.messages").text
    assert me.post(f"/incidents/inbox/{alert.pk}/dismiss/", {}).status_code == 409
    assert me.post(f"/incidents/inbox/{alert.pk}/undo/", {}).status_code == 409
    assert not two.events.filter(kind="alert-fired").exists()
    page = _page(me.get(f"/incidents/inbox/{alert.pk}/"))
    assert page.select_one(f"a[href='/incidents/{one.key}/']")
    assert not page.select("form[action$='/attach/']")


def test_a_dismissed_alert_is_neither_attached_nor_opened_until_undone(
    make_user: Any, prod: Any
) -> None:
    ann = make_user("ann", "author", team="sre")
    me = logged_in(ann)
    target = _declare(ann, "One", team="sre")
    alert = _alert("w1")
    me.post(f"/incidents/inbox/{alert.pk}/dismiss/", {})
    refused = me.post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": target.key})
    assert refused.status_code == 409
    assert "dismissed by ann" in refused.content.decode()
    opened = me.post(f"/incidents/inbox/{alert.pk}/open/", {**DECLARE, "title": "x"})
    assert opened.status_code == 409
    me.post(f"/incidents/inbox/{alert.pk}/undo/", {})
    assert (
        me.post(f"/incidents/inbox/{alert.pk}/attach/", {"incident": target.key}).status_code == 302
    )


# --- restricted alerts never leak ---------------------------------------------------------------


def test_outsiders_neither_see_nor_act_on_a_restricted_alert(make_user: Any, vault: Any) -> None:
    from postmortems.server.incidents.models import Dismissal

    sue = make_user("sue", "author", team="sec")
    logged_in(sue).post(f"/incidents/inbox/{vault.pk}/dismiss/", {"why": "vault-secret-why"})
    out = logged_in(make_user("eve", "admin", team="web"))
    mine = _declare(make_user("wes", "author", team="web"), "Web's", team="web")
    base = f"/incidents/inbox/{vault.pk}"
    assert out.get(f"{base}/").status_code == 404
    for path, data in (
        ("open/", {**DECLARE, "title": "x", "team": "web"}),
        ("attach/", {"incident": mine.key}),
        ("dismiss/", {}),
        ("undo/", {}),
    ):
        assert out.post(f"{base}/{path}", data).status_code == 404
    for listing in ("/incidents/inbox/", "/incidents/inbox/dismissed/"):
        html = out.get(listing).content.decode()
        assert "alert v1" not in html
        assert "vault-secret-why" not in html
    assert "alert v1" not in out.get(f"/incidents/inbox/?dismissed={vault.pk}").content.decode()
    assert Dismissal.objects.get().undone is None
    assert not mine.events.filter(kind="alert-fired").exists()
    member = logged_in(make_user("sam", "viewer", team="sec"))
    assert "vault-secret-why" in member.get("/incidents/inbox/dismissed/").content.decode()


def test_a_note_of_an_earlier_dismissal_shows_only_what_the_reader_may_see(
    make_user: Any, client: Client
) -> None:
    """An earlier firing restricted to another team (routing changed since) is not named."""
    from postmortems.server.incidents.models import Alert

    integ, secret = integration("prod", team="sre")
    post(client, integ, secret, am_payload("w", am_alert("w1", severity="warning", starts=STARTS)))
    make_user("sue", "author", team="sec")
    Alert.objects.filter(fingerprint="w1").update(restricted=True, team="sec")
    first = _alert("w1")
    logged_in(make_user("sid", "author", team="sec")).post(
        f"/incidents/inbox/{first.pk}/dismiss/", {"why": "sec-only reason"}
    )
    later = am_alert("w1", severity="warning", starts="2026-03-02T08:00:00Z")
    post(client, integ, secret, am_payload("w", later))
    answer = logged_in(make_user("ann", "author", team="sre")).get("/incidents/inbox/")
    assert "sec-only reason" not in answer.content.decode()
    assert len(_page(answer).select("table.inbox tbody tr[id]")) == 1  # the new firing
    assert not _page(answer).select("small.before")


def test_the_forms_need_their_csrf_token(make_user: Any, prod: Any) -> None:
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(make_user("ann", "author", team="sre"))
    alert = _alert("w1")
    assert guarded.post(f"/incidents/inbox/{alert.pk}/dismiss/", {}).status_code == 403
    page = _page(guarded.get("/incidents/inbox/"))
    assert page.select_one(f"#alert-{alert.pk} form.dismiss input[name=csrfmiddlewaretoken]")


def test_a_bad_list_parameter_is_said_not_ignored(make_user: Any, prod: Any) -> None:
    me = logged_in(make_user("ann", "author", team="sre"))
    answer = me.get("/incidents/inbox/?dismissed=abc")
    assert answer.status_code == 400
    assert "Dismissed alert" in _page(answer).select_one("ul.messages").text


def test_a_row_s_source_link_stands_apart_from_the_alert_s_title(make_user: Any, prod: Any) -> None:
    """Two links side by side read as one title ("… behind on eu-1 source"): a separator."""
    me = logged_in(make_user("ann", "author", team="sre"))
    cell = _page(me.get("/incidents/inbox/")).select_one("table.inbox tbody tr[id] td.main")
    title, source = cell.select("a")[:2]
    assert title.get_text() == "alert w1"
    assert source["href"] == "http://prometheus.example/graph"
    assert title.next_sibling.strip() == "·"
    assert title.next_sibling.next_sibling is source


def test_time_in_inbox_counts_from_when_the_alert_reached_us(
    make_user: Any, client: Client
) -> None:
    from django.utils import timezone

    from postmortems.server.incidents.models import Alert

    integ, secret = integration("prod", team="sre")
    began = (timezone.now() - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert post(
        client, integ, secret, am_payload("w", am_alert("w5", severity="warning", starts=began))
    ).status_code
    Alert.objects.filter(fingerprint="w5").update(
        received=timezone.now() - dt.timedelta(minutes=6, seconds=10)
    )
    me = logged_in(make_user("ann", "author", team="sre"))
    me.post(f"/incidents/inbox/{_alert('w5').pk}/open/", {**DECLARE, "title": "Checkout slow"})
    live = _page(me.get(f"/incidents/{_alert('w5').incident.key}/"))
    response = [[td.get_text(" ", strip=True) for td in tr("td")] for tr in live("tr")]
    waited = next(r for r in response if r[:1] == ["Time in inbox"])
    # 6 minutes in the inbox, not the 5 hours since the sender's startsAt
    assert waited[1].startswith("6 min")


def _alert_times(client: Client, alert: Any) -> tuple[dict[str, str], list[str]]:
    page = _page(client.get(f"/incidents/inbox/{alert.pk}/"))
    rows = page.select("table.times tbody tr")
    times = {tr("td")[0].get_text(strip=True): tr("td")[1].get_text(strip=True) for tr in rows}
    return times, [" ".join(p.get_text().split()) for p in page.select("p.corrected")]


def test_an_alert_ending_before_it_started_is_shown_ended_when_it_fired_and_said(
    make_user: Any, client: Client
) -> None:
    integ, secret = integration("prod", team="sre")
    wrong = am_alert(
        "e1", status="resolved", starts="2026-03-01T19:00:00Z", ends="2026-03-01T18:00:00Z"
    )
    assert post(client, integ, secret, am_payload("e", wrong)).status_code == 200
    me = logged_in(make_user("ann", "author", team="sre"))
    times, said = _alert_times(me, _alert("e1"))
    assert times["Fired"] == times["Ended"] == "2026-03-01 19:00:00 UTC"  # as its timeline
    assert said == [
        "The sender's end (2026-03-01 18:00:00 UTC) is before its start: it is shown, and on "
        "the timeline, as ended when it fired."
    ]


def test_an_alert_starting_in_the_future_is_shown_fired_when_received_and_said(
    make_user: Any, client: Client
) -> None:
    integ, secret = integration("prod", team="sre")
    ahead = am_alert("f1", starts="2099-01-01T00:00:00Z")
    assert post(client, integ, secret, am_payload("f", ahead)).status_code == 200
    me = logged_in(make_user("ann", "author", team="sre"))
    alert = _alert("f1")
    times, said = _alert_times(me, alert)
    assert times["Fired"] == times["Received"] != ""
    assert not times["Fired"].startswith("2099")
    assert said[0].startswith("The sender's start (2099-01-01 00:00:00 UTC) is after the alert")


def test_a_start_a_little_ahead_of_our_clock_is_taken_without_a_word(
    make_user: Any, client: Client
) -> None:
    from django.utils import timezone

    integ, secret = integration("prod", team="sre")
    soon = (timezone.now() + dt.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert post(client, integ, secret, am_payload("s", am_alert("s1", starts=soon))).status_code
    me = logged_in(make_user("ann", "author", team="sre"))
    times, said = _alert_times(me, _alert("s1"))
    assert said == []  # within the clock skew allowed (5 minutes): shown when received
    assert times["Fired"] == times["Received"]
