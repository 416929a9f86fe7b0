from __future__ import annotations

from django.apps import AppConfig, apps


class OncallConfig(AppConfig):
    name = "postmortems.server.oncall"
    label = "oncall"
    verbose_name = "On-call"

    def ready(self) -> None:
        if apps.is_installed("postmortems.server.incidents"):
            from postmortems.server.incidents import listeners
            from postmortems.server.oncall.alerting import AlertPaging

            listeners.register(AlertPaging())
