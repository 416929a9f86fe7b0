"""Alert ingestion: documented payloads open incidents; repeats change nothing; bad ones are 4xx."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client
from tests.server.incident_fixtures import (
    am_alert,
    am_payload,
    counts,
    example,
    integration,
    post,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def _incident() -> Any:
    from postmortems.server.incidents.models import Incident

    return Incident.objects.get()


def test_alertmanager_example_opens_an_incident_with_its_alerts(client: Client) -> None:
    integ, secret = integration(team="sre")
    answer = post(client, integ, secret, example("alertmanager"))
    assert answer.status_code == 200, answer.content
    incident = _incident()
    assert incident.key.startswith("INC-")
    assert len(incident.key) == len("INC-2026-0001")
    assert (incident.status, incident.severity, incident.team) == ("triage", "SEV1", "sre")
    assert incident.services == ["checkout"]
    kinds = list(incident.events.values_list("kind", flat=True))
    # Declared; web-1 fired; web-2 fired and resolved; nobody paged (no on-call for checkout).
    assert sorted(kinds) == sorted(
        ["status-change", "alert-fired", "alert-fired", "alert-resolved", "note"]
    )
    assert answer.json()["incidents"] == [incident.key]
    assert incident.detected is not None
    assert incident.started is not None
    opening = incident.events.get(kind="status-change")
    assert ["via", "alert"] in opening.detail  # "Opened automatically by … when its alert came in"


def test_identical_payload_again_changes_nothing(client: Client) -> None:
    from postmortems.server.incidents.models import Incident

    integ, secret = integration()
    post(client, integ, secret, example("alertmanager"))
    before, revision = counts(), Incident.objects.get().revision
    again = post(client, integ, secret, example("alertmanager"))
    assert again.status_code == 200
    assert again.json()["new"] == 0
    assert again.json()["events"] == 0
    assert counts() == before
    assert Incident.objects.get().revision == revision


def test_grafana_and_generic_examples(client: Client) -> None:
    graf, graf_secret = integration("grafana-prod", "grafana", team="web")
    assert post(client, graf, graf_secret, example("grafana")).status_code == 200
    gen, gen_secret = integration("scripts", "generic", team="db")
    assert post(client, gen, gen_secret, example("generic")).status_code == 200
    from postmortems.server.incidents.models import Incident

    by_team = {i.team: i for i in Incident.objects.all()}
    assert by_team["web"].severity == "SEV2"  # severity: page
    assert by_team["web"].title == "p99 latency above 2 s"
    assert by_team["db"].title == "p99 above 2 s"
    link = by_team["db"].events.get(kind="alert-fired").link
    assert link == "https://grafana.example/d/abc"


def test_group_joins_and_resolution(client: Client) -> None:
    integ, secret = integration()
    post(client, integ, secret, am_payload("g", am_alert("a")))
    post(client, integ, secret, am_payload("g", am_alert("a"), am_alert("b")))
    incident = _incident()  # one: the second critical alert joined the open incident of its group
    assert incident.alerts.count() == 2
    done = am_alert("a", status="resolved", ends="2026-03-01T10:20:00Z")
    answer = post(client, integ, secret, am_payload("g", done, status="resolved"))
    assert answer.json()["changed"] == 1
    resolved = incident.events.get(kind="alert-resolved")
    assert resolved.at.isoformat() == "2026-03-01T10:20:00+00:00"
    assert incident.alerts.get(fingerprint="a").status == "resolved"


def test_non_paging_alerts_go_to_the_inbox(client: Client) -> None:
    integ, secret = integration()
    post(client, integ, secret, am_payload("w", am_alert("w1", severity="warning")))
    assert counts()["incidents"] == 0
    from postmortems.server.incidents.models import Alert

    assert Alert.objects.get().incident is None


def test_routing_rule_opens_for_a_warning(client: Client) -> None:
    from postmortems.server.incidents.models import Incident, RoutingRule

    integ, secret = integration()
    RoutingRule.objects.create(
        integration=None, position=0, matchers='service="db"', action="inbox"
    )
    RoutingRule.objects.create(
        integration=integ,
        position=5,
        matchers='service="db"\nseverity=~"warn.*"',
        action="open",
        team="dba",
        severity="SEV2",
    )
    post(client, integ, secret, am_payload("d", am_alert("d1", severity="warning", service="db")))
    incident = Incident.objects.get()
    assert (incident.team, incident.severity) == ("dba", "SEV2")


def test_a_rule_with_a_bad_regex_is_refused_by_the_admin_and_skipped_if_stored(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    """The server's configuration is not the sender's fault: a stored rule routing cannot use
    is skipped and logged, and the alert is routed by the others (a 4xx would make
    Alertmanager drop it)."""
    from django.core.exceptions import ValidationError

    from postmortems.server.incidents.models import Incident, RoutingRule

    bad = RoutingRule(matchers='severity=~"(("', action="open")
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert "bad regular expression" in str(refused.value.message_dict["matchers"])
    bad.save()  # stored anyway (a shell, or a rule saved before this check)
    integ, secret = integration()
    RoutingRule.objects.create(integration=None, position=1, matchers='service="db"', team="dba")
    answer = post(client, integ, secret, am_payload("d", am_alert("d1", service="db")))
    assert answer.status_code == 200, answer.content
    assert Incident.objects.get().team == "dba"  # the next rule decided
    assert f"routing rule {bad.pk} skipped" in caplog.text


def test_a_hook_url_without_its_trailing_slash_takes_the_post(client: Client) -> None:
    """A redirect (APPEND_SLASH) would make Alertmanager follow it as a GET and drop the alert."""
    from postmortems.server.incidents.models import Incident

    integ, secret = integration()
    body = json.dumps(am_payload("g", am_alert("a1"))).encode()
    answer = client.generic(
        "POST",
        integ.path.rstrip("/"),
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200, answer.content
    assert Incident.objects.count() == 1


def test_the_admin_page_says_why_a_rule_is_refused(make_user: Any) -> None:
    from postmortems.server.incidents.models import RoutingRule

    admin = Client()
    admin.force_login(make_user("root", superuser=True))
    form = {"position": "0", "matchers": 'service=~"[db"', "action": "open"}
    answer = admin.post("/admin/incidents/routingrule/add/", form)
    assert answer.status_code == 200  # the form again, not a redirect
    assert "bad regular expression" in answer.content.decode()
    assert not RoutingRule.objects.exists()


# -- hostile and bad payloads: a clear 4xx, an ingest error, nothing else --------------------


def _refused(client: Client, integ: Any, secret: str, status: int, **kw: Any) -> dict[str, Any]:
    from postmortems.server.incidents.models import IngestError

    before = counts()
    answer = post(client, integ, secret, kw.pop("data", example("alertmanager")), **kw)
    assert answer.status_code == status, answer.content
    body: dict[str, Any] = answer.json()
    assert body["error"]
    assert body["hint"]
    after = counts()
    assert after == {**before, "errors": before["errors"] + 1}
    assert IngestError.objects.all()[0].status == status
    return body


def test_truncated_json(client: Client) -> None:
    integ, secret = integration()
    raw = json.dumps(example("alertmanager")).encode()
    body = _refused(client, integ, secret, 400, raw=raw[:300])
    assert "not valid JSON" in body["error"]
    assert "cut short" in body["hint"]


def test_wrong_version(client: Client) -> None:
    integ, secret = integration()
    data = example("alertmanager")
    data["version"] = "3"
    body = _refused(client, integ, secret, 422, data=data)
    assert body["error"].startswith("/version:")


def test_ten_megabyte_body(client: Client) -> None:
    integ, secret = integration()
    raw = b'{"version": "4", "alerts": ["' + b"x" * (10 * 1024 * 1024) + b'"]}'
    body = _refused(client, integ, secret, 413, raw=raw)
    assert "larger than" in body["error"]


@pytest.mark.parametrize("header", ["", "Bearer nope", "Basic abc", "Bearer "])
def test_wrong_or_missing_secret(client: Client, header: str) -> None:
    integ, _secret = integration()
    from postmortems.server.incidents.models import IngestError

    _refused(client, integ, "", 401, Authorization=header)
    assert "secret" in IngestError.objects.all()[0].error


def test_hmac_signatures(client: Client) -> None:
    from postmortems.incident import signing

    integ, secret = integration("signed", auth="hmac")
    raw = json.dumps(example("alertmanager")).encode()
    now = int(time.time())
    good = {"X-PM-Signature": signing.sign(raw, secret, now)}
    stale = {"X-PM-Signature": signing.sign(raw, secret, now - 3600)}
    wrong = {"X-PM-Signature": signing.sign(raw, "pmh_other", now)}
    assert "old" in _refused(client, integ, "", 401, raw=raw, **stale)["error"]
    assert "does not match" in _refused(client, integ, "", 401, raw=raw, **wrong)["error"]
    assert "missing" in _refused(client, integ, "", 401, raw=raw)["error"]
    # Made-up headers are refused as such, never a 500: a digit that is not ASCII, a non-hex MAC.
    odd = {"X-PM-Signature": f"t={now},v1=é"}
    assert "does not match" in _refused(client, integ, "", 401, raw=raw, **odd)["error"]
    odd = {"X-PM-Signature": "t=²,v1=ab"}
    assert "not unix seconds" in _refused(client, integ, "", 401, raw=raw, **odd)["error"]
    # A bearer secret is not a signature.
    _refused(client, integ, secret, 401, raw=raw)
    assert post(client, integ, "", None, raw=raw, **good).status_code == 200
    assert counts()["incidents"] == 1


def test_unknown_integration_and_method(client: Client) -> None:
    assert client.post("/hooks/alertmanager/nope/", "{}", "application/json").status_code == 404
    integ, _ = integration()
    answer = client.get(integ.path)
    assert answer.status_code == 405
    assert answer.json()["hint"]
    assert counts()["errors"] == 0


def test_ingest_errors_are_bounded() -> None:
    from postmortems.server.incidents import hooks
    from postmortems.server.incidents.models import IngestError

    integ, _ = integration()
    for n in range(hooks.KEEP_ERRORS + 5):
        hooks._keep(integ, hooks.Refused(400, f"e{n}", "h"), b"{}", sender=True)
    assert IngestError.objects.count() == hooks.KEEP_ERRORS
    assert IngestError.objects.all()[0].error == f"e{hooks.KEEP_ERRORS + 4}"


def test_refusals_before_the_sender_is_known_do_not_push_out_the_payloads_refusals(
    client: Client,
) -> None:
    from postmortems.server.incidents import hooks
    from postmortems.server.incidents.models import IngestError

    integ, secret = integration()
    wrong_version = {**example("alertmanager"), "version": "3"}
    assert post(client, integ, secret, wrong_version).status_code == 422
    too_many = b'{"version": "4", "alerts": ["' + b"x" * (2 * 1024 * 1024) + b'"]}'
    assert post(client, integ, secret, None, raw=too_many).status_code == 413  # its sender's
    for n in range(hooks.KEEP_ERRORS + 1):  # more than the payloads' refusals kept
        forged = post(client, integ, "", {}, Authorization=f"Bearer guess{n}")
        assert forged.status_code == 401
    kept = list(IngestError.objects.values_list("status", flat=True))
    assert kept.count(401) == hooks.KEEP_BEFORE_SENDER
    assert kept.count(422) == kept.count(413) == 1  # the real sender's refusals are still there


def test_opening_an_incident_queues_its_announcement(client: Client) -> None:
    from django_tasks_db.models import DBTaskResult

    integ, secret = integration()
    post(client, integ, secret, example("alertmanager"))
    post(client, integ, secret, example("alertmanager"))
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path.endswith("incidents.tasks.announce")
    assert queued.args_kwargs["args"] == [_incident().pk]


def test_milestones_read_from_few_events_equal_those_from_all(client: Client) -> None:
    from postmortems.incident import lifecycle
    from postmortems.server.incidents import services

    integ, secret = integration()
    early = am_alert("b", starts="2026-03-01T09:00:00Z")
    post(client, integ, secret, am_payload("g", am_alert("a"), early))
    incident = _incident()
    now = incident.created
    services.note(incident, "looking", None, now)
    services.change_status(incident, "monitoring", None, now)
    everything = [services.to_event(e) for e in incident.events.all()]
    expected = lifecycle.milestones_from_events(everything, services.manual(incident))
    incident.refresh_from_db()
    assert incident.started.isoformat() == "2026-03-01T09:00:00+00:00"
    assert {k: getattr(incident, k) for k in expected.known()} == expected.known()


def test_a_late_alert_joining_moves_the_milestones_and_keeps_the_hand_set_ones(
    client: Client,
) -> None:
    import datetime as dt

    from django.contrib.auth.models import User

    from postmortems.server.incidents import services

    integ, secret = integration()
    post(client, integ, secret, am_payload("g", am_alert("a", starts="2026-03-01T10:00:00Z")))
    incident = _incident()
    acked = dt.datetime(2026, 3, 1, 10, 5, tzinfo=dt.UTC)
    alice = User.objects.create_user("alice")
    services.set_milestone(incident, "acknowledged", acked, alice, "paged by phone", acked)
    late = am_alert("b", starts="2026-03-01T09:30:00Z")  # fired before the incident's start
    answer = post(client, integ, secret, am_payload("g", late))
    assert answer.json()["incidents"] == [incident.key]
    incident.refresh_from_db()
    assert incident.started.isoformat() == "2026-03-01T09:30:00+00:00"
    assert incident.detected.isoformat() == "2026-03-01T09:30:00+00:00"
    assert incident.acknowledged == acked  # the hand-set value survives the recomputation


def test_nul_in_a_label_is_refused_on_every_database(client: Client) -> None:
    integ, secret = integration()
    data = example("alertmanager")
    data["alerts"][0]["labels"]["instance"] = "web\u00001"
    body = _refused(client, integ, secret, 422, data=data)
    assert body["error"].startswith("/alerts/0/labels/instance")


def test_join_rule_joins_the_open_incident_of_the_service_else_inbox(client: Client) -> None:
    from postmortems.server.incidents.models import Alert, Incident, RoutingRule

    integ, secret = integration()
    RoutingRule.objects.create(integration=integ, matchers='severity="warning"', action="join")
    post(client, integ, secret, am_payload("x", am_alert("w0", severity="warning", service="db")))
    assert Alert.objects.get(fingerprint="w0").incident is None  # nothing open: the inbox
    post(client, integ, secret, am_payload("g1", am_alert("c1", service="db")))
    post(client, integ, secret, am_payload("g2", am_alert("w1", severity="warning", service="db")))
    incident = Incident.objects.get()
    assert Alert.objects.get(fingerprint="w1").incident == incident  # another group, same service
    assert incident.events.filter(kind="alert-fired").count() == 2


def test_a_restricted_integrations_alert_never_joins_an_open_incident(
    client: Client, make_user: Any
) -> None:
    """An alert of a restricted integration (a security sensor) about a service that has an
    open incident everyone reads opens a restricted incident of its own: joined, its summary
    would be on a timeline readers of other teams see."""
    from postmortems.server.incidents.models import Alert, Incident

    public, public_secret = integration("prod", team="sre")
    sensor, sensor_secret = integration("security-ids", team="sre", restricted=True)
    post(client, public, public_secret, am_payload("g1", am_alert("f1", service="checkout")))
    seen = Incident.objects.get()
    secret = am_alert("f2", service="checkout")
    secret["annotations"]["summary"] = "Intrusion detected on checkout-db"
    assert post(client, sensor, sensor_secret, am_payload("g2", secret)).status_code == 200
    hidden = Alert.objects.get(fingerprint="f2").incident
    assert hidden is not None
    assert hidden != seen
    assert hidden.restricted
    assert Alert.objects.get(fingerprint="f2").restricted
    again = am_alert("f3", service="checkout")  # its next alert joins its own incident
    assert post(client, sensor, sensor_secret, am_payload("g3", again)).status_code == 200
    assert Alert.objects.get(fingerprint="f3").incident == hidden

    # And the other way: the public integration's next alert about the service joins the
    # open incident everyone reads, not the restricted one opened since.
    Incident.objects.filter(pk=seen.pk).update(status="resolved")
    post(client, public, public_secret, am_payload("g4", am_alert("f4", service="checkout")))
    joined = Alert.objects.get(fingerprint="f4").incident
    assert joined is not None
    assert joined != hidden
    assert not joined.restricted

    reader = Client()
    reader.force_login(make_user("mallory", "viewer", team="blue"))
    assert "Intrusion" not in reader.get(f"/incidents/{seen.key}/").content.decode()
    assert "Intrusion" not in reader.get(f"/api/incidents/{seen.key}").content.decode()
    assert reader.get(f"/incidents/{hidden.key}/").status_code == 404


def _storm_payload(first: int, count: int) -> dict[str, Any]:
    alerts = [
        am_alert(f"s{n}", starts=f"2026-03-01T10:{n // 60:02d}:{n % 60:02d}Z")
        for n in range(first, first + count)
    ]
    return am_payload("storm", *alerts)


def _queries(client: Client, integ: Any, secret: str, data: Any) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert post(client, integ, secret, data).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_a_payload_costs_the_same_few_queries_whatever_its_size(client: Client) -> None:
    integ, secret = integration()
    post(client, integ, secret, _storm_payload(0, 10))  # opens the incident
    ten = _queries(client, integ, secret, _storm_payload(10, 10))
    fifty = _queries(client, integ, secret, _storm_payload(20, 50))
    assert len(ten) == len(fifty) <= 9
    assert sum(q.startswith("INSERT") for q in fifty) == 2  # the alerts, then their events
    assert _incident().events.filter(kind="alert-fired").count() == 70


def test_a_repeated_payload_only_reads(client: Client) -> None:
    integ, secret = integration()
    post(client, integ, secret, _storm_payload(0, 10))
    before = counts()
    again = _queries(client, integ, secret, _storm_payload(0, 10))
    assert all(q.startswith("SELECT") for q in again), again  # no write transaction at all
    assert len(again) == 2, again  # the integration and the payload's known alerts
    assert counts() == before


def test_resolutions_are_one_update_and_one_event_each(client: Client) -> None:
    from postmortems.server.incidents.models import Alert

    integ, secret = integration()
    post(client, integ, secret, _storm_payload(0, 10))
    done = _storm_payload(0, 10)
    for alert in done["alerts"]:
        alert["status"], alert["endsAt"] = "resolved", "2026-03-01T11:00:00Z"
    sql = _queries(client, integ, secret, done)
    assert sum(q.startswith('UPDATE "incidents_alert"') for q in sql) == 1
    assert Alert.objects.filter(status="resolved").count() == 10
    assert _incident().events.filter(kind="alert-resolved").count() == 10
    post(client, integ, secret, done)
    assert _incident().events.filter(kind="alert-resolved").count() == 10


def test_a_senders_clock_never_puts_an_alert_in_the_future_or_its_end_before_its_start(
    client: Client,
) -> None:
    """startsAt a day ahead, endsAt before startsAt: the alert is kept as sent, and its lines
    on the timeline stand where they can have happened."""
    import datetime as dt

    from django.utils import timezone

    integ, secret = integration()
    ahead = (timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    post(client, integ, secret, am_payload("g1", am_alert("early", starts=ahead)))
    backwards = am_alert("weird", status="resolved", starts="2026-03-01T10:05:00Z")
    backwards["endsAt"] = "2026-03-01T10:00:00Z"
    post(client, integ, secret, am_payload("g1", backwards))
    incident = _incident()
    events = {
        (e.kind, e.text.split(": ")[1]): e.at for e in incident.events.exclude(kind="status-change")
    }
    assert events[("alert-fired", "alert early")] <= timezone.now()
    assert events[("alert-resolved", "alert weird")] == events[("alert-fired", "alert weird")]
    assert incident.alerts.get(fingerprint="early").starts_at > timezone.now()  # as sent


def test_an_integrations_zone_is_the_zone_of_the_incidents_it_opens(client: Client) -> None:
    """A team in Berlin reads its alert-opened incidents, and their drafts, in Berlin time."""
    from postmortems.incident.model import IncidentError

    integ, secret = integration("berlin", timezone="Europe/Berlin")
    post(client, integ, secret, am_payload("g1", am_alert("a1")))
    assert _incident().timezone == "Europe/Berlin"
    with pytest.raises(IncidentError, match="unknown timezone 'Berlin'"):
        integration("typo", timezone="Berlin")


def test_only_a_web_link_of_an_alert_is_kept(client: Client) -> None:
    """Pages show only http(s) links and the events API refuses others; an alert's
    `javascript:` link is not stored to be handed to every API reader either."""
    from postmortems.server.incidents.models import Alert, Event

    integ, secret = integration()
    bad = am_alert("j1")
    bad["generatorURL"] = "javascript:alert(document.cookie)"
    good = am_alert("j2")
    post(client, integ, secret, am_payload("g", bad, good))
    assert Alert.objects.get(fingerprint="j1").link == ""
    assert Alert.objects.get(fingerprint="j2").link == "http://prometheus.example/graph"
    links = set(Event.objects.filter(kind="alert-fired").values_list("link", flat=True))
    assert links == {"", "http://prometheus.example/graph"}


def _generic(status: str, ended: str | None = None) -> dict[str, Any]:
    data = example("generic")
    data["alerts"][0].update(status=status, ended_at=ended)
    return data


def _am(status: str, ended: str = "0001-01-01T00:00:00Z") -> dict[str, Any]:
    return am_payload("g", am_alert("F", status=status, ends=ended), status=status)


@pytest.mark.parametrize(("kind", "payload"), [("alertmanager", _am), ("generic", _generic)])
def test_an_alert_that_resolved_and_fires_again_with_its_start_fires_again(
    client: Client, kind: str, payload: Any
) -> None:
    """Alertmanager sends a resolved alert firing again with the same startsAt (after its
    resolve_timeout): the alert fires again, its incident says so, and a repeat of that
    firing changes nothing; the next resolution and firing land too."""
    from postmortems.server.incidents.models import Alert

    integ, secret = integration(kind=kind)
    ended = "2026-03-01T10:20:00Z"
    assert post(client, integ, secret, payload("firing")).json()["new"] == 1
    assert post(client, integ, secret, payload("resolved", ended)).json()["changed"] == 1
    again = post(client, integ, secret, payload("firing")).json()
    assert (again["new"], again["changed"], again["events"]) == (0, 1, 1)
    alert = Alert.objects.get()
    assert (alert.status, alert.ends_at, alert.firings) == ("firing", None, 2)
    texts = list(_incident().events.filter(alert=alert).values_list("text", flat=True))
    said = alert.summary
    assert texts == [
        f"Alert fired: {said}",
        f"Alert resolved: {said}",
        f"Alert fired again: {said}",
    ]
    repeat = post(client, integ, secret, payload("firing")).json()  # already firing: no change
    assert (repeat["new"], repeat["changed"], repeat["events"]) == (0, 0, 0)
    assert post(client, integ, secret, payload("resolved", ended)).json()["events"] == 1
    assert post(client, integ, secret, payload("firing")).json()["events"] == 1
    kinds = list(_incident().events.filter(alert=alert).values_list("kind", flat=True))
    assert kinds.count("alert-fired") == 3
    assert kinds.count("alert-resolved") == 2


def test_an_alert_in_the_inbox_that_fires_again_shows_firing(client: Client) -> None:
    from postmortems.server.incidents.models import Alert

    integ, secret = integration()
    warn = {"severity": "warning"}
    post(client, integ, secret, am_payload("w", am_alert("w1", **warn)))
    done = am_alert("w1", status="resolved", ends="2026-03-01T10:20:00Z", **warn)
    post(client, integ, secret, am_payload("w", done, status="resolved"))
    post(client, integ, secret, am_payload("w", am_alert("w1", **warn)))
    assert Alert.objects.get().status == "firing"
    assert counts()["incidents"] == 0
