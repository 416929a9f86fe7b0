from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "postmortems.server.accounts"
    label = "accounts"
    verbose_name = "People and teams"
