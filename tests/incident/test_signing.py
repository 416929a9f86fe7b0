"""Bearer secrets and HMAC signatures with a timestamp."""

from __future__ import annotations

import pytest

from postmortems.incident.signing import (
    TOLERANCE,
    SignatureError,
    check_bearer,
    check_signature,
    digest,
    new_secret,
    sign,
)

BODY = b'{"version": "4"}'


def test_bearer() -> None:
    secret = new_secret()
    check_bearer(f"Bearer {secret}", digest(secret))
    check_bearer(f"bearer  {secret} ", digest(secret))
    for header in ("", "Bearer", f"Basic {secret}", f"Bearer {secret}x", new_secret()):
        with pytest.raises(SignatureError) as caught:
            check_bearer(header, digest(secret))
        assert caught.value.hint


def test_signature_round_trip_and_tampering() -> None:
    secret, now = new_secret(), 1_800_000_000
    header = sign(BODY, secret, now)
    check_signature(header, BODY, secret, now + 5)
    with pytest.raises(SignatureError, match="does not match"):
        check_signature(header, BODY + b" ", secret, now)
    with pytest.raises(SignatureError, match="does not match"):
        check_signature(header, BODY, new_secret(), now)
    with pytest.raises(SignatureError, match="does not match"):
        check_signature(header.replace(f"t={now}", f"t={now + 1}"), BODY, secret, now)


def test_stale_and_future_signatures_are_refused() -> None:
    secret, now = new_secret(), 1_800_000_000
    with pytest.raises(SignatureError, match=f"is {TOLERANCE + 1} s old"):
        check_signature(sign(BODY, secret, now - TOLERANCE - 1), BODY, secret, now)
    with pytest.raises(SignatureError, match=f"is {TOLERANCE + 1} s in the future"):
        check_signature(sign(BODY, secret, now + TOLERANCE + 1), BODY, secret, now)
    check_signature(sign(BODY, secret, now - TOLERANCE), BODY, secret, now)


@pytest.mark.parametrize("header", ["", "t=1", "v1=ab", "t=x,v1=ab", "t=99999999999999,v1=ab"])
def test_malformed_headers(header: str) -> None:
    with pytest.raises(SignatureError) as caught:
        check_signature(header, BODY, "s", 1_800_000_000)
    assert caught.value.hint
