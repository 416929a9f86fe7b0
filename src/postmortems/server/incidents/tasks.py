"""Background tasks of incidents: what an alert or a change triggers runs off the request
(``pm worker``).

An incident opened by an alert is announced to the server's webhooks (``webhook_urls``, the
allowed destinations) in a task queued in the ingesting transaction; a restricted incident is
announced by key only. A person given a role is told (``rolenews``). A delivery that fails
raises, so the task is recorded as failed.
"""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from postmortems.server.errors import NotDelivered


@task()
def tell_role(delivery_id: int, incident_id: int, role: str, person: str, by: str) -> None:
    """Tell ``person`` that ``by`` gave them ``role`` on the incident."""
    from postmortems.server.incidents.rolenews import send

    problems = send(delivery_id, incident_id, role, person, by)
    if problems:
        raise NotDelivered("; ".join(problems))


@task()
def announce(incident_id: int) -> None:
    from postmortems.server.config import absolute_url
    from postmortems.server.config import current as server_settings
    from postmortems.server.incidents.models import Incident
    from postmortems.server.workflow import webhooks

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return
    conf = server_settings()
    url = absolute_url(reverse("incidents:detail", args=[incident.key]))
    if incident.restricted:
        text = f"Incident {incident.key} opened (restricted)"
    else:
        text = f"Incident {incident.key} opened: {incident.severity} {incident.title}"
    body = webhooks.slack_body(text, url, "incident-opened", incident.key, "incident")
    problems = webhooks.post_all(conf.webhook_urls, body, conf.webhook_secret)
    if problems:
        raise NotDelivered("; ".join(problems))
