"""The alert endpoints ``/hooks/<kind>/<name>/``: check the sender, parse, ingest; JSON answers.

Refused payloads get a 4xx ``{"error": …, "hint": …}`` and an :class:`IngestError` row (for
whoever configures the sender), and change nothing else. Nothing here answers 500: a database
that is busy answers 503, which senders retry.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from postmortems.errors import PostmortemsError
from postmortems.incident import payloads, signing
from postmortems.server.incidents import ingest
from postmortems.server.incidents.models import IngestError, Integration

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # bytes; Alertmanager's payloads of 10 alerts are a few kB
KEEP_ERRORS = 200  # per integration; older ones are dropped
# Refusals before the sender proved who it is (a wrong secret; an oversized body to an HMAC hook,
# whose signature is over the body) are kept apart, fewer: anyone who knows the hook's address
# can send them, and they must not push out the refusals of the real sender's payloads.
KEEP_BEFORE_SENDER = 20


class Refused(Exception):
    def __init__(self, status: int, error: str, hint: str) -> None:
        super().__init__(error)
        self.status, self.error, self.hint = status, error, hint


def _answer(status: int, error: str, hint: str) -> JsonResponse:
    return JsonResponse({"error": error, "hint": hint}, status=status)


def _keep(integration: Integration, refused: Refused, body: bytes, *, sender: bool) -> None:
    """Record the refusal; keep the newest of its kind: :data:`KEEP_ERRORS` of the known
    sender's, :data:`KEEP_BEFORE_SENDER` of those before the ``sender`` was known."""
    try:
        with transaction.atomic():
            IngestError.objects.create(
                integration=integration,
                at=timezone.now(),
                status=refused.status,
                error=refused.error[:500],
                hint=refused.hint[:500],
                excerpt=body[:400].decode("utf-8", "replace").replace("\x00", "\ufffd"),
                sender_known=sender,
            )
            mine = IngestError.objects.filter(integration=integration, sender_known=sender)
            keep = KEEP_ERRORS if sender else KEEP_BEFORE_SENDER
            stale = list(mine.values_list("pk", flat=True)[keep : keep + 100])
            if stale:
                IngestError.objects.filter(pk__in=stale).delete()
    except DatabaseError:
        log.warning("ingest error of %s not recorded (database busy)", integration)


def _body(request: HttpRequest) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    too_big = Refused(
        413,
        f"the body is larger than {MAX_BODY} bytes",
        "send fewer alerts per payload (Alertmanager: max_alerts in webhook_configs)",
    )
    if length > MAX_BODY:
        raise too_big
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise too_big
    return body


def _check_sender(request: HttpRequest, integration: Integration, body: bytes) -> None:
    """A wrong secret or signature is refused (401)."""
    try:
        if integration.auth == Integration.Auth.HMAC:
            header = request.headers.get(signing.SIGNATURE_HEADER, "")
            signing.check_signature(header, body, integration.signing_key, time.time())
        else:
            signing.check_bearer(
                request.headers.get("Authorization", ""), integration.secret_digest
            )
    except signing.SignatureError as exc:
        raise Refused(401, exc.message, exc.hint or "") from None


def _parse(integration: Integration, body: bytes) -> payloads.Notification:
    try:
        return payloads.parse(integration.kind, body)
    except payloads.PayloadError as exc:
        status = 400 if exc.pointer == "/" else 422
        raise Refused(status, str(exc).split(" — ")[0], exc.hint or "") from None


@csrf_exempt
def hook(request: HttpRequest, kind: str, name: str) -> JsonResponse:
    if request.method != "POST":
        return _answer(405, f"{request.method} is not accepted here", "POST the alert payload")
    try:  # (kind, name) is unique: no ORDER BY, as first() would add
        integration = Integration.objects.get(kind=kind, name=name, active=True)
    except Integration.DoesNotExist:
        return _answer(404, f"no integration {kind}/{name}", "check the URL the sender posts to")
    body, sender = b"", False
    signed = integration.auth == Integration.Auth.HMAC  # the signature covers the body
    try:
        if not signed:  # a bearer secret is checked before the body is read
            _check_sender(request, integration, body)
            sender = True
        body = _body(request)
        if signed:
            _check_sender(request, integration, body)
            sender = True
        note = _parse(integration, body)
        return _ingest(integration, note)
    except Refused as refused:
        _keep(integration, refused, body, sender=sender)
        return _answer(refused.status, refused.error, refused.hint)
    except DatabaseError:
        log.warning("payload to %s not stored: database busy", integration, exc_info=True)
        response = _answer(503, "the server is busy", "send the payload again shortly")
        response["Retry-After"] = "5"
        return response


def _ingest(integration: Integration, note: payloads.Notification) -> JsonResponse:
    now = timezone.now()
    try:
        result = ingest.ingest(integration, note, now)
    except PostmortemsError as exc:  # a routing rule that cannot be used, a bad value
        raise Refused(422, exc.message, exc.hint or "") from None
    answer: dict[str, Any] = result.answer()
    return JsonResponse(answer, status=200)
