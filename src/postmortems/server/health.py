"""``/healthz``: is this process up, and can it reach its database? For load balancers."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from postmortems.server.outage import reason

log = logging.getLogger("postmortems.health")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with ``{"status": "ok", "database": "ok", "engine": vendor}``; 503 when the database
    cannot be reached (its problem goes to the log: the probe is open to anyone, and the
    message names the database's host, port and name)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.warning("health check: the database is unreachable: %s", reason(exc))
        body = {"status": "unavailable", "database": "unreachable"}
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "engine": connection.vendor})


class HealthCheck:
    """Answers ``/healthz`` before every other middleware: a load balancer probes a process by
    its address, whatever Host it sends (``allowed_hosts`` is for browsers), over plain HTTP
    when the site redirects to HTTPS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
