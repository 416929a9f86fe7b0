"""Outgoing webhooks: a Slack-compatible JSON body, signed with HMAC-SHA256, retried with backoff.

The receiver checks ``X-PM-Signature: sha256=<hex>`` where the hex digest is the HMAC-SHA256 of
``<X-PM-Timestamp>.<raw body>`` with the shared ``webhook_secret``.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from postmortems.server.undelivered import why

RETRY_DELAYS = (0.5, 2.0, 8.0)  # seconds before the 2nd, 3rd and 4th attempt; then give up
TIMEOUT = 5.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, now: float, tolerance: int = 300
) -> bool:
    """What a receiver checks: the signature of ``timestamp.body``, made at most ``tolerance``
    seconds from ``now`` (an older one is a replayed post)."""
    if not (timestamp.isascii() and timestamp.isdigit()) or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode())


def slack_body(
    text: str, url: str, event: str, key: str, about: str = "postmortem"
) -> dict[str, Any]:
    """Slack's incoming-webhook shape (``text`` plus blocks); extra keys for other receivers:
    ``event``, ``url`` and the key of what it is ``about`` (``postmortem`` or ``incident``)."""
    return {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{text}\n<{url}|{key}>"}}
        ],
        "event": event,
        about: key,
        "url": url,
    }


@dataclass(frozen=True)
class Outcome:
    ok: bool
    attempts: int
    status: int | None
    error: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer becomes an HTTPError


# What the server posts to the outside through (webhooks, trackers): a redirect is an error, never
# followed — urllib would follow it to any host, with the request's Authorization header.
_OPENER = urllib.request.build_opener(_NoRedirects)


def urlopen(request: urllib.request.Request, timeout: float) -> Any:
    """``urllib.request.urlopen`` without following redirects (the configured address only)."""
    return _OPENER.open(request, timeout=timeout)


class Unusable(Exception):
    """The address cannot be posted to at all."""


def _attempt(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    try:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with urlopen(request, timeout=TIMEOUT) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, why(exc)  # its class and number: a message may quote the address
    except http.client.HTTPException as exc:  # a malformed answer: try again
        return None, f"bad answer ({type(exc).__name__})"
    except ValueError as exc:
        # Not an address urllib can post to ("unknown url type: '<the address>'"): no use trying
        # again, and named by kind only, as the message holds the address (see ``label``).
        raise Unusable(f"cannot post there ({type(exc).__name__})") from None


def post(
    url: str,
    payload: dict[str, Any],
    secret: str,
    *,
    delays: tuple[float, ...] = RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> Outcome:
    """POST ``payload``; retry on connection errors and 5xx/429 after each of ``delays``."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    status: int | None = None
    error = ""
    for attempt in range(len(delays) + 1):
        if attempt:
            sleep(delays[attempt - 1])
        timestamp = str(int(clock()))
        headers = {"Content-Type": "application/json", "X-PM-Timestamp": timestamp}
        if secret:
            headers["X-PM-Signature"] = sign(secret, timestamp, body)
        try:
            status, error = _attempt(url, body, headers)
        except Unusable as exc:
            return Outcome(False, attempt + 1, None, str(exc))
        if status is not None and 200 <= status < 300:
            return Outcome(True, attempt + 1, status)
        if status is not None and status < 500 and status != 429:
            break  # the receiver refused it; sending again will not help
    return Outcome(False, attempt + 1, status, error or f"HTTP {status}")


def label(url: str, position: int) -> str:
    """How a webhook is named in logs and delivery records: its place in ``webhook_urls`` and
    its host. The rest of the address is left out: a Slack incoming webhook's path (or a
    ``user:password@``) is the credential that lets anyone post to the channel."""
    try:
        host = urlsplit(url).hostname or "?"
    except ValueError:
        host = "?"
    return f"webhook {position} ({host})"


def post_all(urls: Sequence[str], payload: dict[str, Any], secret: str) -> list[str]:
    """POST ``payload`` to each of ``urls``; what could not be delivered, one line a webhook,
    naming it by :func:`label` (never by its address)."""
    problems = []
    for position, url in enumerate(urls, 1):
        outcome = post(url, payload, secret)
        if not outcome.ok:
            name = label(url, position)
            error = outcome.error.replace(url, name)  # an error that quotes the address
            problems.append(f"{name}: {error} after {outcome.attempts} attempts")
    return problems
