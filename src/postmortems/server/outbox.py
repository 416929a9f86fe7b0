"""Sending the server's emails through one connection, and saying safely why they were not sent.

The connection is closed whatever happens: Django's SMTP backend leaves it open when the mail
server refuses the sign-in.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import get_connection, send_mass_mail

from postmortems.server.undelivered import why

# (subject, body, from, [to]) as Django's send_mass_mail takes them
Email = tuple[str, str, str, list[str]]


def send(emails: Sequence[Email], backend: str) -> str:
    """Send ``emails``; '' when they were, else ``email: <why>`` (:func:`undelivered.why`)."""
    connection = get_connection(backend=backend)
    try:
        send_mass_mail(list(emails), connection=connection)
    except Exception as exc:  # the caller records it; its task fails with it
        return f"email: {why(exc)}"  # never the server's words: they may quote the subject
    finally:
        connection.close()
    return ""
