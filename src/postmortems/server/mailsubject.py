"""The subject line of every email the server sends: one line, of a length mail servers take.

A title, an alert's summary or an action item may hold line breaks (an Alertmanager template
writes several lines) or a long unbroken word (a URL): Django refuses a header with a line break
and an SMTP server a line over 998 characters, and the email would not be sent at all.
"""

from __future__ import annotations

LONGEST = 200  # characters of the subject after the prefix


def subject(text: str) -> str:
    """``[postmortems] text`` on one line (white space folded), cut to ``LONGEST`` characters."""
    line = " ".join(text.split())
    if len(line) > LONGEST:
        line = line[: LONGEST - 1].rstrip() + "…"
    return f"[postmortems] {line}"
