"""Why a notification was not delivered, said in words that cannot hold what it carried.

An SMTP server that refuses a message may quote it in its answer ("554 5.7.1 rejected: Subject:
<the title of a restricted postmortem>"), and an exception's text may hold an address (a
webhook's path is its credential). The log, the delivery's record and the failed task's error
get the exception's class and a number only: the SMTP reply code, the HTTP status, the system's
error number in its standard wording.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import urllib.error

# OpenSSL's names of its reasons (CERTIFICATE_VERIFY_FAILED): a fixed table, never a message.
_TLS_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,80}")


def why(exc: BaseException) -> str:
    """``exc`` named by its class and number, never by its message."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return why(exc.reason)
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} (SMTP {int(exc.smtp_code)})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({int(answer[0]) for answer in exc.recipients.values()})
        return f"{name} (SMTP {', '.join(map(str, codes))})"
    if isinstance(exc, ssl.SSLError):  # its errno is the TLS library's, not the system's
        code = getattr(exc, "reason", None)
        code = code if isinstance(code, str) else ""
        return f"{name} ({code})" if _TLS_CODE.fullmatch(code) else name
    if isinstance(exc, OSError) and isinstance(exc.errno, int) and exc.errno > 0:
        return f"{name} ({os.strerror(exc.errno)})"
    return name
