from __future__ import annotations

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "postmortems.server.library"
    label = "library"
    verbose_name = "Postmortem library"
