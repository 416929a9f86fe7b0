"""The real Alertmanager (Debian's prometheus-alertmanager) posting to a live test server.

Alerts are posted to Alertmanager's API; its webhook receiver (with the integration's bearer
secret in ``http_config.authorization``) delivers them: the incident opens with the alerts on its
timeline, their resolution is recorded, and Alertmanager's repeats add nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import OperationalError

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
REPEAT = 3  # seconds: Alertmanager's repeat_interval in this test
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which(ALERTMANAGER) is None,
        reason="Debian prometheus-alertmanager is not installed: run `make system-deps`",
    ),
]

CONFIG = """\
route:
  receiver: pm
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: {repeat}s
receivers:
  - name: pm
    webhook_configs:
      - url: {url}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {secret}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except OperationalError as exc:  # the live server writing to the shared in-memory SQLite
            if "locked" not in str(exc):
                raise
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def alertmanager(live_server: Any, tmp_path: Path) -> Iterator[str]:
    from tests.server.incident_fixtures import integration

    integ, secret = integration("am", "alertmanager", team="sre")
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG.format(repeat=REPEAT, url=live_server.url + integ.path, secret=secret))
    port = free_port()
    log = (tmp_path / "alertmanager.log").open("w")
    proc = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(base), 20, "Alertmanager to be ready")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _post_alerts(base: str, alerts: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(
        f"{base}/api/v2/alerts",
        data=json.dumps(alerts).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200


def _alerts(starts: dt.datetime, ends: dt.datetime | None = None) -> list[dict[str, Any]]:
    out = []
    for instance in ("db-1", "db-2"):
        alert: dict[str, Any] = {
            "labels": {
                "alertname": "DiskFull",
                "severity": "critical",
                "service": "db",
                "instance": instance,
            },
            "annotations": {"summary": f"disk full on {instance}"},
            "startsAt": starts.isoformat(),
            "generatorURL": "http://prometheus.example/graph?g0.expr=disk",
        }
        if ends is not None:
            alert["endsAt"] = ends.isoformat()
        out.append(alert)
    return out


def _sent(base: str) -> float:
    """How many webhook notifications Alertmanager has sent (its own counter)."""
    with urllib.request.urlopen(f"{base}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    for line in text.splitlines():
        if line.startswith('alertmanager_notifications_total{integration="webhook"}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _kinds() -> dict[str, int]:
    from postmortems.server.incidents.models import Event

    counts: dict[str, int] = {}
    for kind in Event.objects.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def test_alertmanager_opens_records_and_resolves(alertmanager: str) -> None:
    from postmortems.server.incidents.models import Incident, IngestError

    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=1)
    _post_alerts(alertmanager, _alerts(starts))
    wait_for(lambda: _kinds().get("alert-fired") == 2, 30, "both alerts on the timeline")
    incident = Incident.objects.get()
    assert (incident.team, incident.severity, incident.services) == ("sre", "SEV1", ["db"])
    assert incident.detected == starts
    fired, sent = _kinds(), _sent(alertmanager)
    time.sleep(REPEAT * 2 + 1)
    assert _sent(alertmanager) > sent  # Alertmanager repeated the notification meanwhile
    assert _kinds() == fired
    _post_alerts(alertmanager, _alerts(starts, ends=starts + dt.timedelta(seconds=50)))
    wait_for(lambda: _kinds().get("alert-resolved") == 2, 30, "both resolutions recorded")
    resolved = _kinds()
    time.sleep(REPEAT + 1)
    assert _kinds() == resolved
    assert Incident.objects.count() == 1
    assert set(incident.alerts.values_list("status", flat=True)) == {"resolved"}
    assert IngestError.objects.count() == 0


def test_alertmanager_firing_again_after_the_incident_ended_opens_a_new_one_that_pages(
    alertmanager: str, make_user: Any
) -> None:
    """The alerts resolve, a person resolves the incident; Prometheus sends them again with the
    same start (Alertmanager does after its resolve_timeout): a new incident opens and pages,
    saying it fired again after the first, whose timeline says where they went. Before, they
    fired again inside the resolved incident, and nobody was paged or told."""
    from django.utils import timezone
    from oncall_fixtures import policy

    from postmortems.oncall import model
    from postmortems.server.incidents import services
    from postmortems.server.incidents.models import Event, Incident
    from postmortems.server.oncall import store
    from postmortems.server.oncall.models import Page

    pages = policy("db-page", (((("user", "dora"),), 10),))
    service = model.Service("db", "db-page", "sre")
    store.apply_config(model.Config((), (pages,), {}, (service,)), dry_run=False)
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=1)
    _post_alerts(alertmanager, _alerts(starts))
    wait_for(lambda: _kinds().get("alert-fired") == 2, 30, "both alerts on the timeline")
    _post_alerts(alertmanager, _alerts(starts, ends=starts + dt.timedelta(seconds=50)))
    wait_for(lambda: _kinds().get("alert-resolved") == 2, 30, "both resolutions recorded")
    first = Incident.objects.get()
    services.change_status(first, "resolved", make_user("ivy", "author"), timezone.now())
    assert set(Page.objects.values_list("state", flat=True)) == {"resolved"}
    _post_alerts(alertmanager, _alerts(starts))  # the same start, firing again
    wait_for(lambda: Incident.objects.count() == 2, 30, "a new incident")
    second = Incident.objects.exclude(pk=first.pk).get()
    wait_for(lambda: second.alerts.count() == 2, 30, "both alerts in the new incident")
    assert second.status == "triage"
    assert Page.objects.filter(incident_key=second.key, state="open").exists()
    said = set(Event.objects.filter(incident=second, kind="note").values_list("text", flat=True))
    assert (
        f"This alert fired again after {first.key} was resolved: it was in that incident before."
        in said
    )
    told = Event.objects.filter(incident=first, kind="note", text__startswith="Alert fired again")
    assert sorted(told.values_list("text", flat=True)) == [
        f"Alert fired again after this incident was resolved: disk full on {db} — it opened "
        f"{second.key}."
        for db in ("db-1", "db-2")
    ]
    assert set(first.alerts.values_list("status", flat=True)) == {"resolved"}
