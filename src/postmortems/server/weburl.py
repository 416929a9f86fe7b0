"""The one check for addresses users store (ticket links, timeline and alert links): http(s)
only, never ``javascript:``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_URL = 500  # the column's length
_VALIDATE = URLValidator(schemes=["http", "https"])


def is_web_url(value: str, *, longest: int = MAX_URL) -> bool:
    """True for an absolute http:// or https:// URL of at most ``longest`` characters."""
    if not value or len(value) > longest or value != value.strip():
        return False
    try:
        _VALIDATE(value)
    except ValidationError:
        return False
    return True
