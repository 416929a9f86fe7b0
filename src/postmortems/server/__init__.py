"""The team server: a Django project built from one typed settings object.

Nothing here imports Django at module level except the Django modules themselves (apps, views,
models), so the CLI can import :mod:`postmortems.server.config` cheaply.
"""
