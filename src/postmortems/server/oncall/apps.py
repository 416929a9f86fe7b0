from __future__ import annotations

from django.apps import AppConfig


class OncallConfig(AppConfig):
    name = "postmortems.server.oncall"
    label = "oncall"
    verbose_name = "On-call"
