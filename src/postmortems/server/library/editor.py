"""The editor: write Markdown with live preview and lint beside it, save as revisions.

Saves carry the revision the text started from; a stale save is refused (409) and the page shows
both the user's text (still in the editor) and the current text, so nothing is lost. While typing,
the preview request also autosaves a draft, so a closed tab loses nothing either.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from postmortems.document.model import Severity, Status
from postmortems.document.skeleton import PROFILES
from postmortems.document.skeleton import render as skeleton
from postmortems.errors import PostmortemsError
from postmortems.server.accounts.access import signed_in
from postmortems.server.accounts.roles import Action
from postmortems.server.library import hooks, panels, sandbox, store
from postmortems.server.library.boundaries import NotAllowed
from postmortems.server.library.forms import (
    ZONES,
    DraftForm,
    EditorForm,
    bad_request,
    errors_of,
)
from postmortems.server.library.guards import posted, postmortem_for, requires
from postmortems.server.library.models import Draft, Postmortem
from postmortems.server.library.rendering import (
    Finding,
    one_level_down,
    preview_parts,
    team_formats,
)


def _drafts(request: HttpRequest, pm: Postmortem | None) -> Any:
    """The user's autosaved drafts of ``pm`` (of a new postmortem: None), newest first."""
    found = Draft.objects.filter(user=signed_in(request), postmortem=pm)
    return found.order_by("-updated", "-pk")


def _kept(request: HttpRequest, pm: Postmortem | None) -> tuple[Draft | None, int]:
    """The newest draft of ``pm`` that holds words its saved text lacks, and how many more."""
    drafts = [d for d in _drafts(request, pm) if pm is None or d.text != pm.text]
    if not drafts:
        return None, 0
    # The page that restores it writes it on from now on, under a name of its own: a second
    # tab restoring the same draft takes it over, and the first tab's typing makes a new one,
    # so a save in either leaves the other's words.
    drafts[0].editor = secrets.token_hex(8)
    drafts[0].save(update_fields=["editor"])
    return drafts[0], len(drafts) - 1


def _forget_draft(request: HttpRequest, pm: Postmortem | None, form: EditorForm, text: str) -> None:
    """After a save: this editor page's draft, and any other that holds only the saved text."""
    mine = _drafts(request, pm).filter(editor=form.cleaned_data["editor"] or "")
    mine.delete()
    _drafts(request, pm).filter(text=text).delete()


def _page(request: HttpRequest, pm: Postmortem | None, text: str, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    base = extra.pop("base_version", pm.version if pm else 0)
    restored = extra.get("restored")
    posted = EditorForm(request.POST) if request.method == "POST" else None
    if posted is not None and posted.is_valid():  # a refused save: the page goes on as it was
        extra.setdefault("editor", posted.cleaned_data["editor"])
        extra.setdefault("draft_base", posted.cleaned_data["draft_base"])
    # A page's name for its draft: a restored draft's own (typing goes on in it), else the
    # posted one (a refused save), else a new one.
    editor = getattr(restored, "editor", "") or extra.pop("editor", "") or secrets.token_hex(8)
    context = {
        "pm": pm,
        "text": text,
        "base_version": base,
        "editor_id": editor,
        "severities": [s.value for s in Severity],
        "statuses": [s.value for s in Status],
        "zones": ZONES,
        "message": request.POST.get("message", "") if request.method == "POST" else "",
        **extra,
    }
    context["editor_panels"] = panels.render_editor(request, pm)
    # What a save will do beyond saving (an approved postmortem goes back to review), said
    # before the author saves.
    context["edit_notices"] = hooks.edit_notices(pm.status) if pm else []
    return render(request, "library/editor.html", context, status=status)


def _refused(request: HttpRequest, pm: Postmortem | None, form: EditorForm) -> HttpResponse:
    """The editor again, with all the posted text (nothing is cut) and why it was not saved."""
    text = request.POST.get("text", "")
    base = form.cleaned_data.get("base_version") or (pm.version if pm else 0)
    editor = form.cleaned_data.get("editor") or ""
    return _page(
        request, pm, text, error=errors_of(form), base_version=base, editor=editor, status=422
    )


@requires(Action.WRITE)
def new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save_new(request)
    profile = request.GET.get("profile", "classic")
    draft, more = _kept(request, None)
    if draft is not None and "fresh" not in request.GET:
        return _page(request, None, draft.text, restored=draft, more_drafts=more)
    text = skeleton(profile if profile in PROFILES else "classic")
    return _page(request, None, text, profiles=PROFILES)


def _save_new(request: HttpRequest) -> HttpResponse:
    form = EditorForm(request.POST)
    if not form.is_valid():
        return _refused(request, None, form)
    text = form.text_for(None)
    if _untouched(None, text):
        # Its times and names are examples: saved, it would be a postmortem of nothing.
        error = "This is the format's skeleton as New wrote it: write what happened, then save."
        return _page(request, None, text, error=error, profiles=PROFILES, status=422)
    try:
        # Without a base version: a new postmortem, its change note its first revision's.
        message = form.cleaned_data["message"]
        saved = store.save(text, request.user, message=message, postmortems_only=True)
    except NotAllowed as exc:
        return _page(request, None, text, error=str(exc), status=403)
    except PostmortemsError as exc:
        _keep_draft(request, None, form, text)
        return _page(request, None, text, error=_said(exc), text_error=True, status=422)
    _forget_draft(request, None, form, text)
    return _saved(form, redirect("library:detail", key=saved.postmortem.key))


@requires(Action.WRITE)
def edit(request: HttpRequest, key: str) -> HttpResponse:
    pm = postmortem_for(request, key, Action.WRITE)
    if request.method == "POST":
        return _save_edit(request, pm)
    draft, more = _kept(request, pm)
    if draft is not None and "fresh" not in request.GET:
        # Saved against the revision the draft started from: if someone saved since, the
        # save shows the conflict page instead of overwriting their revision.
        base = draft.base_version
        return _page(request, pm, draft.text, restored=draft, base_version=base, more_drafts=more)
    return _page(request, pm, pm.text)


def _save_edit(request: HttpRequest, pm: Postmortem) -> HttpResponse:
    form = EditorForm(request.POST)
    if not form.is_valid():
        return _refused(request, pm, form)
    text = form.text_for(pm)
    message = form.cleaned_data["message"]
    try:
        saved = store.save(
            text,
            request.user,
            key=pm.key,
            base_version=form.base,
            message=message,
            postmortems_only=True,
        )
    except store.StaleVersion as exc:
        current = exc.current
        return _page(
            request,
            current,
            text,
            editor=form.cleaned_data["editor"] or "",
            draft_base=form.draft_from,
            conflict=True,
            current_text=current.text,
            conflict_diff=store.unified_diff(current.text, text, current.key, ("current", "yours")),
            status=409,
        )
    except NotAllowed as exc:
        return _page(request, pm, text, error=str(exc), base_version=form.base, status=403)
    except PostmortemsError as exc:  # still based on the revision it began from
        _keep_draft(request, pm, form, text)
        said = _said(exc)
        return _page(
            request, pm, text, error=said, text_error=True, base_version=form.base, status=422
        )
    _forget_draft(request, pm, form, text)
    if saved.back_to_review:
        messages.warning(
            request,
            f"Saved. The changes sent this {pm.status} postmortem back to review: its approvals "
            "were cleared and its reviewers are asked to approve it again.",
        )
    return _saved(form, redirect("library:detail", key=pm.key))


# Names the editor page a save went through for, to the page shown next (site.js), so that the
# browser forgets the copy of its text editor.js kept: a minute is enough for the redirect.
SAVED_COOKIE = "pm_saved"


def _saved(form: EditorForm, response: HttpResponse) -> HttpResponse:
    editor = form.cleaned_data["editor"] or ""
    if editor.isalnum():
        response.set_cookie(
            SAVED_COOKIE,
            editor,
            max_age=60,
            path=settings.CSRF_COOKIE_PATH,
            secure=settings.CSRF_COOKIE_SECURE,
            samesite="Lax",
        )
    return response


@posted(EditorForm, Action.WRITE)
def preview(request: HttpRequest, form: EditorForm) -> HttpResponse:
    """htmx: the rendered preview and the lint findings; also autosaves the draft."""
    pm = _named(request, form)
    key, text = form.cleaned_data["key"], form.text_for(pm)
    if not _untouched(pm, text):
        _autosave(request, pm, text, form.draft_from, form.cleaned_data["editor"] or "")
    try:
        name, formats = f"{key or 'new'}.md", team_formats()
        checked = sandbox.run_for(str(request.user.pk), preview_parts, text, name, formats)
    except PostmortemsError as exc:
        stop = Finding("PM000", "error", 1, 1, exc.message, exc.hint or "")
        status = {sandbox.Busy: 429, sandbox.CheckFailed: 503}.get(type(exc), 422)
        context = {"findings": [stop], "errors": True}
        return render(request, "library/_preview.html", context, status=status)
    context = {
        "findings": checked.findings,
        # "Errors must be fixed" only when there are errors: warnings do not block approval.
        "errors": any(f.severity == "error" for f in checked.findings),
        "html": one_level_down(render_to_string("library/_rendered.html", {"r": checked.rendered})),
    }
    return render(request, "library/_preview.html", context)


def _keep_draft(request: HttpRequest, pm: Postmortem | None, form: EditorForm, text: str) -> None:
    """A refused save's text, kept as this page's draft: the page may be closed before its
    preview autosaves it."""
    _autosave(request, pm, text, form.draft_from, form.cleaned_data["editor"] or "")


def _untouched(pm: Postmortem | None, text: str) -> bool:
    """The text as the editor opened it: ``pm``'s own, or for a new one a profile's skeleton
    (of the day it was opened, which its ``started`` says: a page left open past midnight)."""
    if pm is not None:
        return pm.text == text
    found = _SKELETON_DAY.search(text)
    try:
        day = dt.date.fromisoformat(found.group(1)) if found else None
    except ValueError:
        return False
    return day is not None and text in {skeleton(p, today=day) for p in PROFILES}


_SKELETON_DAY = re.compile(r"^started: (\d{4}-\d{2}-\d{2})T00:00 ", re.MULTILINE)


def _said(exc: PostmortemsError) -> str:
    """What is wrong with the text, at its line in the editor (the file name a save gives it,
    ``new.md``, is no file the writer knows)."""
    where = f"line {exc.line}: " if exc.line else ""
    return where + exc.said


def _named(request: HttpRequest, form: DraftForm | EditorForm) -> Postmortem | None:
    """The postmortem a post names by its ``key`` (one the user may write), or None: a new one."""
    key = form.cleaned_data["key"]
    return postmortem_for(request, key, Action.WRITE) if key else None


def _autosave(
    request: HttpRequest, pm: Postmortem | None, text: str, base: int, editor: str
) -> None:
    """This editor page's draft; another page's (another tab's) is left as it is."""
    mine = _drafts(request, pm).filter(editor=editor)
    if not mine.update(text=text, base_version=base, updated=timezone.now()):
        Draft.objects.create(
            user=signed_in(request), postmortem=pm, editor=editor, text=text, base_version=base
        )


@require_POST
@requires(Action.WRITE)
def discard_draft(request: HttpRequest) -> HttpResponse:
    form = DraftForm(request.POST)
    pm = _named(request, form) if form.is_valid() else None
    if form.errors:
        return bad_request(form, request)
    editor = form.cleaned_data["editor"]
    drafts = _drafts(request, pm)
    # the draft the page restored (its name); without one, all of them
    (drafts.filter(editor=editor) if editor else drafts).delete()
    return redirect("library:edit", key=pm.key) if pm else redirect("library:new")
