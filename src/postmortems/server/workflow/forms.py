"""The review panel's forms: every workflow post is read through one of these."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User

from postmortems.server.library.forms import NextForm
from postmortems.server.weburl import is_web_url
from postmortems.server.workflow import actions
from postmortems.server.workflow.lifecycle import BY_NAME
from postmortems.server.workflow.models import ActionItem

MOVES = sorted({*BY_NAME, "add-reviewers"})


class MoveForm(NextForm):
    transition = forms.ChoiceField(choices=[(m, m) for m in MOVES])
    note = forms.CharField(required=False, max_length=2000)
    reviewer = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True), to_field_name="username", required=False
    )
    acknowledge_repeat = forms.BooleanField(required=False)
    # the revision the page showed: an approval of a text changed since is refused
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class NotARepeatForm(NextForm):
    """The earlier postmortem a reviewer says this one does not repeat (its key), or, taking
    that back, that it repeats after all."""

    earlier = forms.CharField(max_length=200)


class AnswerForm(NextForm):
    accept = forms.TypedChoiceField(
        choices=[("1", "accept"), ("0", "decline")], coerce=lambda v: v == "1"
    )


class CommentForm(NextForm):
    text = forms.CharField(max_length=10_000, label="Comment")
    section = forms.CharField(required=False, max_length=200)
    line = forms.IntegerField(required=False, min_value=1, max_value=10_000_000)
    # A passage selected in the rendered page, and the line its section starts on (site.js).
    quote = forms.CharField(required=False, max_length=1_000)
    quote_line = forms.IntegerField(required=False, min_value=1, max_value=10_000_000)
    reply_to = forms.IntegerField(required=False, min_value=1, max_value=2**62)


class ResolveForm(NextForm):
    reopen = forms.BooleanField(required=False)


class ItemForm(NextForm):
    """An edit of one action item; a field left out of the post is left as it is."""

    status = forms.ChoiceField(required=False, choices=ActionItem.State.choices)
    kind = forms.ChoiceField(required=False, choices=ActionItem.Kind.choices)
    priority = forms.ChoiceField(required=False, choices=ActionItem.Priority.choices)
    # A user name (the item's line in the Markdown says `owner: @name`: a line break would write
    # new lines into the postmortem).
    owner = forms.RegexField(
        regex=r"^[\w.@+-]*$",
        required=False,
        max_length=150,
        error_messages={"invalid": "give a user name: letters, digits and . @ + - _ only"},
    )
    due = forms.DateField(required=False)
    reason = forms.CharField(required=False, max_length=2000)
    # http(s) with a host, as every link the server shows (http://jira/browse/OPS-1 too)
    tracker_url = forms.CharField(required=False, max_length=500, label="Ticket link")

    def clean_tracker_url(self) -> str:
        url = str(self.cleaned_data.get("tracker_url") or "").strip()
        if url and not is_web_url(url):
            raise forms.ValidationError("give an http:// or https:// address of the ticket")
        return url

    def change(self) -> actions.Change:
        data, given = self.cleaned_data, self.data

        def sent(name: str) -> str | None:
            return str(data[name]) if name in given else None

        return actions.Change(
            status=data["status"] or None,
            owner=sent("owner"),
            due=data["due"],
            clear_due="due" in given and data["due"] is None,
            kind=data["kind"] or None,
            priority=data["priority"] or None,
            reason=sent("reason"),
            tracker_url=sent("tracker_url"),
        )


TRACKERS = {"github": "GitHub", "jira": "Jira"}  # a tracker's name in the posts → in words


class TicketForm(NextForm):
    tracker = forms.ChoiceField(choices=list(TRACKERS.items()))
