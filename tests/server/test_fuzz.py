"""schemathesis against /api/openapi.json: no 500s, no responses that break the schema.

Bounded: a fixed number of derandomized examples per operation, so the run takes seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance, unsupported_method

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Refusals that depend on what the data means, not on its shape (the schema says them in words):
# a team that is not one of the server's, a service that is no service name once normalised
# (`../x`), a text that is not a postmortem (PM101), a period whose end is before its start.
DATA_BOUND = {
    "GET /api/incidents",
    "POST /api/incidents",
    "PATCH /api/incidents/{key}",
    "POST /api/postmortems",
}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Like Django's test client: the raw WSGI app must not close the test's DB connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(make_user: Any, make_pm: Any) -> str:
    from postmortems.server.accounts.models import ApiToken

    make_pm("PM-FUZZ")
    _, raw = ApiToken.issue(make_user("fuzzer", "admin"), "fuzz")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any, token: str) -> None:
    # DATA_BOUND: a 422 there names what is wrong; every other check holds for them.
    excluded = [positive_data_acceptance] if case.operation.label in DATA_BOUND else []
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[*excluded, unsupported_method],
        additional_checks=[method_unless_nul],
    )


def method_unless_nul(ctx: Any, response: Any, case: Any) -> bool | None:
    """405 for a method the schema does not list, as schemathesis checks it, unless the request
    carries a NUL: that is refused ahead of routing (400, docs/security.md), as schemathesis
    lets authentication and rate limiting be."""
    if response.status_code == 400 and "%00" in str(response.request.url):
        return None
    result: bool | None = unsupported_method(ctx, response, case)
    return result


@pytest.mark.django_db
def test_a_timeline_with_alert_entries_conforms_to_the_schema(token: str) -> None:
    """The fuzzing above asks for keys no incident has; here the incident exists, with an alert
    entry (its ``alert``), the alert it was declared from (``declared_from``), a note edited and
    one redacted."""
    import json

    from django.utils import timezone
    from tests.server.incident_fixtures import am_alert, am_payload, integration

    from postmortems.incident.payloads import parse
    from postmortems.server.accounts.models import User
    from postmortems.server.incidents import entries, ingest, services
    from postmortems.server.incidents.models import Alert, Incident

    integ, _ = integration(team="sre")  # not the test client: it would close the connection
    fuzzer, now = User.objects.get(username="fuzzer"), timezone.now()
    ingest.ingest(
        integ, parse("alertmanager", json.dumps(am_payload("g", am_alert("f1"))).encode()), now
    )
    incident = Incident.objects.get()
    Incident.objects.filter(pk=incident.pk).update(declared_from=Alert.objects.get())
    edited = services.note(incident, "db-2 restarted", fuzzer, now)
    entries.edit(incident, edited.pk, fuzzer, now, text="db-2 failed over")
    hidden = services.note(incident, "password hunter2", fuzzer, now)
    entries.redact(incident, hidden.pk, "a password", fuzzer, now)
    case = schema["/api/incidents/{key}"]["GET"].Case(path_parameters={"key": incident.key})
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
    timeline = response.json()["timeline"]
    assert [e["alert"]["fingerprint"] for e in timeline if e["alert"]] == ["f1"]
    assert response.json()["declared_from"]["integration"] == "alertmanager/prod"
