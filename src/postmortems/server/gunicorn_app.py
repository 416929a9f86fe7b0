"""Run the WSGI app under gunicorn with the worker count from the settings."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from postmortems.server.config import ServerSettings


class PostmortemsServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options: dict[str, Any] = {
            "bind": f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}",
            "workers": max(1, s.workers),
            "worker_class": "gthread",
            "threads": 4,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "preload_app": True,
            "timeout": 60,
            "graceful_timeout": 5,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from postmortems.server.wsgi import application

        return application


def serve(settings: ServerSettings) -> None:
    PostmortemsServer(settings).run()
