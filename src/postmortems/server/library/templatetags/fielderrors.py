"""A refused field's error beside the field, tied to it for screen readers.

A form the view refused comes back with what was typed and why (``kept``: library/kept.py);
these tags, given the address the form posts to, a field's name and the id ``AT`` of its control,
write the error under the field's label and mark the control::

    <span class="field"><label for="status-why">Why</label>{% field_error url "why" "status-why" %}
    <input name="why"{% field url "why" "status-why" %}></span>

``field`` gives the control ``id="AT"`` and, when refused, ``aria-invalid`` and
``aria-describedby`` naming the error; ``field_error`` writes ``<p class="field-error"
id="AT-error">``. The name ``__all__`` is the form as a whole (a refusal by a rule of the
domain, said beside the form's button).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _error(context: template.Context, action: str, name: str) -> str:
    kept = context.get("kept") or {}
    if kept.get("action") != action:
        return ""
    return str((kept.get("errors") or {}).get(name, ""))


@register.simple_tag(takes_context=True)
def field(context: template.Context, action: str, name: str, at: str) -> SafeString:
    if _error(context, action, name):
        return format_html(' id="{}" aria-invalid="true" aria-describedby="{}-error"', at, at)
    return format_html(' id="{}"', at)


@register.simple_tag(takes_context=True)
def field_error(context: template.Context, action: str, name: str, *at: object) -> SafeString | str:
    """The error, its id ``AT-error``; ``AT`` may be given in parts (``"item-" i.pk``)."""
    said = _error(context, action, name)
    ident = "".join(str(part) for part in at)
    return format_html('<p class="field-error" id="{}-error">{}</p>', ident, said) if said else ""
