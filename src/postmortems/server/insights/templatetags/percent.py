"""``{{ rate|percent }}``: a share (0.125) as a whole percentage, half rounded up (``13``), as
a reader rounds it (``widthratio`` rounds half to even: 12)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return ""
    return str((Decimal(str(rate)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
