"""Background tasks of the on-call app: each notification of a page is sent by the worker."""

from __future__ import annotations

from django_tasks import task


class NotDelivered(Exception):
    """A page notification could not be delivered (the Notification row says why)."""


@task()
def deliver_page(notification_id: int) -> None:
    from postmortems.server.oncall.notify import send

    problems = send(notification_id)
    if problems:
        raise NotDelivered("; ".join(problems))
