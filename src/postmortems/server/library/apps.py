from __future__ import annotations

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "postmortems.server.library"
    label = "library"
    verbose_name = "Postmortem library"

    def ready(self) -> None:
        # Every save or delete of a postmortem moves the token that cached list pages are keyed by.
        from postmortems.server.library import state

        state.connect()
