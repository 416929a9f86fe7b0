"""Background tasks (Django's Tasks API): notifications leave the request that caused them.

The task row is written in the same transaction as the change that notifies, so a change that is
rolled back sends nothing. A worker (``pm worker``, or the one ``pm serve --demo`` runs) sends the
email and the webhook posts; a delivery that fails raises, so the task is recorded as failed with
its error (and the Delivery row says what failed), never swallowed.
"""

from __future__ import annotations

from django_tasks import task

from postmortems.server.errors import NotDelivered


@task()
def deliver(
    delivery_id: int, kind: str, postmortem_id: int | None, emails: list[str], text: str
) -> None:
    from postmortems.server.library.models import Postmortem
    from postmortems.server.workflow.models import Delivery
    from postmortems.server.workflow.notify import Kind, send

    delivery = Delivery.objects.get(pk=delivery_id)
    pm = Postmortem.objects.filter(pk=postmortem_id).first() if postmortem_id else None
    problems = send(delivery, Kind(kind), pm, emails, text)
    if problems:
        raise NotDelivered("; ".join(problems))
