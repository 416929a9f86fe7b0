"""What the server's log never shows: the secret part of a link that is itself the credential.

An acknowledgement link (``/oncall/ack/<signed token>/``) acknowledges a page as the person it was
sent to, a calendar feed (``/oncall/feed/<token>.ics``) shows a team's schedule to whoever holds
it, and a postmortems feed (``/feed/<token>/``) shows what its owner may read. Django names the
path of a refused request (a CSRF failure) or a failed one (a 500) in its log; this filter, on the
server's log handler, replaces the token with ``…``.
"""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"(/oncall/(?:ack|feed)/|/feed/)[^/\s'\"]+")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1…", text)


class SecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
