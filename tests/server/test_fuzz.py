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

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


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
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
