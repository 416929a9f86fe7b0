"""Abstract model bases shared by the apps' rows."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class NewestFirst(models.Model):
    """A row stamped when it was made (with the caller's ``now``) and listed newest first."""

    created = models.DateTimeField()

    class Meta:
        abstract = True
        ordering: ClassVar[list[str]] = ["-created", "-id"]
