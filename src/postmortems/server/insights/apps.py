from __future__ import annotations

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "postmortems.server.insights"
    label = "insights"
    verbose_name = "Learning across postmortems"
