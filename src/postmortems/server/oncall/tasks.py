"""Background tasks of the on-call app: each notification of a page, and the news of a swap, is
sent by the worker."""

from __future__ import annotations

from django_tasks import task

from postmortems.server.errors import NotDelivered  # a page's Notification row says why


@task()
def deliver_page(notification_id: int) -> None:
    from postmortems.server.oncall.notify import send

    problems = send(notification_id)
    if problems:
        raise NotDelivered("; ".join(problems))


@task()
def tell_swap(swap_id: int, state: str) -> None:
    """Email the person the swap's move to ``state`` concerns: the one asked, or the one who
    asked."""
    from django.utils import timezone

    from postmortems.server.oncall.notify import send_swap

    problem = send_swap(swap_id, state, now=timezone.now())
    if problem:
        raise NotDelivered(problem)
