"""Signed acknowledgement links: what a notification carries so its reader can acknowledge.

The link opens a confirmation page; only its POST acknowledges (a mail scanner that follows the
link must not). The signature binds the page and the person; it expires after :data:`MAX_AGE`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "postmortems.oncall.ack"
MAX_AGE = 7 * 24 * 3600  # seconds


@dataclass(frozen=True)
class AckClaim:
    page_id: int
    user: str


def make(page_id: int, user: str) -> str:
    return signing.dumps({"p": page_id, "u": user}, salt=SALT, compress=True)


def read(token: str) -> AckClaim | None:
    """The claim of a valid, unexpired link; None for anything else (tampered, old, garbage)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    return AckClaim(int(data["p"]), str(data.get("u", "")))
