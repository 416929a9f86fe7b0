from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "postmortems.server.incidents"
    label = "incidents"
    verbose_name = "Incidents"
