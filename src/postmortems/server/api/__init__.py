"""The JSON API (django-ninja): OpenAPI at /api/openapi.json, docs at /api/docs."""

from postmortems.server.api.app import api

__all__ = ["api"]
