"""Background tasks of the accounts app: an invitation's email is sent by the worker
(``pm worker``), so the inviter's request never waits on the mail server. A mail that fails
raises, so the task is recorded as failed, and the invitation's row says why."""

from __future__ import annotations

from django_tasks import task

from postmortems.server.errors import NotDelivered


@task()
def mail_invitation(invitation_id: int, site: str) -> None:
    """Email invitation ``invitation_id``'s link to set a password; ``site``: where it points."""
    from postmortems.server.accounts.invitation import mail

    problem = mail(invitation_id, site)
    if problem:
        raise NotDelivered(f"invitation email: {problem}")
