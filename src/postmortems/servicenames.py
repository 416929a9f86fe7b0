"""What a service name is: the one rule the postmortem format, incidents, alerts and on-call
share, so that ``checkout-api`` is one service everywhere (its page, escalation, Seen before?).

A name is lower-case letters (of any script: ``café-api``, ``日本``), digits and ``- _ .``, in
parts joined by ``/`` (``payments/api``), each part starting with a letter or a digit (so no
``..``, no empty part, no leading ``/``), at most :data:`LONGEST` characters, in Unicode's
composed form (NFC: one ``é``, however it was typed). What a person types is
:func:`normal`-ised first (NFC, trimmed, lower-cased, each run of spaces one ``-``):
``Checkout API`` is ``checkout-api``. Anything else
(``../../etc``, ``<b>x</b>``, 200 characters) is not a name: a form or the API refuses it, a
file reports it at its line, and an alert's label that is not one is left out.
"""

from __future__ import annotations

import re
import unicodedata

LONGEST = 64
FORM = (
    "lower-case letters (of any script), digits and - _ . / (each part between / starting with "
    f"a letter or a digit), at most {LONGEST} characters, e.g. checkout-api"
)
# A part: a letter or digit of any script first (\w less _), then letters, digits, _ . -.
_PART = r"[^\W_][\w.-]*"

_NAME = re.compile(rf"{_PART}(?:/{_PART})*")
_SPACES = re.compile(r"\s+")


def is_name(text: str) -> bool:
    """Whether ``text`` is a service name as it stands (no normalising)."""
    return (
        len(text) <= LONGEST
        and text == text.lower()
        and unicodedata.is_normalized("NFC", text)
        and _NAME.fullmatch(text) is not None
    )


def normal(text: str) -> str:
    """``text`` as a name is written: trimmed, lower-cased, spaces as one ``-`` (it may still be
    no name: check with :func:`is_name`)."""
    return _SPACES.sub("-", unicodedata.normalize("NFC", text).strip().lower())


def problem(text: str) -> str:
    """Why ``text`` (as typed) is not a service name once normalised ('' when it is one)."""
    name = normal(text)
    if is_name(name):
        return ""
    typed = text.strip()
    if len(name) > LONGEST:
        return f"service name {typed[:20]!r}… is {len(name)} characters long"
    return f"{typed!r} is not a service name"


def checked(names: list[str] | tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(the names normalised, each once and sorted; why each one that is no name is refused)."""
    refused = [said for said in (problem(n) for n in names if n.strip()) if said]
    kept = sorted({normal(n) for n in names if n.strip() and not problem(n)})
    return kept, refused


def from_label(value: str) -> str:
    """An alert label's value as a service: normalised, or '' when it is no name (an alert is
    never refused for its labels; the label itself stays on the alert as sent)."""
    name = normal(value)
    return name if is_name(name) else ""
