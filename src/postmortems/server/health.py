"""``/healthz``: is this process up, and can it reach its database? For load balancers."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with ``{"status": "ok", "database": "ok", "engine": vendor}``; 503 naming the
    database's problem."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        body = {"status": "unavailable", "database": f"unreachable: {problem}"}
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "engine": connection.vendor})
