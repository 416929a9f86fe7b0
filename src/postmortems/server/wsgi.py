"""WSGI entry point for gunicorn and ``pm serve``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postmortems.server.settings")
application = get_wsgi_application()
