"""The ``DJANGO_SETTINGS_MODULE``: settings come from the environment via the typed loader.

``pm serve`` resolves flags, environment and file into a :class:`ServerSettings`, exports it as
``PM_*`` variables (:meth:`ServerSettings.to_env`) and every worker process rebuilds the same object
here. This is the one place where Django's import-time settings convention meets the factory.
"""

from __future__ import annotations

import os

from postmortems.server.config import load
from postmortems.server.djangoconf import django_settings

globals().update(django_settings(load(env=os.environ)))
