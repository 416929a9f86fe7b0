"""What the server's log never shows: the secret part of a link that is itself the credential.

An acknowledgement link (``/oncall/ack/<signed token>/``) acknowledges a page as the person it was
sent to, a calendar feed (``/oncall/feed/<token>.ics``) shows a team's schedule to whoever holds
it, a postmortems feed (``/feed/<token>/``) shows what its owner may read, and an invitation
(``/invite/<uid>/<token>/``) sets the password of the account it was made for. Django names the
path of a refused request (a CSRF failure) or a failed one (a 500) in its log; this filter, on the
server's log handler, replaces the token with ``…``.
"""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"(/oncall/(?:ack|feed)/|/feed/|/invite/[^/\s'\"]*/)[^/\s'\"]+")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1…", text)


class SecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class OneLine(logging.Filter):
    """No traceback for what is not a fault of the code: a database that cannot be reached (one
    line with its reason, once per request), a notification the worker could not deliver (the
    task's line with the reason) and a client's suspicious request (a bad Host).
    A 503 answered on purpose (``/healthz``, the API's) was logged where it was made."""

    def filter(self, record: logging.LogRecord) -> bool:
        from postmortems.server.errors import UNAVAILABLE, NotDelivered
        from postmortems.server.outage import reason

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, UNAVAILABLE):
            record.msg = f"{record.getMessage()}: the database is unavailable: {reason(exc)}"
            record.args, record.exc_info, record.exc_text = (), None, None
        elif isinstance(exc, NotDelivered):  # a task's failed delivery: its reason, one line
            record.msg = f"{record.getMessage()}: not delivered: {exc}"
            record.args, record.exc_info, record.exc_text = (), None, None
        elif exc is not None and record.name.startswith("django.security"):
            record.exc_info, record.exc_text = None, None
        elif record.name == "django.request" and getattr(record, "status_code", 0) == 503:
            return False
        return True
