"""Checking who sent a payload: a bearer secret, or an HMAC-SHA256 signature with a timestamp.

Bearer: the sender sends ``Authorization: Bearer <secret>`` (what Alertmanager's
``http_config.authorization`` and Grafana's webhook "Authorization header" send); the server
keeps only the SHA-256 of the secret and compares digests in constant time.

HMAC: the sender signs ``<timestamp>.<body>`` with the secret and sends
``X-PM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>``. A signature older (or newer) than
:data:`TOLERANCE` seconds is refused, so a captured payload cannot be replayed later. The server
needs the secret itself to check the signature, so HMAC integrations keep it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from postmortems.errors import PostmortemsError

SIGNATURE_HEADER = "X-PM-Signature"
TOLERANCE = 300  # seconds
PREFIX = "pmh_"


class SignatureError(PostmortemsError):
    """The payload's sender is not proven (HTTP 401)."""


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the server keeps of a bearer secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_bearer(authorization: str, stored_digest: str) -> None:
    """Raise :class:`SignatureError` unless ``authorization`` is ``Bearer <the secret>``."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignatureError(
            "missing bearer secret",
            hint="send the integration's secret as `Authorization: Bearer <secret>`",
        )
    if not hmac.compare_digest(digest(token.strip()), stored_digest):
        raise SignatureError(
            "wrong secret", hint="use the secret printed by `pm admin create-integration`"
        )


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The ``X-PM-Signature`` header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    return f"t={timestamp},v1={_mac(body, secret, timestamp)}"


def _mac(body: bytes, secret: str, timestamp: int) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _fields(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        out.setdefault(name, value)
    return out


def check_signature(header: str, body: bytes, secret: str, now: float) -> None:
    """Raise :class:`SignatureError` unless ``header`` signs ``body`` within the tolerance."""
    hint = f"send `{SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of 't.body'>`"
    if not secret:  # anyone could sign with an empty key
        raise SignatureError(
            "this integration has no signing key",
            hint="an admin creates it again with `pm admin create-integration --auth hmac`",
        )
    fields = _fields(header)
    stamp, given = fields.get("t", ""), fields.get("v1", "")
    if not header.strip() or not stamp or not given:
        raise SignatureError(f"missing or incomplete {SIGNATURE_HEADER} header", hint=hint)
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 12:  # "²" is a digit too
        raise SignatureError(
            f"the signature timestamp {stamp[:20]!r} is not unix seconds", hint=hint
        )
    age = now - int(stamp)
    if abs(age) > TOLERANCE:
        when = f"{int(age)} s old" if age > 0 else f"{int(-age)} s in the future"
        raise SignatureError(
            f"the signature is {when}; at most {TOLERANCE} s either way is accepted",
            hint="sign each request when it is sent (and keep the sender's clock right)",
        )
    expected = _mac(body, secret, int(stamp)).encode()
    if not hmac.compare_digest(expected, given.strip().lower().encode()):  # any text compares
        raise SignatureError("the signature does not match the body", hint=hint)
