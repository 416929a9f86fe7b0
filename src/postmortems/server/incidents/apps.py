from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "postmortems.server.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        # The inbox lists the news of a role given on an incident, linked to the incident.
        from postmortems.server.incidents import rolenews
        from postmortems.server.workflow import inbox

        inbox.DESCRIBED[rolenews.KIND] = ("Incident role given to you", rolenews.described)
