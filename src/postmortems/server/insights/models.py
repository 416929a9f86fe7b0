"""Contributing factors of a postmortem, as people confirmed them (taxonomy: search.factors)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from postmortems.server.library.models import Postmortem


class ContributingFactor(models.Model):
    """One factor of a postmortem: confirmed (it contributed) or rejected (a wrong suggestion)."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed"
        REJECTED = "rejected"

    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="contributing_factors"
    )
    slug = models.CharField(max_length=40, help_text="A factor of postmortems.search.factors.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.CONFIRMED)
    phrase = models.CharField(max_length=300, blank=True, help_text="The text that suggested it.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["postmortem", "slug"], name="one_factor_each")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["slug", "state"], name="factor_slug_state")
        ]

    def __str__(self) -> str:
        return f"{self.postmortem_id}: {self.slug} ({self.state})"
