"""The library's forms: every form post and the list's filters are read through one of these."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from postmortems.document.model import Severity, Status
from postmortems.server.library import queries
from postmortems.server.library.models import Postmortem
from postmortems.server.library.wallfield import in_calendar

MAX_TEXT = 500_000

# The time-zone pickers' choices (the editor, the incident forms, a new rotation): a short list
# of common zones; a field still takes any IANA name.
ZONES = (
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)


def day_field(label: str | None = None) -> forms.DateField:
    """A day of a period's form (the on-call workload's, the incidents list's): a date picker
    that takes ``YYYY-MM-DD``, within :data:`FIRST_DAY` .. :data:`LAST_DAY`."""
    return forms.DateField(
        required=False,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[in_calendar],
        error_messages={"invalid": "not a day: write it as YYYY-MM-DD"},
    )


def check_period(form: forms.Form, data: dict[str, Any], first: str, last: str) -> None:
    """A period whose last day (field ``last``) is before its first (``first``) is said beside
    the last, by the fields' labels, not shown as "nothing matches"."""
    since, until = data.get(first), data.get(last)
    if since and until and until < since:
        said = f"{form[last].label} ({until}) is before {form[first].label} ({since})"
        form.add_error(last, f"{said}: swap them")


class Suggested(forms.TextInput):
    """A text input with suggestions (an HTML ``<datalist>`` after it): the person still types
    what they like, the list only saves typing. ``options`` may be set per form (a person's
    teams). Screen readers and browsers read the input as a combobox."""

    template_name = "library/widgets/suggested.html"

    def __init__(self, attrs: dict[str, Any] | None = None, options: tuple[str, ...] = ()) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.options = tuple(options)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}-options"
        widget["attrs"]["list"] = widget["list_id"]
        widget["options"] = self.options
        return context


def errors_of(form: forms.Form) -> str:
    """The form's errors in one line: ``Field: message; …`` (fields by their label). A message's
    own full stop goes before the ``;`` that follows it (Django's "This field is required."):
    ``Title: This field is required; Timezone: …``, never ``required.;``."""
    said = [
        f"{_label(form, name)}: {' '.join(str(m) for m in messages)}"
        for name, messages in form.errors.items()
    ]
    return "; ".join([*(part.removesuffix(".") for part in said[:-1]), *said[-1:]])


def _label(form: forms.Form, name: str) -> str:
    """The field's label as the form shows it (Django's, from its name when none is given)."""
    return str(form[name].label) if name in form.fields else name


def _refused(form: forms.Form) -> list[tuple[str, str, str]]:
    """(label, messages, what was sent) of each refused field: the text is shown again, so a
    long note refused for its length is not lost with the page."""
    return [
        (_label(form, name), " ".join(str(m) for m in messages), str(form.data.get(name, "")))
        for name, messages in form.errors.items()
    ]


def bad_request(form: forms.Form, request: HttpRequest | None = None) -> HttpResponse:
    """400 with what was wrong, for posts a page's own form does not send as they are (tampered,
    stale, or a browser that skipped the form's checks): a page in the site's frame with a way
    back to the form (the browser's back keeps what was typed), or plain text for a script or
    an htmx request."""
    if request is None or request.headers.get("HX-Request") or not _wants_html(request):
        return HttpResponseBadRequest(
            f"bad request: {errors_of(form)}\n", content_type="text/plain; charset=utf-8"
        )
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    context = {"refused": _refused(form), "back": back}
    return render(request, "library/bad_request.html", context, status=400)


def _wants_html(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


class NextForm(forms.Form):
    """``next``: where to go back to, a path on this site only (else the page the view names)."""

    next = forms.CharField(required=False, max_length=500)

    def back_to(self, default: str) -> str:
        """``next`` when it is a path of this site (Django's own check, which also refuses
        ``/\\evil.example``: browsers read it as ``//evil.example``), else ``default``."""
        wanted = str(self.cleaned_data.get("next") or "")
        on_site = wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, None)
        return wanted if on_site else default


class EditorForm(forms.Form):
    """The editor's save and preview posts."""

    key = forms.CharField(required=False, max_length=120)
    text = forms.CharField(required=False, strip=False, max_length=MAX_TEXT)
    base_version = forms.IntegerField(required=False, min_value=0)
    message = forms.CharField(required=False, max_length=200)
    # The editor page's own name, for its autosaved draft (see Draft.editor).
    editor = forms.CharField(required=False, max_length=32)
    # After a refused (stale) save: the revision the text began from, which the autosaved
    # draft keeps until a save goes through, so a draft restored later is still known stale.
    draft_base = forms.IntegerField(required=False, min_value=0)

    def text_for(self, pm: Postmortem | None) -> str:
        """The text with the browser's CRLF line ends put back to the document's own."""
        text = str(self.cleaned_data["text"]).replace("\r\n", "\n")
        if pm is not None and "\r\n" in pm.text:
            return text.replace("\n", "\r\n")
        return text

    @property
    def base(self) -> int:
        return int(self.cleaned_data["base_version"] or 0)

    @property
    def draft_from(self) -> int:
        """The revision an autosaved draft of this text began from."""
        kept = self.cleaned_data.get("draft_base")
        return min(self.base, kept) if kept is not None else self.base


class DraftForm(forms.Form):
    key = forms.CharField(required=False, max_length=120)
    editor = forms.CharField(required=False, max_length=32)


def _any_or(values: list[str]) -> list[tuple[str, str]]:
    return [("", "any"), *((v, v) for v in values)]


def page_number(query: Any) -> int:
    """The page of results asked for (``?page=``), 1 to 10,000; anything else is the first."""
    try:
        return max(1, min(int(query.get("page") or 1), 10_000))
    except ValueError:
        return 1


class AnyCaseChoiceField(forms.ChoiceField):
    """A choice typed in any case is that choice (``?severity=sev2``, ``?status=Draft``), as
    the text filters (service, tag, team) match in any case."""

    def __init__(self, values: list[str], **kwargs: Any) -> None:
        super().__init__(choices=_any_or(values), **kwargs)
        self.values = values

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return next((v for v in self.values if v.lower() == text.lower()), text)


class ListForm(forms.Form):
    """The list's filters (query string). A value the form refuses is named on the page (400)
    and no list is shown: a list that looks filtered but is not would mislead."""

    status = AnyCaseChoiceField([s.value for s in Status], required=False)
    severity = AnyCaseChoiceField([s.value for s in Severity], required=False)
    service = forms.CharField(required=False, max_length=200)
    tag = forms.CharField(required=False, max_length=200)
    team = forms.CharField(required=False, max_length=200)
    since = forms.DateField(required=False, label="From")
    until = forms.DateField(required=False, label="To")
    q = forms.CharField(required=False, label="Words")
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in queries.SORTS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data, "since", "until")
        return data

    def filters(self, **fixed: str) -> queries.Filters:
        self.is_valid()
        data: dict[str, Any] = {
            name: self.cleaned_data.get(name) or field_default(name) for name in self.fields
        }
        data["q"] = str(data["q"]).strip()[:200]
        return queries.Filters(**{**data, **fixed})


def field_default(name: str) -> Any:
    return queries.Filters.__dataclass_fields__[name].default
